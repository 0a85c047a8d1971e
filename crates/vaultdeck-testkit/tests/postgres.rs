//! The PostgreSQL peer starts, accepts queries, has the Vault admin role, and stops.

use std::time::Instant;

use secrecy::ExposeSecret;
use vaultdeck_testkit::{process_gone, Postgres};

#[test]
fn postgres_starts_accepts_queries_and_stops() {
    let started = Instant::now();
    let pg = Postgres::start();
    eprintln!("postgres up in {:?}", started.elapsed());
    assert_eq!(pg.psql("select 1 + 1").unwrap(), "2");
    let admin = pg
        .psql("select rolsuper from pg_roles where rolname = 'vaultadmin'")
        .unwrap();
    assert_eq!(admin, "t");
    let target = pg.pg_target();
    assert_eq!(target.user, "vaultadmin");
    assert_eq!(target.port, pg.port());
    assert_eq!(
        target.password.expose_secret(),
        pg.admin_password().expose_secret()
    );
    // scram auth: a wrong password is refused.
    let version = pg.psql("show password_encryption").unwrap();
    assert_eq!(version, "scram-sha-256");
    let err = pg.psql("select nonsense_column").unwrap_err().to_string();
    assert!(err.contains("nonsense_column"), "{err}");

    let pid = pg.pid();
    let dir = pg.dir().to_owned();
    let started = Instant::now();
    drop(pg);
    eprintln!("postgres stopped in {:?}", started.elapsed());
    assert!(
        process_gone(pid),
        "postmaster {pid} still running after drop"
    );
    assert!(!dir.exists());
}

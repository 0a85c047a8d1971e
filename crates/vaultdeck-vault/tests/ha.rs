//! HA behaviours of the client against a real 3-node raft OpenBao cluster on loopback:
//! 307 redirects to the active node followed, read-your-writes through a standby (`X-Vault-Index` sent back with
//! `X-Vault-Inconsistent: forward-active-node`), the "upgrading" 400 of a fresh KV v2 mount
//! retried, standby health 429 mapped, and a failover seen by the cluster view.

use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use serde_json::json;
use vaultdeck_testkit::OpenBaoRaft;
use vaultdeck_vault::{NodeState, SecretString, VaultClient, VaultConfig};

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

async fn wait_state(c: &VaultClient, want: NodeState) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let s = c.node_seal_status().await;
        if s.state == Some(want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "node never reached {want:?}: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A loopback HTTP server answering every request with `307 Temporary Redirect` to the same
/// path on `target`; returns its address.
fn redirector(target: &str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let target = target.to_owned();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Read the head, then as much body as Content-Length says.
            let (head_end, len) = loop {
                let n = stream.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    break (None, 0);
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..i]).to_ascii_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    break (Some(i + 4), len);
                }
            };
            let Some(head_end) = head_end else { continue };
            while buf.len() < head_end + len {
                let n = stream.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let resp = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}{path}\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(resp.as_bytes());
        }
    });
    addr
}

fn fresh(addr: &str, token: &SecretString) -> VaultClient {
    VaultClient::new(VaultConfig::new(addr))
        .unwrap()
        .with_token(token.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standby_reads_your_writes_and_fresh_kv_mount_is_retried() {
    let n1 = OpenBaoRaft::start_node("n1");
    let n2 = OpenBaoRaft::start_node("n2");
    let n3 = OpenBaoRaft::start_node("n3");
    let init = n1.client().init(1, 1).await.expect("init 1/1");
    let key = init.keys_base64[0].expose_secret().to_owned();
    n1.client().submit_unseal_share(secret(&key)).await.unwrap();
    wait_state(&n1.client(), NodeState::Active).await;
    for n in [&n2, &n3] {
        let c = n.client();
        c.write(
            "sys/storage/raft/join",
            &json!({ "leader_api_addr": n1.addr() }),
        )
        .await
        .expect("raft join");
        let _ = c.submit_unseal_share(secret(&key)).await;
        wait_state(&c, NodeState::Standby).await;
        // Standby health is 429, mapped to the standby state.
        assert_eq!(c.node_seal_status().await.health_status, Some(429));
    }
    let token = init.root_token.clone();
    let active = fresh(n1.addr(), &token);

    // A standby that redirects (Vault, or OpenBao with request forwarding off) answers
    // `307 Location: <active>/v1/...`: the client follows it with the same method, body and
    // token. The redirecting standby is played by a loopback redirector in front of the
    // real active node.
    active
        .write("sys/mounts/kvr", &json!({"type": "kv-v2"}))
        .await
        .unwrap();
    let redirect = fresh(&redirector(n1.addr()), &token);
    redirect
        .write("kvr/data/moved", &json!({"data": {"v": "via 307"}}))
        .await
        .expect("write through a 307");
    let got = active.read("kvr/data/moved").await.unwrap().unwrap();
    assert_eq!(got["data"]["data"]["v"], json!("via 307"));
    let got = redirect.read("kvr/data/moved").await.unwrap().unwrap();
    assert_eq!(got["data"]["data"]["v"], json!("via 307"));

    // A KV v2 mount created on the active node is "upgrading" for a moment on the standbys;
    // a write through a standby right away succeeds because the client retries.
    active
        .write("sys/mounts/kvha", &json!({"type": "kv-v2"}))
        .await
        .unwrap();
    let standby = fresh(n2.addr(), &token);
    let t = Instant::now();
    standby
        .write("kvha/data/first", &json!({"data": {"v": "0"}}))
        .await
        .expect("write through a standby right after the mount was created");
    eprintln!("first write via standby took {:?}", t.elapsed());

    // Read-your-writes through a standby: every read right after a write sees that write.
    // (Without the index a standby answers the old value for ~50–110 ms after a write.)
    for i in 1..=15 {
        let v = format!("v{i}");
        standby
            .write("kvha/data/ryw", &json!({"data": {"v": v}}))
            .await
            .unwrap();
        let got = standby.read("kvha/data/ryw").await.unwrap().unwrap();
        assert_eq!(got["data"]["data"]["v"], json!(v), "stale read #{i}");
        // Clones share the index (a token-swapped clone reads fresh too).
        let clone = standby.with_token(token.clone());
        let got = clone.read("kvha/data/ryw").await.unwrap().unwrap();
        assert_eq!(
            got["data"]["data"]["v"],
            json!(v),
            "stale read via clone #{i}"
        );
    }

    // The cluster view sees three peers and one leader. Step-down is accepted; then the
    // leader is stopped and the view (from a survivor) shows a new leader.
    let view = active.cluster_view().await;
    assert_eq!(view.raft_peers.len(), 3, "{view:?}");
    let leaders: Vec<_> = view.raft_peers.iter().filter(|p| p.leader).collect();
    assert_eq!(leaders.len(), 1);
    // Joiners are non-voters until autopilot promotes them (~10–15 s); without three voters
    // losing the leader would lose quorum.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let v = active.cluster_view().await;
        if v.raft_peers.len() == 3 && v.raft_peers.iter().all(|p| p.voter) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "joiners never became voters: {v:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    active.step_down().await.expect("step-down");
    let deadline = Instant::now() + Duration::from_secs(30);
    let leader_addr = loop {
        if let Some(l) = fresh(n2.addr(), &token).cluster_view().await.leader {
            if let Some(a) = l.leader_address.filter(|a| !a.is_empty()) {
                break a;
            }
        }
        assert!(Instant::now() < deadline, "no leader after step-down");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    eprintln!("leader after step-down: {leader_addr} (was {})", n1.addr());
    let (old, survivors) = if leader_addr == n1.addr() {
        (n1, [n2, n3])
    } else if leader_addr == n2.addr() {
        (n2, [n1, n3])
    } else {
        (n3, [n1, n2])
    };
    let old_addr = old.addr().to_owned();
    drop(old);
    let deadline = Instant::now() + Duration::from_secs(30);
    let new_leader = loop {
        let v = fresh(survivors[0].addr(), &token).cluster_view().await;
        let addr = v.leader.as_ref().and_then(|l| l.leader_address.clone());
        let raft_leaders = v.raft_peers.iter().filter(|p| p.leader).count();
        if let Some(a) = addr.filter(|a| !a.is_empty() && *a != old_addr) {
            if raft_leaders == 1 {
                break a;
            }
        }
        assert!(Instant::now() < deadline, "no new leader: {v:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(survivors.iter().any(|n| n.addr() == new_leader));
    // A write then a read through the survivor that is a standby returns the fresh value.
    let standby_node = survivors.iter().find(|n| n.addr() != new_leader).unwrap();
    let c = fresh(standby_node.addr(), &token);
    c.write("kvha/data/after", &json!({"data": {"v": "x"}}))
        .await
        .unwrap();
    let got = c.read("kvha/data/after").await.unwrap().unwrap();
    assert_eq!(got["data"]["data"]["v"], json!("x"));
}

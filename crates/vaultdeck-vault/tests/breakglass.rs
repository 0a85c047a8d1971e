//! Break-glass endpoints against a real, non-dev OpenBao with raft storage, initialised with
//! 5 key shares / threshold 3 (one server per test; `sys/init` takes ~7–10 s).

use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use vaultdeck_testkit::OpenBaoRaft;
use vaultdeck_types::ErrorCode;
use vaultdeck_vault::breakglass::{decode_root_token, RootFlow};
use vaultdeck_vault::{InitResponse, NodeState, SecretString, VaultClient};

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

/// Inits 5/3, unseals with the first three base64 shares and waits until active.
async fn init_5_3(bao: &OpenBaoRaft) -> InitResponse {
    let c = bao.client();
    let init = c.init(5, 3).await.expect("sys/init 5/3");
    assert_eq!(init.keys.len(), 5);
    for k in &init.keys_base64[..3] {
        c.submit_unseal_share(secret(k.expose_secret()))
            .await
            .unwrap();
    }
    wait_state(&c, NodeState::Active).await;
    init
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seal_status_unseal_reset_wrong_share_and_seal() {
    let bao = OpenBaoRaft::start();
    let c = bao.client();

    let s = c.node_seal_status().await;
    assert_eq!(s.state, Some(NodeState::Uninitialized));
    assert_eq!(s.health_status, Some(501));
    assert!(s.version.is_some() && s.error.is_none(), "{s:?}");

    let init = init_5_3(&bao).await;
    let root = c.with_token(secret(init.root_token.expose_secret()));
    let s = c.node_seal_status().await;
    assert_eq!(
        (s.state, s.health_status),
        (Some(NodeState::Active), Some(200))
    );
    let seal = s.seal.unwrap();
    assert_eq!((seal.threshold, seal.shares, seal.sealed), (3, 5, false));

    // Discovery finds this node (sys/leader + sys/ha-status with the root token).
    let nodes = root.discover_nodes().await;
    assert_eq!(nodes, vec![bao.addr().to_owned()]);

    // Emergency seal.
    root.seal().await.unwrap();
    let s = c.node_seal_status().await;
    assert_eq!(
        (s.state, s.health_status),
        (Some(NodeState::Sealed), Some(503))
    );

    // Hex share, then a base64 share: progress 1, 2 with a nonce; reset -> 0.
    let st = c
        .submit_unseal_share(secret(&format!("  {}\n", init.keys[0].expose_secret())))
        .await
        .unwrap();
    assert_eq!((st.progress, st.sealed), (1, true));
    assert!(!st.nonce.is_empty());
    let st = c
        .submit_unseal_share(secret(init.keys_base64[1].expose_secret()))
        .await
        .unwrap();
    assert_eq!(st.progress, 2);
    let st = c.unseal_reset().await.unwrap();
    assert_eq!((st.progress, st.sealed), (0, true));

    // Garbage is refused locally, before any request.
    let e = c
        .submit_unseal_share(secret("not a share!"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert_eq!(c.seal_status().await.unwrap().progress, 0);

    // A wrong (well-formed) share: the threshold attempt fails, the node stays sealed.
    let mut wrong = init.keys[4].expose_secret().to_owned();
    let first = if wrong.starts_with('0') { "1" } else { "0" };
    wrong.replace_range(0..1, first);
    c.submit_unseal_share(secret(init.keys[2].expose_secret()))
        .await
        .unwrap();
    c.submit_unseal_share(secret(init.keys[3].expose_secret()))
        .await
        .unwrap();
    let e = c.submit_unseal_share(secret(&wrong)).await.unwrap_err();
    assert_eq!(e.status(), Some(400), "{e}");
    let st = c.seal_status().await.unwrap();
    assert!(st.sealed);
    assert_eq!(st.progress, 0, "a failed attempt starts over");

    // Three good shares (mixed encodings) unseal it.
    c.submit_unseal_share(secret(init.keys[2].expose_secret()))
        .await
        .unwrap();
    c.submit_unseal_share(secret(init.keys_base64[3].expose_secret()))
        .await
        .unwrap();
    let st = c
        .submit_unseal_share(secret(init.keys[4].expose_secret()))
        .await
        .unwrap();
    assert!(!st.sealed);
    wait_state(&c, NodeState::Active).await;

    // An unreachable node is reported, not an error.
    let dead = VaultClient::new(vaultdeck_vault::VaultConfig::new("http://127.0.0.1:9"))
        .unwrap()
        .node_seal_status()
        .await;
    assert!(dead.error.is_some() && dead.state.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_root_token_flow_and_decode() {
    let bao = OpenBaoRaft::start();
    let c = bao.client();
    let init = init_5_3(&bao).await;
    let root = c.with_token(secret(init.root_token.expose_secret()));

    // Detection: the token flow is offered, the unauthenticated one is 405 by default.
    let flows = root.generate_root_flows().await.unwrap();
    assert!(flows.token && !flows.unauthenticated, "{flows:?}");
    assert_eq!(flows.preferred(), Some(RootFlow::Token));
    let flows = c.generate_root_flows().await.unwrap();
    assert!(!flows.token && !flows.unauthenticated, "{flows:?}");

    // Start, cancel, start again.
    let p = root.generate_root_progress(RootFlow::Token).await.unwrap();
    assert!(!p.started);
    let a = root.generate_root_start(RootFlow::Token).await.unwrap();
    assert!(!a.nonce.is_empty() && a.required == 3);
    assert!(!format!("{a:?}").contains(a.otp.expose_secret()));
    root.generate_root_cancel(RootFlow::Token).await.unwrap();
    assert!(
        !root
            .generate_root_progress(RootFlow::Token)
            .await
            .unwrap()
            .started
    );
    let a = root.generate_root_start(RootFlow::Token).await.unwrap();

    // Wrong nonce is refused.
    let e = root
        .generate_root_update(
            RootFlow::Token,
            "00000000-0000-0000-0000-000000000000",
            secret(init.keys[0].expose_secret()),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("nonce"), "{e}");

    let mut last = None;
    for (i, k) in init.keys_base64[..3].iter().enumerate() {
        let p = root
            .generate_root_update(RootFlow::Token, &a.nonce, secret(k.expose_secret()))
            .await
            .unwrap();
        if i < 2 {
            assert_eq!((p.progress, p.complete), (i as u32 + 1, false));
        }
        last = Some(p);
    }
    let done = last.unwrap();
    assert!(done.complete);
    let encoded = done.encoded().expect("encoded token").clone();

    let local = decode_root_token(&encoded, &a.otp).unwrap();
    let server = c.decode_token(&encoded, &a.otp).await.unwrap();
    assert_eq!(local.expose_secret(), server.expose_secret());
    assert!(local.expose_secret().starts_with("s."));

    // The new root token works and can revoke itself.
    let new_root = c.with_token(local);
    let info = new_root.lookup_self().await.unwrap();
    assert!(
        info.policies.iter().any(|p| p == "root"),
        "{:?}",
        info.policies
    );
    new_root.revoke_self().await.unwrap();
    assert!(new_root.lookup_self().await.is_err());

    // Cluster view data on this single-node raft cluster.
    let view = root.cluster_view().await;
    assert!(view.problems.is_empty(), "{:?}", view.problems);
    assert!(view
        .leader
        .as_ref()
        .is_some_and(|l| l.ha_enabled && l.is_self));
    assert_eq!(view.raft_peers.len(), 1);
    assert!(view.raft_peers[0].leader && view.raft_peers[0].voter);
    assert_eq!(view.raft_peers[0].node_id, "node-1");
    assert_eq!(view.ha_nodes.len(), 1);
    assert!(view.ha_nodes[0].active_node);
    assert_eq!(view.ha_nodes[0].api_address, bao.addr());
    let auto = view.autopilot.expect("autopilot state");
    assert_eq!(auto.leader, "node-1");
    assert!(auto.servers.contains_key("node-1"));
    // Without a token the view says what it could not read.
    let anon_view = c.cluster_view().await;
    assert!(anon_view.leader.is_some() && anon_view.problems.len() == 3);
}

/// The legacy unauthenticated flow, on a second listener that allows it (Vault's flow, and
/// the true break-glass when no token exists at all).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_root_unauthenticated_flow_on_permissive_listener() {
    let bao = OpenBaoRaft::start_with_unauthed_listener();
    let init = init_5_3(&bao).await;
    let legacy = VaultClient::new(vaultdeck_vault::VaultConfig::new(
        bao.unauthed_addr().unwrap(),
    ))
    .unwrap();

    let flows = legacy.generate_root_flows().await.unwrap();
    assert!(flows.unauthenticated && !flows.token, "{flows:?}");
    assert_eq!(flows.preferred(), Some(RootFlow::Unauthenticated));

    let a = legacy
        .generate_root_start(RootFlow::Unauthenticated)
        .await
        .unwrap();
    assert_eq!(a.required, 3);
    let p = legacy
        .generate_root_progress(RootFlow::Unauthenticated)
        .await
        .unwrap();
    assert!(p.started && p.nonce == a.nonce);

    // Reset mid-way: cancel after one share, start again.
    legacy
        .generate_root_update(
            RootFlow::Unauthenticated,
            &a.nonce,
            secret(init.keys[0].expose_secret()),
        )
        .await
        .unwrap();
    legacy
        .generate_root_cancel(RootFlow::Unauthenticated)
        .await
        .unwrap();
    let a = legacy
        .generate_root_start(RootFlow::Unauthenticated)
        .await
        .unwrap();

    let mut done = None;
    for k in &init.keys[2..5] {
        done = Some(
            legacy
                .generate_root_update(
                    RootFlow::Unauthenticated,
                    &a.nonce,
                    secret(k.expose_secret()),
                )
                .await
                .unwrap(),
        );
    }
    let done = done.unwrap();
    assert!(done.complete);
    let encoded = done.encoded().unwrap().clone();
    let local = decode_root_token(&encoded, &a.otp).unwrap();
    let server = legacy.decode_token(&encoded, &a.otp).await.unwrap();
    assert_eq!(local.expose_secret(), server.expose_secret());
    let t = legacy.with_token(local);
    t.lookup_self().await.unwrap();
    t.revoke_self().await.unwrap();
    assert!(t.lookup_self().await.is_err());
}

/// A 3-node raft cluster: discovery finds every node from the leader, each joiner is unsealed
/// with the same shares ("continue on the next node"), standbys answer 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_node_cluster_discovery_and_per_node_unseal() {
    let n1 = OpenBaoRaft::start_node("n1");
    let n2 = OpenBaoRaft::start_node("n2");
    let n3 = OpenBaoRaft::start_node("n3");
    let init = init_5_3(&n1).await;
    let root = n1
        .client()
        .with_token(secret(init.root_token.expose_secret()));
    for n in [&n2, &n3] {
        let c = n.client();
        c.write(
            "sys/storage/raft/join",
            &serde_json::json!({ "leader_api_addr": n1.addr() }),
        )
        .await
        .expect("raft join");
        for k in &init.keys[..3] {
            // Joiners may finish unsealing asynchronously once the raft snapshot arrives.
            let _ = c.submit_unseal_share(secret(k.expose_secret())).await;
        }
        wait_state(&c, NodeState::Standby).await;
        let s = c.node_seal_status().await;
        assert_eq!(s.health_status, Some(429), "{s:?}");
    }

    // Discovery from the leader finds all three (a node shows once it has echoed).
    let mut want = vec![
        n1.addr().to_owned(),
        n2.addr().to_owned(),
        n3.addr().to_owned(),
    ];
    want.sort();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let nodes = root.discover_nodes().await;
        if nodes == want {
            break;
        }
        assert!(Instant::now() < deadline, "discovered {nodes:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let view = root.cluster_view().await;
    assert_eq!(view.raft_peers.len(), 3, "{view:?}");
    assert_eq!(view.raft_peers.iter().filter(|p| p.leader).count(), 1);
    assert_eq!(view.ha_nodes.iter().filter(|n| n.active_node).count(), 1);

    // A standby reports the leader, and discovery from it finds the leader too.
    let from_standby = n2.client().discover_nodes().await;
    assert!(
        from_standby.contains(&n1.addr().to_owned()),
        "{from_standby:?}"
    );
}

//! The Cluster screen (main window): raft peers (node id, address, leader, voter, autopilot
//! status), the leader, HA nodes, autopilot health, a step-down confirmed by typing the profile
//! name, and a raft snapshot download to a file with a progress indicator. Works on the active
//! Vault / OpenBao connection.

use vaultdeck_types::{
    ClusterArgs, ClusterOverview, ClusterStepDown, DownloadRaftSnapshot, GetClusterOverview,
    RaftSnapshotArgs, RaftSnapshotProgress, StepDownArgs,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::input_text;
use crate::components::notice::NotConnected;
use crate::contexts::connections::use_connections;
use crate::ipc;

/// The Cluster screen.
#[component]
pub fn ClusterPage() -> Html {
    let conns = use_connections();
    let Some(active) = conns.active_summary() else {
        return html! { <NotConnected screen="Cluster" /> };
    };
    html! {
        <section class="page cluster-page">
            <h1>{ "Cluster" }</h1>
            <p class="muted">{ format!("{} · {}", active.name, active.address) }</p>
            if active.provider == "Vault / OpenBao" {
                <ClusterPanel key={active.profile_id.clone()} profile_id={active.profile_id.clone()}
                    profile_name={active.name.clone()} />
            } else {
                <p id="cluster-unsupported">{ format!("{} has no raft / HA cluster view.", active.provider) }</p>
            }
        </section>
    }
}

/// Properties of [`ClusterPanel`].
#[derive(Properties, PartialEq)]
pub struct ClusterPanelProps {
    /// The open connection's profile id.
    pub profile_id: AttrValue,
    /// Its name (typed to confirm a step-down).
    pub profile_name: AttrValue,
}

/// Human size of a byte count.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// The cluster view of one connection.
#[component]
pub fn ClusterPanel(p: &ClusterPanelProps) -> Html {
    let view = use_state(|| None::<ClusterOverview>);
    let message = use_state(|| None::<(bool, String)>);
    let confirm = use_state(String::new);
    let file = use_state(String::new);
    let downloading = use_state(|| None::<u64>);

    let refresh = {
        let view = view.clone();
        let message = message.clone();
        let profile_id = p.profile_id.to_string();
        Callback::from(move |()| {
            let view = view.clone();
            let message = message.clone();
            let args = ClusterArgs {
                profile_id: profile_id.clone(),
            };
            spawn_local(async move {
                match ipc::call::<GetClusterOverview>(&args).await {
                    Ok(v) => view.set(Some(v)),
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    {
        let refresh = refresh.clone();
        use_effect_with(p.profile_id.clone(), move |_| refresh.emit(()));
    }

    let on_step_down = {
        let confirm = confirm.clone();
        let message = message.clone();
        let refresh = refresh.clone();
        let profile_id = p.profile_id.to_string();
        Callback::from(move |_| {
            let args = StepDownArgs {
                profile_id: profile_id.clone(),
                typed_confirm: (*confirm).clone(),
            };
            let confirm = confirm.clone();
            let message = message.clone();
            let refresh = refresh.clone();
            spawn_local(async move {
                match ipc::call::<ClusterStepDown>(&args).await {
                    Ok(()) => {
                        confirm.set(String::new());
                        message.set(Some((
                            true,
                            "The active node stepped down (recorded); another node takes over."
                                .into(),
                        )));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
                refresh.emit(());
            });
        })
    };

    let on_snapshot = {
        let file = file.clone();
        let message = message.clone();
        let downloading = downloading.clone();
        let profile_id = p.profile_id.to_string();
        Callback::from(move |_| {
            let f = file.trim().to_owned();
            let args = RaftSnapshotArgs {
                profile_id: profile_id.clone(),
                file: (!f.is_empty()).then_some(f),
            };
            let message = message.clone();
            let downloading = downloading.clone();
            downloading.set(Some(0));
            message.set(None);
            spawn_local(async move {
                let progress = {
                    let downloading = downloading.clone();
                    move |m: RaftSnapshotProgress| downloading.set(Some(m.bytes))
                };
                let r = ipc::call_with_channel::<DownloadRaftSnapshot, RaftSnapshotProgress>(
                    &args, "onBatch", progress,
                )
                .await;
                downloading.set(None);
                match r {
                    Ok(f) => message.set(Some((
                        true,
                        format!("Raft snapshot saved: {} ({}).", f.path, size(f.bytes)),
                    ))),
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };

    let name = p.profile_name.to_string();
    html! {
        <div id="cluster-view" class="cluster-view" aria-label="Cluster">
            <div class="bg-row">
                <button type="button" id="cluster-refresh" onclick={refresh.reform(|_| ())}>{ "Refresh" }</button>
            </div>
            if let Some((ok, text)) = (*message).clone() {
                <p id="cluster-message" class={classes!(if ok { "bg-ok" } else { "error-text" })} role="status">{ text }</p>
            }
            if let Some(v) = &*view {
                <dl class="cluster-summary">
                    <dt>{ "Leader (active node)" }</dt>
                    <dd id="cluster-leader">{ v.leader_address.clone().unwrap_or_else(|| "unknown".into()) }</dd>
                    <dt>{ "HA" }</dt>
                    <dd id="cluster-ha-enabled">{ if v.ha_enabled { "enabled" } else { "not enabled" } }</dd>
                    <dt>{ "Autopilot" }</dt>
                    <dd id="cluster-autopilot">{ match (v.autopilot_healthy, v.failure_tolerance) {
                        (Some(h), Some(t)) => format!("{}; failure tolerance {t}", if h { "healthy" } else { "UNHEALTHY" }),
                        _ => "not readable".into(),
                    } }</dd>
                    <dt>{ "Raft committed index" }</dt>
                    <dd>{ v.raft_committed_index.map(|i| i.to_string()).unwrap_or_default() }</dd>
                </dl>
                <table id="cluster-peers" class="bg-nodes">
                    <thead><tr>
                        <th>{ "Node id" }</th><th>{ "Raft address" }</th><th>{ "Leader" }</th>
                        <th>{ "Voter" }</th><th>{ "Autopilot" }</th><th>{ "Healthy" }</th>
                    </tr></thead>
                    <tbody>
                    { for v.peers.iter().map(|peer| html! {
                        <tr class={classes!("cluster-peer", peer.leader.then_some("selected"))} data-node-id={peer.node_id.clone()}>
                            <td>{ peer.node_id.clone() }</td>
                            <td>{ peer.address.clone() }</td>
                            <td class="cluster-peer-leader">{ if peer.leader { "leader" } else { "" } }</td>
                            <td class="cluster-peer-voter">{ if peer.voter { "yes" } else { "no" } }</td>
                            <td>{ peer.autopilot_status.clone().unwrap_or_default() }</td>
                            <td>{ match peer.healthy { Some(true) => "yes", Some(false) => "NO", None => "" } }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
                if !v.ha_nodes.is_empty() {
                    <table id="cluster-ha" class="bg-nodes">
                        <thead><tr><th>{ "HA node" }</th><th>{ "Active" }</th><th>{ "Last echo" }</th><th>{ "Version" }</th></tr></thead>
                        <tbody>
                        { for v.ha_nodes.iter().map(|n| html! {
                            <tr class="cluster-ha-node">
                                <td>{ n.api_address.clone() }</td>
                                <td>{ if n.active { "active" } else { "standby" } }</td>
                                <td>{ n.last_echo.clone().unwrap_or_default() }</td>
                                <td>{ n.version.clone() }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                }
                if !v.problems.is_empty() {
                    <ul id="cluster-problems" class="error-text">
                        { for v.problems.iter().map(|p| html! { <li>{ p.clone() }</li> }) }
                    </ul>
                }
            }
            <div class="bg-row" aria-label="Step down">
                <label for="cluster-stepdown-confirm">{ format!("Type `{name}` to make the active node step down") }</label>
                <input id="cluster-stepdown-confirm" type="text" value={(*confirm).clone()}
                    oninput={{ let c = confirm.clone(); Callback::from(move |e: InputEvent| c.set(input_text(&e))) }} />
                <button type="button" id="cluster-stepdown" class="danger" disabled={confirm.trim() != name} onclick={on_step_down}>{ "Step down" }</button>
            </div>
            <div class="bg-row" aria-label="Raft snapshot">
                <label for="cluster-snapshot-file">{ "Snapshot file (empty: the app's exports folder)" }</label>
                <input id="cluster-snapshot-file" type="text" value={(*file).clone()}
                    oninput={{ let f = file.clone(); Callback::from(move |e: InputEvent| f.set(input_text(&e))) }} />
                <button type="button" id="cluster-snapshot" disabled={downloading.is_some()} onclick={on_snapshot}>{ "Download raft snapshot" }</button>
                if let Some(b) = *downloading {
                    <progress id="cluster-snapshot-progress" aria-label="Snapshot download"></progress>
                    <span id="cluster-snapshot-bytes">{ size(b) }</span>
                }
            </div>
        </div>
    }
}

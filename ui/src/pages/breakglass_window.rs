//! The break-glass window (`index.html#/breakglass-window`, its own Tauri window and
//! capability): a session with the operator's name, the per-node seal status, the unseal
//! wizard and the emergency seal. Unseal shares are read from a password field at submit time,
//! sent as `SecretInput` and the field is cleared; they never enter component state.

use vaultdeck_types::{
    BreakglassNode, BreakglassNodeArgs, BreakglassSeal, BreakglassSealArgs, BreakglassSessionView,
    BreakglassStatus, BreakglassUnseal, BreakglassUnsealArgs, BreakglassUnsealReset,
    EndBreakglassSession, GetBreakglassSession, ListProfiles, NoArgs, ProfileKind, SecretInput,
    StartBreakglassArgs, StartBreakglassSession,
};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::{input_text, select_value};
use crate::hooks::use_command;
use crate::ipc;

/// The break-glass window's page.
#[component]
pub fn BreakglassWindowPage() -> Html {
    let session = use_state(|| None::<BreakglassSessionView>);
    let nodes = use_state(Vec::<BreakglassNode>::new);
    let message = use_state(|| None::<(bool, String)>);
    let operator = use_state(String::new);
    let profile = use_state(String::new);
    let selected = use_state(String::new);
    let seal_confirm = use_state(String::new);
    let share_ref = use_node_ref();
    let profiles = use_command::<ListProfiles>(NoArgs {});

    let refresh = {
        let nodes = nodes.clone();
        let message = message.clone();
        let selected = selected.clone();
        Callback::from(move |()| {
            let nodes = nodes.clone();
            let message = message.clone();
            let selected = selected.clone();
            spawn_local(async move {
                match ipc::call::<BreakglassStatus>(&NoArgs {}).await {
                    Ok(list) => {
                        if selected.is_empty() || !list.iter().any(|n| n.address == *selected) {
                            if let Some(n) = list
                                .iter()
                                .find(|n| n.sealed == Some(true))
                                .or(list.first())
                            {
                                selected.set(n.address.clone());
                            }
                        }
                        nodes.set(list);
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };

    {
        let session = session.clone();
        let refresh = refresh.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(Some(s)) = ipc::call::<GetBreakglassSession>(&NoArgs {}).await {
                    session.set(Some(s));
                    refresh.emit(());
                }
            });
        });
    }

    let vault_profiles: Vec<(String, String)> = profiles
        .ok()
        .map(|ps| {
            ps.iter()
                .filter(|p| matches!(p.kind, ProfileKind::Vault(_)))
                .map(|p| (p.id.clone(), p.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let chosen_profile = if profile.is_empty() {
        vault_profiles
            .first()
            .map(|p| p.0.clone())
            .unwrap_or_default()
    } else {
        (*profile).clone()
    };

    let on_start = {
        let session = session.clone();
        let message = message.clone();
        let operator = operator.clone();
        let refresh = refresh.clone();
        let chosen_profile = chosen_profile.clone();
        Callback::from(move |_| {
            let args = StartBreakglassArgs {
                profile_id: chosen_profile.clone(),
                operator: (*operator).clone(),
            };
            let session = session.clone();
            let message = message.clone();
            let refresh = refresh.clone();
            spawn_local(async move {
                match ipc::call::<StartBreakglassSession>(&args).await {
                    Ok(s) => {
                        session.set(Some(s));
                        message.set(None);
                        refresh.emit(());
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let on_end = {
        let session = session.clone();
        let message = message.clone();
        let nodes = nodes.clone();
        Callback::from(move |_| {
            let session = session.clone();
            let message = message.clone();
            let nodes = nodes.clone();
            spawn_local(async move {
                match ipc::call::<EndBreakglassSession>(&NoArgs {}).await {
                    Ok(()) => {
                        session.set(None);
                        nodes.set(Vec::new());
                        message.set(Some((true, "Session ended and recorded.".into())));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let on_unseal = {
        let share_ref = share_ref.clone();
        let selected = selected.clone();
        let message = message.clone();
        let refresh = refresh.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = share_ref.cast::<HtmlInputElement>() else {
                return;
            };
            let share = SecretInput::new(input.value());
            input.set_value("");
            let args = BreakglassUnsealArgs {
                address: (*selected).clone(),
                share,
            };
            let message = message.clone();
            let refresh = refresh.clone();
            spawn_local(async move {
                let text = match ipc::call::<BreakglassUnseal>(&args).await {
                    Ok(n) if n.sealed == Some(false) => (
                        true,
                        format!("{} is unsealed. Continue on the next node.", n.address),
                    ),
                    Ok(n) => (
                        true,
                        format!(
                            "Share accepted: {}/{} on {}.",
                            n.progress, n.threshold, n.address
                        ),
                    ),
                    Err(e) => (false, e.message),
                };
                message.set(Some(text));
                refresh.emit(());
            });
        })
    };
    let on_reset = {
        let selected = selected.clone();
        let message = message.clone();
        let refresh = refresh.clone();
        Callback::from(move |_| {
            let args = BreakglassNodeArgs {
                address: (*selected).clone(),
            };
            let message = message.clone();
            let refresh = refresh.clone();
            spawn_local(async move {
                let text = match ipc::call::<BreakglassUnsealReset>(&args).await {
                    Ok(n) => (true, format!("Unseal progress on {} reset.", n.address)),
                    Err(e) => (false, e.message),
                };
                message.set(Some(text));
                refresh.emit(());
            });
        })
    };
    let on_seal = {
        let selected = selected.clone();
        let seal_confirm = seal_confirm.clone();
        let message = message.clone();
        let refresh = refresh.clone();
        Callback::from(move |_| {
            let args = BreakglassSealArgs {
                address: (*selected).clone(),
                typed_cluster_name: (*seal_confirm).clone(),
            };
            let message = message.clone();
            let refresh = refresh.clone();
            let seal_confirm = seal_confirm.clone();
            spawn_local(async move {
                let text = match ipc::call::<BreakglassSeal>(&args).await {
                    Ok(()) => {
                        seal_confirm.set(String::new());
                        (true, format!("{} is sealed.", args.address))
                    }
                    Err(e) => (false, e.message),
                };
                message.set(Some(text));
                refresh.emit(());
            });
        })
    };

    let selected_node = nodes.iter().find(|n| n.address == *selected).cloned();

    html! {
        <section class="page bg-page">
            <div id="breakglass-banner" class="bg-banner" role="alert">
                { "Break-glass: every action in this window is recorded in the audit log with your name and the session id. Closing this window ends the session." }
            </div>
            if let Some((ok, text)) = (*message).clone() {
                <p id="bg-message" class={classes!(if ok { "bg-ok" } else { "error-text" })} role="status">{ text }</p>
            }
            if let Some(s) = (*session).clone() {
                <div id="bg-session" class="bg-session">
                    <dl>
                        <dt>{ "Session" }</dt><dd id="bg-session-id">{ s.id.clone() }</dd>
                        <dt>{ "Operator" }</dt><dd id="bg-session-operator">{ s.operator.clone() }</dd>
                        <dt>{ "Cluster" }</dt><dd id="bg-session-cluster">{ s.cluster.clone() }</dd>
                        <dt>{ "Started" }</dt><dd id="bg-session-started">{ s.started_at.clone() }</dd>
                    </dl>
                    <button type="button" id="bg-refresh" onclick={refresh.reform(|_| ())}>{ "Refresh status" }</button>
                    <button type="button" id="bg-end" class="danger" onclick={on_end}>{ "End session" }</button>
                </div>
                <NodeTable nodes={(*nodes).clone()} selected={(*selected).clone()}
                    on_select={{ let selected = selected.clone(); Callback::from(move |a: String| selected.set(a)) }} />
                <form class="bg-unseal" onsubmit={on_unseal} aria-label="Unseal">
                    <h2>{ "Unseal" }</h2>
                    if let Some(n) = &selected_node {
                        <p id="bg-progress">{ format!("Node {}: {}/{} shares", n.address, n.progress, n.threshold) }</p>
                    }
                    <label for="bg-share">{ "Unseal key share" }</label>
                    <input id="bg-share" type="password" autocomplete="off" ref={share_ref} />
                    <button type="submit" id="bg-unseal">{ "Submit share" }</button>
                    <button type="button" id="bg-reset" onclick={on_reset}>{ "Reset progress" }</button>
                </form>
                <div class="bg-seal" aria-label="Emergency seal">
                    <h2>{ "Emergency seal" }</h2>
                    <label for="bg-seal-confirm">{ format!("Type the cluster name `{}` to seal the selected node", s.cluster) }</label>
                    <input id="bg-seal-confirm" type="text" value={(*seal_confirm).clone()}
                        oninput={{ let c = seal_confirm.clone(); Callback::from(move |e: InputEvent| c.set(input_text(&e))) }} />
                    <button type="button" id="bg-seal" class="danger" disabled={seal_confirm.trim() != s.cluster} onclick={on_seal}>{ "Seal now" }</button>
                </div>
            } else {
                <div class="bg-start">
                    <h2>{ "Start a break-glass session" }</h2>
                    <label for="bg-profile">{ "Cluster (profile)" }</label>
                    <select id="bg-profile" onchange={{ let p = profile.clone(); Callback::from(move |e: Event| p.set(select_value(&e))) }}>
                        { for vault_profiles.iter().map(|(id, name)| html! {
                            <option value={id.clone()} selected={*id == chosen_profile}>{ name.clone() }</option>
                        }) }
                    </select>
                    <label for="bg-operator">{ "Your name (operator)" }</label>
                    <input id="bg-operator" type="text" value={(*operator).clone()}
                        oninput={{ let o = operator.clone(); Callback::from(move |e: InputEvent| o.set(input_text(&e))) }} />
                    <button type="button" id="bg-start" disabled={operator.trim().is_empty() || chosen_profile.is_empty()} onclick={on_start}>{ "Start session" }</button>
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct NodeTableProps {
    nodes: Vec<BreakglassNode>,
    selected: String,
    on_select: Callback<String>,
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "?",
    }
}

#[component]
fn NodeTable(p: &NodeTableProps) -> Html {
    html! {
        <table id="bg-nodes" class="bg-nodes">
            <thead><tr>
                <th>{ "Node" }</th><th>{ "Initialised" }</th><th>{ "Sealed" }</th><th>{ "Type" }</th>
                <th>{ "t/n" }</th><th>{ "Progress" }</th><th>{ "Nonce" }</th><th>{ "Version" }</th><th>{ "Role" }</th>
            </tr></thead>
            <tbody>
            { for p.nodes.iter().map(|n| {
                let addr = n.address.clone();
                let on_select = p.on_select.clone();
                html! {
                    <tr class={classes!("bg-node", (n.address == p.selected).then_some("selected"))}
                        data-address={n.address.clone()} onclick={Callback::from(move |_| on_select.emit(addr.clone()))}>
                        <td>
                            <input type="radio" name="bg-node" aria-label={format!("Select {}", n.address)}
                                checked={n.address == p.selected} />
                            { n.address.clone() }
                        </td>
                        <td class="bg-initialized">{ yes_no(n.initialized) }</td>
                        <td class="bg-sealed">{ yes_no(n.sealed) }</td>
                        <td>{ n.seal_type.clone() }</td>
                        <td>{ format!("{}/{}", n.threshold, n.shares) }</td>
                        <td class="bg-node-progress">{ format!("{}/{}", n.progress, n.threshold) }</td>
                        <td>{ n.nonce.clone() }</td>
                        <td>{ n.version.clone() }</td>
                        <td class="bg-role">{ n.role.clone() }
                            if let Some(e) = &n.error { <span class="error-text">{ format!(" ({e})") }</span> }
                        </td>
                    </tr>
                }
            }) }
            </tbody>
        </table>
    }
}

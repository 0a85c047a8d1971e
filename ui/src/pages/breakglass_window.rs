//! The break-glass window (`index.html#/breakglass-window`, its own Tauri window and
//! capability): a session with the operator's name, the per-node seal status, the unseal
//! wizard, generate-root into a time-boxed root session (countdown, extend with a reason, end
//! now), the emergency levers and seal, and the session report written when the session ends.
//! Key shares are read from password fields at submit time, sent as `SecretInput` and the
//! fields are cleared; they never enter component state. The root token never reaches the UI.

use gloo_timers::callback::Interval;
use vaultdeck_types::{
    BreakglassEnded, BreakglassNode, BreakglassNodeArgs, BreakglassSeal, BreakglassSealArgs,
    BreakglassSessionView, BreakglassStatus, BreakglassUnseal, BreakglassUnsealArgs,
    BreakglassUnsealReset, CancelGenerateRoot, CloseBreakglassWindow, EndBreakglassArgs,
    EndBreakglassSession, EndRootSession, ExtendRootSession, GenerateRootAttemptView,
    GenerateRootStartArgs, GenerateRootState, GenerateRootSubmitArgs, GetBreakglassSession,
    GetGenerateRootState, GetRootSession, LeverArgs, LeverKind, ListProfiles, NoArgs, ProfileKind,
    PullBreakglassLever, RevocationView, RootExtendArgs, RootSessionView, SecretInput,
    StartBreakglassArgs, StartBreakglassSession, StartGenerateRoot, SubmitGenerateRootShare,
};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::{input_text, select_value};
use crate::hooks::{use_command, use_now};
use crate::ipc;

/// A message line: `(ok, text)`.
type Message = UseStateHandle<Option<(bool, String)>>;

/// `mm:ss` (or `h:mm:ss`) for a countdown.
fn countdown(secs: i64) -> String {
    let s = secs.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// The operator-facing sentence for a revocation.
fn revocation_text(r: &RevocationView) -> (bool, String) {
    match &r.problem {
        None if r.verified => (
            true,
            "Root token revoked; verified: the server now refuses it.".into(),
        ),
        None => (false, "Root token revocation could not be verified.".into()),
        Some(p) => (false, format!("ROOT TOKEN REVOCATION FAILED: {p}")),
    }
}

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
    let report_folder = use_state(String::new);
    let root = use_state(|| None::<RootSessionView>);
    let profiles = use_command::<ListProfiles>(NoArgs {});

    // While a session runs, ask for the root session every 2 s: the watchdog in the backend
    // revokes the token at expiry even if this window does nothing; this shows the outcome.
    {
        let root = root.clone();
        let running = session.is_some();
        use_effect_with(running, move |running| {
            let interval = running.then(|| {
                Interval::new(2_000, move || {
                    let root = root.clone();
                    spawn_local(async move {
                        if let Ok(r) = ipc::call::<GetRootSession>(&NoArgs {}).await {
                            root.set(r);
                        }
                    });
                })
            });
            move || drop(interval)
        });
    }

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
        let root = root.clone();
        let report_folder = report_folder.clone();
        Callback::from(move |_| {
            let session = session.clone();
            let message = message.clone();
            let nodes = nodes.clone();
            let root = root.clone();
            let folder = report_folder.trim().to_owned();
            let args = EndBreakglassArgs {
                report_folder: (!folder.is_empty()).then_some(folder),
            };
            spawn_local(async move {
                match ipc::call::<EndBreakglassSession>(&args).await {
                    Ok(ended) => {
                        session.set(None);
                        nodes.set(Vec::new());
                        root.set(None);
                        message.set(Some(ended_text(&ended)));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let on_close = {
        let message = message.clone();
        Callback::from(move |_| {
            let message = message.clone();
            spawn_local(async move {
                if let Err(e) = ipc::call::<CloseBreakglassWindow>(&NoArgs {}).await {
                    message.set(Some((false, e.message)));
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
                    <label for="bg-report-folder">{ "Report folder (empty: the app's exports folder)" }</label>
                    <input id="bg-report-folder" type="text" value={(*report_folder).clone()}
                        oninput={{ let f = report_folder.clone(); Callback::from(move |e: InputEvent| f.set(input_text(&e))) }} />
                    <button type="button" id="bg-end" class="danger" onclick={on_end}>{ "End session and write report" }</button>
                    <button type="button" id="bg-close" onclick={on_close}>{ "Close window (ends the session)" }</button>
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
                <GenerateRootPanel address={(*selected).clone()} root={(*root).clone()}
                    message={message.clone()} on_root={{ let r = root.clone(); Callback::from(move |v: Option<RootSessionView>| r.set(v)) }} />
                <LeversPanel message={message.clone()} />
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

/// The sentence shown when a session ended: revocation first (loud if it failed), then the
/// report's location.
fn ended_text(e: &BreakglassEnded) -> (bool, String) {
    let mut ok = true;
    let mut parts = vec!["Session ended and recorded.".to_owned()];
    if let Some(r) = &e.revocation {
        let (rok, t) = revocation_text(r);
        ok &= rok;
        parts.push(t);
    }
    match (&e.report_html, &e.report_error) {
        (Some(html), _) => parts.push(format!(
            "Report ({} actions): {} and {}",
            e.actions,
            html,
            e.report_markdown.clone().unwrap_or_default()
        )),
        (None, Some(err)) => {
            ok = false;
            parts.push(format!("The report could not be written: {err}"));
        }
        (None, None) => {}
    }
    (ok, parts.join(" "))
}

#[derive(Properties, PartialEq)]
struct GenerateRootProps {
    /// The selected node.
    address: String,
    /// The root session, if any.
    root: Option<RootSessionView>,
    message: Message,
    on_root: Callback<Option<RootSessionView>>,
}

/// Generate-root: detect the flows, start (nonce for the key holders), shares masked,
/// progress, cancel; then the root session's countdown, extend with a reason, end now.
#[component]
fn GenerateRootPanel(p: &GenerateRootProps) -> Html {
    let flows = use_state(|| None::<GenerateRootState>);
    let attempt = use_state(|| None::<GenerateRootAttemptView>);
    let flow = use_state(String::new);
    let address = use_state(String::new);
    let minutes = use_state(|| "15".to_owned());
    let reason = use_state(String::new);
    let share_ref = use_node_ref();
    let now = use_now();
    let addr = if address.trim().is_empty() {
        p.address.clone()
    } else {
        address.trim().to_owned()
    };

    let on_detect = {
        let flows = flows.clone();
        let attempt = attempt.clone();
        let message = p.message.clone();
        let addr = addr.clone();
        Callback::from(move |_| {
            let flows = flows.clone();
            let attempt = attempt.clone();
            let message = message.clone();
            let args = BreakglassNodeArgs {
                address: addr.clone(),
            };
            spawn_local(async move {
                match ipc::call::<GetGenerateRootState>(&args).await {
                    Ok(s) => {
                        attempt.set(s.attempt.clone());
                        flows.set(Some(s));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let on_start = {
        let attempt = attempt.clone();
        let message = p.message.clone();
        let flow = flow.clone();
        let addr = addr.clone();
        Callback::from(move |_| {
            let attempt = attempt.clone();
            let message = message.clone();
            let args = GenerateRootStartArgs {
                address: addr.clone(),
                flow: (!flow.is_empty()).then(|| (*flow).clone()),
            };
            spawn_local(async move {
                match ipc::call::<StartGenerateRoot>(&args).await {
                    Ok(a) => {
                        message.set(Some((
                            true,
                            format!(
                                "Generate-root started ({} flow). Give the key holders the nonce {}.",
                                a.flow, a.nonce
                            ),
                        )));
                        attempt.set(Some(a));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let on_submit = {
        let attempt = attempt.clone();
        let message = p.message.clone();
        let share_ref = share_ref.clone();
        let on_root = p.on_root.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = share_ref.cast::<HtmlInputElement>() else {
                return;
            };
            let args = GenerateRootSubmitArgs {
                share: SecretInput::new(input.value()),
            };
            input.set_value("");
            let attempt = attempt.clone();
            let message = message.clone();
            let on_root = on_root.clone();
            spawn_local(async move {
                match ipc::call::<SubmitGenerateRootShare>(&args).await {
                    Ok(step) if step.complete => {
                        attempt.set(None);
                        message.set(Some((
                            true,
                            "Root token generated and decoded locally; it is held in memory for this session only.".into(),
                        )));
                        on_root.emit(step.root);
                    }
                    Ok(step) => {
                        if let Some(a) = (*attempt).clone() {
                            attempt.set(Some(GenerateRootAttemptView {
                                progress: step.progress,
                                ..a
                            }));
                        }
                        message.set(Some((
                            true,
                            format!("Key share accepted: {}/{}.", step.progress, step.required),
                        )));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let on_cancel = {
        let attempt = attempt.clone();
        let message = p.message.clone();
        Callback::from(move |_| {
            let attempt = attempt.clone();
            let message = message.clone();
            spawn_local(async move {
                match ipc::call::<CancelGenerateRoot>(&NoArgs {}).await {
                    Ok(()) => {
                        attempt.set(None);
                        message.set(Some((true, "Generate-root cancelled.".into())));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let on_extend = {
        let minutes = minutes.clone();
        let reason = reason.clone();
        let message = p.message.clone();
        let on_root = p.on_root.clone();
        Callback::from(move |_| {
            let args = RootExtendArgs {
                minutes: minutes.trim().parse().unwrap_or(0),
                reason: (*reason).clone(),
            };
            let message = message.clone();
            let on_root = on_root.clone();
            let reason = reason.clone();
            spawn_local(async move {
                match ipc::call::<ExtendRootSession>(&args).await {
                    Ok(v) => {
                        message.set(Some((
                            true,
                            format!(
                                "Root session extended until {} (reason recorded).",
                                v.expires_at
                            ),
                        )));
                        reason.set(String::new());
                        on_root.emit(Some(v));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let on_end_root = {
        let message = p.message.clone();
        let on_root = p.on_root.clone();
        Callback::from(move |_| {
            let message = message.clone();
            let on_root = on_root.clone();
            spawn_local(async move {
                match ipc::call::<EndRootSession>(&NoArgs {}).await {
                    Ok(r) => {
                        message.set(Some(revocation_text(&r)));
                        on_root.emit(Some(RootSessionView {
                            revocation: Some(r),
                            ..RootSessionView::default()
                        }));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };

    let live = p.root.as_ref().filter(|r| r.active);
    html! {
        <div class="bg-genroot" aria-label="Generate root">
            <h2>{ "Generate root" }</h2>
            if let Some(r) = live {
                <div id="bg-root" class="bg-root" role="status">
                    <p>{ "A root token is live in this session (held in memory only, never shown). It is revoked automatically when the time box ends, when you end it, or when the session or this window ends." }</p>
                    <p>{ "Time left: " }<strong id="bg-root-countdown" class="bg-countdown">{ countdown(r.expires_unix - now) }</strong>
                        { format!(" (until {})", r.expires_at) }</p>
                    <label for="bg-root-extend-minutes">{ "Extend by (minutes)" }</label>
                    <input id="bg-root-extend-minutes" type="number" min="1" max="60" value={(*minutes).clone()}
                        oninput={{ let m = minutes.clone(); Callback::from(move |e: InputEvent| m.set(input_text(&e))) }} />
                    <label for="bg-root-extend-reason">{ "Reason (recorded)" }</label>
                    <input id="bg-root-extend-reason" type="text" value={(*reason).clone()}
                        oninput={{ let r = reason.clone(); Callback::from(move |e: InputEvent| r.set(input_text(&e))) }} />
                    <button type="button" id="bg-root-extend" disabled={reason.trim().is_empty()} onclick={on_extend}>{ "Extend" }</button>
                    <button type="button" id="bg-root-end" class="danger" onclick={on_end_root}>{ "Revoke root token now" }</button>
                </div>
            } else {
                if let Some(r) = p.root.as_ref().and_then(|r| r.revocation.as_ref()) {
                    { {
                        let (ok, text) = revocation_text(r);
                        html! { <p id="bg-root-revocation" class={classes!(if ok { "bg-ok" } else { "bg-loud" })} role="alert">{ text }</p> }
                    } }
                }
                <div class="bg-row">
                    <label for="bg-gr-address">{ "Node (empty: the selected node)" }</label>
                    <input id="bg-gr-address" type="text" placeholder={p.address.clone()} value={(*address).clone()}
                        oninput={{ let a = address.clone(); Callback::from(move |e: InputEvent| a.set(input_text(&e))) }} />
                    <button type="button" id="bg-gr-detect" onclick={on_detect}>{ "Detect flows" }</button>
                    <label for="bg-gr-flow">{ "Flow" }</label>
                    <select id="bg-gr-flow" onchange={{ let f = flow.clone(); Callback::from(move |e: Event| f.set(select_value(&e))) }}>
                        <option value="" selected={flow.is_empty()}>{ "What the server offers" }</option>
                        <option value="token" selected={*flow == "token"}>{ "Token-authenticated (OpenBao ≥ 2.5)" }</option>
                        <option value="unauthenticated" selected={*flow == "unauthenticated"}>{ "Unauthenticated (Vault, permissive listener)" }</option>
                    </select>
                </div>
                if let Some(f) = &*flows {
                    <p id="bg-gr-flows">{ format!(
                        "{}: token-authenticated {}, unauthenticated {}; preferred: {}.",
                        f.address,
                        if f.token_flow { "offered" } else { "not offered" },
                        if f.unauthenticated_flow { "offered" } else { "not offered" },
                        f.preferred.clone().unwrap_or_else(|| "none".into()),
                    ) }</p>
                }
                if let Some(a) = &*attempt {
                    <p>{ "Nonce for the key holders: " }<code id="bg-gr-nonce">{ a.nonce.clone() }</code></p>
                    <p id="bg-gr-progress">{ format!("Shares: {}/{} on {} ({} flow)", a.progress, a.required, a.address, a.flow) }</p>
                    <form class="bg-row" onsubmit={on_submit} aria-label="Generate-root key share">
                        <label for="bg-gr-share">{ "Key share" }</label>
                        <input id="bg-gr-share" type="password" autocomplete="off" ref={share_ref} />
                        <button type="submit" id="bg-gr-submit">{ "Submit share" }</button>
                        <button type="button" id="bg-gr-cancel" onclick={on_cancel}>{ "Cancel generate-root" }</button>
                    </form>
                } else {
                    <button type="button" id="bg-gr-start" class="danger" onclick={on_start}>{ "Start generate-root" }</button>
                }
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LeversProps {
    message: Message,
}

fn lever_from(v: &str) -> LeverKind {
    match v {
        "revoke_token_accessor" => LeverKind::RevokeTokenAccessor,
        "revoke_auth_mount" => LeverKind::RevokeAuthMount,
        "disable_auth_method" => LeverKind::DisableAuthMethod,
        _ => LeverKind::RevokeLeasePrefix,
    }
}

/// The emergency levers, each confirmed by typing its target again.
#[component]
fn LeversPanel(p: &LeversProps) -> Html {
    let kind = use_state(|| "revoke_lease_prefix".to_owned());
    let target = use_state(String::new);
    let confirm = use_state(String::new);
    let on_go = {
        let kind = kind.clone();
        let target = target.clone();
        let confirm = confirm.clone();
        let message = p.message.clone();
        Callback::from(move |_| {
            let args = LeverArgs {
                kind: lever_from(&kind),
                target: (*target).clone(),
                typed_confirm: (*confirm).clone(),
            };
            let message = message.clone();
            let confirm = confirm.clone();
            spawn_local(async move {
                match ipc::call::<PullBreakglassLever>(&args).await {
                    Ok(r) => {
                        confirm.set(String::new());
                        message.set(Some((
                            true,
                            format!(
                                "{} ({}; recorded).",
                                r.message,
                                if r.used_root {
                                    "with the root token"
                                } else {
                                    "with the profile's token"
                                }
                            ),
                        )));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let label = match lever_from(&kind) {
        LeverKind::RevokeLeasePrefix => "Lease prefix (e.g. database/creds/app)",
        LeverKind::RevokeTokenAccessor => "Token accessor",
        LeverKind::RevokeAuthMount => "Auth mount (e.g. userpass)",
        LeverKind::DisableAuthMethod => "Auth mount to disable (e.g. userpass)",
    };
    let armed = !target.trim().is_empty() && confirm.trim() == target.trim();
    html! {
        <div class="bg-levers" aria-label="Emergency levers">
            <h2>{ "Emergency levers" }</h2>
            <div class="bg-row">
                <label for="bg-lever-kind">{ "Lever" }</label>
                <select id="bg-lever-kind" onchange={{ let k = kind.clone(); Callback::from(move |e: Event| k.set(select_value(&e))) }}>
                    <option value="revoke_lease_prefix" selected={*kind == "revoke_lease_prefix"}>{ "Revoke leases by prefix" }</option>
                    <option value="revoke_token_accessor" selected={*kind == "revoke_token_accessor"}>{ "Revoke a token by accessor" }</option>
                    <option value="revoke_auth_mount" selected={*kind == "revoke_auth_mount"}>{ "Revoke all tokens of an auth mount" }</option>
                    <option value="disable_auth_method" selected={*kind == "disable_auth_method"}>{ "Disable an auth method" }</option>
                </select>
                <label for="bg-lever-target">{ label }</label>
                <input id="bg-lever-target" type="text" value={(*target).clone()}
                    oninput={{ let t = target.clone(); Callback::from(move |e: InputEvent| t.set(input_text(&e))) }} />
                <label for="bg-lever-confirm">{ "Type it again to confirm" }</label>
                <input id="bg-lever-confirm" type="text" value={(*confirm).clone()}
                    oninput={{ let c = confirm.clone(); Callback::from(move |e: InputEvent| c.set(input_text(&e))) }} />
                <button type="button" id="bg-lever-go" class="danger" disabled={!armed} onclick={on_go}>{ "Pull lever" }</button>
            </div>
        </div>
    }
}

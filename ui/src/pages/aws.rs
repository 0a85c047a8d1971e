//! The AWS Secrets Manager screen (on an open AWS connection): the secret list with a name
//! filter, streamed page by page ("listed N…", cancelable) into the list and into the
//! explorer's fuzzy search index (the shared search box opens a secret), a "New secret" form,
//! the detail of the selected secret (ARN, KMS key, tags, dates, rotation, versions
//! with their staging labels), reveal of a version's value (hidden again after the reveal
//! timeout; JSON values shown as keys), copy to the clipboard (written and cleared by the
//! backend), a diff of a version against AWSCURRENT (computed in the backend; values masked
//! until shown), one-click rollback with a preview, client-side rotation, and the panels of
//! [`panels`]: put a new value (AWSCURRENT-checked), description and tags, resource policy,
//! delete / restore / force delete, KMS key change, and Lambda rotation (configuration,
//! enable / disable, rotate now). Deleted secrets are listed on request with their date.
//! Every call goes through `ipc`; values live only in this component's state.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use vaultdeck_types::{
    AwsCopyValue, AwsDescribeSecret, AwsDiffArgs, AwsDiffChange, AwsDiffVersions, AwsListArgs,
    AwsListBatch, AwsListFilter, AwsListReport, AwsListSecrets, AwsPasswordSpec,
    AwsPreviewRollback, AwsRevealArgs, AwsRevealValue, AwsRevealed, AwsRollback, AwsRollbackArgs,
    AwsRollbackPlan, AwsRotateArgs, AwsRotateClientSide, AwsSecretDetail, AwsSecretRef,
    AwsSecretSummary, AwsVersionDiff, AWS_CURRENT,
};
use vaultdeck_types::{
    CancelJob, CancelJobArgs, Connect, ConnectArgs, ListProfiles, NoArgs, Profile, ProfileKind,
};
use vaultdeck_ui::profile_draft::ProviderKind;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::secret_search::SecretSearch;
use crate::components::{checkbox_checked, input_text};

mod create;
mod panels;
pub mod policy_review;
mod rotation;
use crate::contexts::connections::{use_connections, ConnectionsAction};
use crate::ipc;
use create::CreatePanel;
use panels::{DeletePanel, MetaPanel, PolicyPanel, PutValuePanel};
use rotation::RotationPanel;

/// The AWS screen.
#[component]
pub fn AwsPage() -> Html {
    let conns = use_connections();
    let active = conns
        .active_summary()
        .filter(|a| ProviderKind::of_label(&a.provider) == ProviderKind::Aws)
        .cloned();
    let Some(active) = active else {
        // Not on an AWS connection: offer the saved AWS profiles (the Connections form only
        // edits Vault profiles; AWS ones come from `vdeck aws profile-add` or `save_profile`).
        return html! {
            <section class="page aws-page">
                <h1>{ "AWS Secrets Manager" }</h1>
                <AwsConnect />
            </section>
        };
    };
    let who = active
        .identity
        .as_ref()
        .map(|i| i.display_name.clone())
        .unwrap_or_default();
    html! {
        <section class="page aws-page">
            <h1>{ "AWS Secrets Manager" }</h1>
            <p class="muted" id="aws-identity">{ format!("{} · {} · {who}", active.name, active.address) }</p>
            <AwsScreen key={active.profile_id.clone()} profile_id={active.profile_id.clone()} />
        </section>
    }
}

/// Saved AWS profiles with a Connect button (the stored secret key, or the AWS chain).
#[component]
fn AwsConnect() -> Html {
    let conns = use_connections();
    let profiles = use_state(Vec::<Profile>::new);
    let message = use_state(|| None::<String>);
    {
        let (profiles, message) = (profiles.clone(), message.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match ipc::call::<ListProfiles>(&NoArgs {}).await {
                    Ok(list) => profiles.set(
                        list.into_iter()
                            .filter(|p| matches!(p.kind, ProfileKind::Aws(_)))
                            .collect(),
                    ),
                    Err(e) => message.set(Some(e.message)),
                }
            });
        });
    }
    let connect = {
        let (conns, message) = (conns.clone(), message.clone());
        Callback::from(move |profile_id: String| {
            let (conns, message) = (conns.clone(), message.clone());
            let args = ConnectArgs {
                profile_id: profile_id.clone(),
                credential: None,
                remember: false,
            };
            spawn_local(async move {
                if conns.is_open(&profile_id) {
                    conns.dispatch(ConnectionsAction::Activate(profile_id));
                    return;
                }
                match ipc::call::<Connect>(&args).await {
                    Ok(summary) => conns.dispatch(ConnectionsAction::Connected(summary)),
                    Err(e) => message.set(Some(e.message)),
                }
            });
        })
    };
    html! {
        <div id="aws-connect" class="notice">
            <p class="notice-title">{ "Choose an AWS connection" }</p>
            if let Some(m) = (*message).clone() {
                <p id="aws-connect-error" class="error-text" role="alert">{ m }</p>
            }
            if profiles.is_empty() {
                <p id="aws-no-profiles">{ "No AWS profiles yet: add one with `vdeck aws profile-add --name NAME --region REGION` (AWS profile, environment or access keys)." }</p>
            }
            <ul class="aws-profiles">
            { for profiles.iter().map(|p| {
                let id = p.id.clone();
                let region = match &p.kind {
                    ProfileKind::Aws(a) => a.region.clone().unwrap_or_else(|| "default region".into()),
                    _ => String::new(),
                };
                html! {
                    <li>
                        <button type="button" class="aws-connect primary" data-profile-name={p.name.clone()}
                            aria-label={format!("Connect {}", p.name)}
                            onclick={connect.reform(move |_| id.clone())}>
                            { if conns.is_open(&p.id) { "Use" } else { "Connect" } }
                        </button>
                        { format!(" {} · {region}", p.name) }
                    </li>
                }
            }) }
            </ul>
        </div>
    }
}

/// Properties of [`AwsScreen`].
#[derive(Properties, PartialEq)]
pub struct AwsScreenProps {
    /// The AWS connection's profile id.
    pub profile_id: AttrValue,
}

/// List + detail of one AWS connection.
#[component]
fn AwsScreen(p: &AwsScreenProps) -> Html {
    let prefix = use_state(String::new);
    let with_deleted = use_state(|| false);
    let list = use_state(Vec::<AwsSecretSummary>::new);
    let selected = use_state(|| None::<String>);
    let detail = use_state(|| None::<AwsSecretDetail>);
    let message = use_state(|| None::<(bool, String)>);
    let revealed = use_state(|| None::<AwsRevealed>);
    let hide_timer = use_mut_ref(|| None::<Timeout>);
    let plan = use_state(|| None::<AwsRollbackPlan>);
    let length = use_state(|| "32".to_owned());
    let diff = use_state(|| None::<AwsVersionDiff>);
    let diff_shown = use_state(|| false);
    let diff_timer = use_mut_ref(|| None::<Timeout>);
    let creating = use_state(|| false);
    // The streamed listing: the job running (if any), its running count and final report;
    // pages accumulate in `acc` (only the newest job's pages count); `revision` tells the
    // search box that names were added to the index.
    let listing = use_state(|| None::<String>);
    let listed = use_state(|| 0_u64);
    let list_report = use_state(|| None::<AwsListReport>);
    let acc = use_mut_ref(Vec::<AwsSecretSummary>::new);
    let newest_job = use_mut_ref(String::new);
    let revision = use_state(|| 0_u64);
    let revision_counter = use_mut_ref(|| 0_u64);

    let load_list = {
        let (list, message, prefix, with_deleted) = (
            list.clone(),
            message.clone(),
            prefix.clone(),
            with_deleted.clone(),
        );
        let sink = ListSink {
            list: list.clone(),
            listed: listed.clone(),
            revision: revision.clone(),
            acc: acc.clone(),
            newest_job: newest_job.clone(),
            counter: revision_counter.clone(),
        };
        let (listing, listed, list_report, acc, newest_job) = (
            listing.clone(),
            listed.clone(),
            list_report.clone(),
            acc.clone(),
            newest_job.clone(),
        );
        let profile_id = p.profile_id.to_string();
        Callback::from(move |()| {
            let job_id = format!(
                "aws-list-{}-{:08x}",
                js_sys::Date::now() as u64,
                (js_sys::Math::random() * f64::from(u32::MAX)) as u32
            );
            // A listing still running is replaced: stop it (a finished one: no-op).
            let previous = std::mem::replace(&mut *newest_job.borrow_mut(), job_id.clone());
            if !previous.is_empty() {
                spawn_local(async move {
                    let _ = ipc::call::<CancelJob>(&CancelJobArgs { job_id: previous }).await;
                });
            }
            acc.borrow_mut().clear();
            list.set(Vec::new());
            listed.set(0);
            list_report.set(None);
            listing.set(Some(job_id.clone()));
            let args = AwsListArgs {
                profile_id: profile_id.clone(),
                filter: AwsListFilter {
                    name_prefix: Some((*prefix).clone()).filter(|s| !s.is_empty()),
                    include_planned_deletion: *with_deleted,
                    ..Default::default()
                },
                job_id: job_id.clone(),
                page_size: None,
            };
            let on_batch = sink.clone().for_job(job_id.clone());
            let (message, listing, list_report, newest_job) = (
                message.clone(),
                listing.clone(),
                list_report.clone(),
                newest_job.clone(),
            );
            spawn_local(async move {
                let r = ipc::call_with_channel::<AwsListSecrets, AwsListBatch>(
                    &args, "onBatch", on_batch,
                )
                .await;
                if *newest_job.borrow() != job_id {
                    return; // a newer listing replaced this one
                }
                match r {
                    Ok(rep) => list_report.set(Some(rep)),
                    Err(e) => message.set(Some((false, e.message))),
                }
                listing.set(None);
            });
        })
    };
    {
        // Leaving the screen stops a listing still running.
        let newest_job = newest_job.clone();
        use_effect_with((), move |_| {
            move || {
                let job_id = newest_job.borrow().clone();
                if !job_id.is_empty() {
                    spawn_local(async move {
                        let _ = ipc::call::<CancelJob>(&CancelJobArgs { job_id }).await;
                    });
                }
            }
        });
    }
    let cancel_list = {
        let listing = listing.clone();
        Callback::from(move |_| {
            if let Some(job_id) = (*listing).clone() {
                spawn_local(async move {
                    let _ = ipc::call::<CancelJob>(&CancelJobArgs { job_id }).await;
                });
            }
        })
    };
    {
        let load_list = load_list.clone();
        use_effect_with((p.profile_id.clone(), *with_deleted), move |_| {
            load_list.emit(())
        });
    }

    let load_detail = {
        let (detail, message) = (detail.clone(), message.clone());
        let profile_id = p.profile_id.to_string();
        Callback::from(move |name: String| {
            let args = AwsSecretRef {
                profile_id: profile_id.clone(),
                secret: name,
            };
            let (detail, message) = (detail.clone(), message.clone());
            spawn_local(async move {
                match ipc::call::<AwsDescribeSecret>(&args).await {
                    Ok(d) => detail.set(Some(d)),
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };

    // After a change made by a panel: reload the list and the detail; a secret that is gone
    // (force-deleted) is unselected without hiding the panel's message.
    let refresh = {
        let (detail, selected, load_list) = (detail.clone(), selected.clone(), load_list.clone());
        let profile_id = p.profile_id.to_string();
        Callback::from(move |name: String| {
            load_list.emit(());
            let args = AwsSecretRef {
                profile_id: profile_id.clone(),
                secret: name,
            };
            let (detail, selected) = (detail.clone(), selected.clone());
            spawn_local(async move {
                match ipc::call::<AwsDescribeSecret>(&args).await {
                    Ok(d) => detail.set(Some(d)),
                    Err(_) => {
                        detail.set(None);
                        selected.set(None);
                    }
                }
            });
        })
    };
    let show_message = {
        let message = message.clone();
        Callback::from(move |m: (bool, String)| message.set(Some(m)))
    };

    let select = {
        let (selected, revealed, plan, load_detail) = (
            selected.clone(),
            revealed.clone(),
            plan.clone(),
            load_detail.clone(),
        );
        Callback::from(move |name: String| {
            revealed.set(None);
            plan.set(None);
            selected.set(Some(name.clone()));
            load_detail.emit(name);
        })
    };

    let reveal = {
        let (revealed, message, selected, hide_timer) = (
            revealed.clone(),
            message.clone(),
            selected.clone(),
            hide_timer.clone(),
        );
        let profile_id = p.profile_id.to_string();
        Callback::from(move |version_id: String| {
            let Some(secret) = (*selected).clone() else {
                return;
            };
            let args = AwsRevealArgs {
                profile_id: profile_id.clone(),
                secret,
                version_id: Some(version_id),
                stage: None,
            };
            let (revealed, message, hide_timer) =
                (revealed.clone(), message.clone(), hide_timer.clone());
            spawn_local(async move {
                match ipc::call::<AwsRevealValue>(&args).await {
                    Ok(v) => {
                        let secs = v.hide_after_secs;
                        revealed.set(Some(v));
                        let r = revealed.clone();
                        *hide_timer.borrow_mut() =
                            Some(Timeout::new(secs.saturating_mul(1000), move || r.set(None)));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };

    let copy = {
        let (message, selected) = (message.clone(), selected.clone());
        let profile_id = p.profile_id.to_string();
        Callback::from(move |version_id: String| {
            let Some(secret) = (*selected).clone() else {
                return;
            };
            let args = AwsRevealArgs {
                profile_id: profile_id.clone(),
                secret,
                version_id: Some(version_id),
                stage: None,
            };
            let message = message.clone();
            spawn_local(async move {
                match ipc::call::<AwsCopyValue>(&args).await {
                    Ok(c) => message.set(Some((
                        true,
                        format!(
                            "Copied {} version {} to the clipboard (cleared in {} s if still there).",
                            c.name, c.version_id, c.clear_after_secs
                        ),
                    ))),
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };

    // Diff a version against AWSCURRENT (computed in the backend from two audited reads).
    let diff_with_current = {
        let (diff, diff_shown, diff_timer, message, detail) = (
            diff.clone(),
            diff_shown.clone(),
            diff_timer.clone(),
            message.clone(),
            detail.clone(),
        );
        let profile_id = p.profile_id.to_string();
        Callback::from(move |from: String| {
            let Some(d) = (*detail).clone() else { return };
            let Some(current) = d.version_with_stage(AWS_CURRENT).map(str::to_owned) else {
                message.set(Some((
                    false,
                    "This secret has no AWSCURRENT version.".into(),
                )));
                return;
            };
            let args = AwsDiffArgs {
                profile_id: profile_id.clone(),
                secret: d.name.clone(),
                from_version: from,
                to_version: current,
            };
            let (diff, diff_shown, diff_timer, message) = (
                diff.clone(),
                diff_shown.clone(),
                diff_timer.clone(),
                message.clone(),
            );
            spawn_local(async move {
                match ipc::call::<AwsDiffVersions>(&args).await {
                    Ok(v) => {
                        let secs = v.hide_after_secs;
                        diff_shown.set(false);
                        diff.set(Some(v));
                        let (d, s) = (diff.clone(), diff_shown.clone());
                        *diff_timer.borrow_mut() =
                            Some(Timeout::new(secs.saturating_mul(1000), move || {
                                d.set(None);
                                s.set(false);
                            }));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };

    let preview = {
        let (plan, message, selected) = (plan.clone(), message.clone(), selected.clone());
        let profile_id = p.profile_id.to_string();
        Callback::from(move |target: String| {
            let Some(secret) = (*selected).clone() else {
                return;
            };
            let args = AwsRollbackArgs {
                profile_id: profile_id.clone(),
                secret,
                target_version: target,
                expected_current: None,
            };
            let (plan, message) = (plan.clone(), message.clone());
            spawn_local(async move {
                match ipc::call::<AwsPreviewRollback>(&args).await {
                    Ok(p) => plan.set(Some(p)),
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };

    let confirm_rollback = {
        let (plan, message, load_detail) = (plan.clone(), message.clone(), load_detail.clone());
        let profile_id = p.profile_id.to_string();
        Callback::from(move |_| {
            let Some(pl) = (*plan).clone() else { return };
            let args = AwsRollbackArgs {
                profile_id: profile_id.clone(),
                secret: pl.secret.clone(),
                target_version: pl.target_version.clone(),
                expected_current: Some(pl.current_version.clone()),
            };
            let (plan, message, load_detail) = (plan.clone(), message.clone(), load_detail.clone());
            spawn_local(async move {
                match ipc::call::<AwsRollback>(&args).await {
                    Ok(done) => message.set(Some((
                        true,
                        format!(
                            "Rolled back: AWSCURRENT is now {}; {} is AWSPREVIOUS.",
                            done.target_version, done.current_version
                        ),
                    ))),
                    Err(e) => message.set(Some((false, e.message))),
                }
                plan.set(None);
                load_detail.emit(args.secret);
            });
        })
    };

    let rotate = {
        let (message, detail, load_detail, length, revealed) = (
            message.clone(),
            detail.clone(),
            load_detail.clone(),
            length.clone(),
            revealed.clone(),
        );
        let profile_id = p.profile_id.to_string();
        Callback::from(move |_| {
            let Some(d) = (*detail).clone() else { return };
            let Ok(len) = length.trim().parse::<u32>() else {
                message.set(Some((
                    false,
                    "The length must be a number (4–4096).".into(),
                )));
                return;
            };
            let args = AwsRotateArgs {
                profile_id: profile_id.clone(),
                secret: d.name.clone(),
                spec: AwsPasswordSpec {
                    length: len,
                    ..Default::default()
                },
                json_key: None,
                expected_current: d.version_with_stage(AWS_CURRENT).map(str::to_owned),
            };
            let (message, load_detail, revealed) =
                (message.clone(), load_detail.clone(), revealed.clone());
            spawn_local(async move {
                match ipc::call::<AwsRotateClientSide>(&args).await {
                    Ok(o) => message.set(Some((
                        true,
                        format!(
                            "Rotated: new AWSCURRENT {}; the previous value ({}) stays as AWSPREVIOUS.",
                            o.new_version, o.previous_version
                        ),
                    ))),
                    Err(e) => message.set(Some((false, e.message))),
                }
                revealed.set(None);
                load_detail.emit(args.secret);
            });
        })
    };

    let rows = list.iter().map(|s| {
        let name = s.name.clone();
        let onclick = {
            let select = select.clone();
            let name = name.clone();
            Callback::from(move |_| select.emit(name.clone()))
        };
        let is_sel = selected.as_deref() == Some(name.as_str());
        html! {
            <li class={classes!("aws-secret-row", is_sel.then_some("selected"))}>
                <button type="button" class="link aws-secret" data-name={name.clone()} aria-label={format!("Open {name}")} {onclick}>
                    { name.clone() }
                </button>
                if let Some(d) = &s.deleted_date { <span class="badge danger aws-deletion">{ format!("deletion on {d}") }</span> }
                if s.rotation_enabled { <span class="badge">{ "rotation" }</span> }
            </li>
        }
    });

    // A created secret: close the form, list again (it appears), open it.
    let on_created = {
        let (creating, message, load_list, select) = (
            creating.clone(),
            message.clone(),
            load_list.clone(),
            select.clone(),
        );
        Callback::from(move |name: String| {
            creating.set(false);
            message.set(Some((true, format!("Created {name}."))));
            load_list.emit(());
            select.emit(name);
        })
    };
    let open_found = {
        let (creating, select) = (creating.clone(), select.clone());
        Callback::from(move |name: String| {
            creating.set(false);
            select.emit(name);
        })
    };

    html! {
        <div class="aws-screen">
            if let Some((ok, text)) = (*message).clone() {
                <p id="aws-message" class={classes!(if ok { "bg-ok" } else { "error-text" })} role="status">{ text }</p>
            }
            <SecretSearch profile_id={p.profile_id.clone()} search_only={true} revision={*revision}
                on_open={open_found} />
            <div class="aws-columns">
                <div class="aws-list" aria-label="AWS secrets">
                    <div class="bg-row">
                        <input id="aws-filter" type="text" placeholder="Name prefix" aria-label="Name prefix filter"
                            value={(*prefix).clone()}
                            oninput={{ let f = prefix.clone(); Callback::from(move |e: InputEvent| f.set(input_text(&e))) }} />
                        <button type="button" id="aws-refresh" onclick={load_list.reform(|_| ())}>{ "List" }</button>
                        <button type="button" id="aws-new" class="primary" onclick={{ let c = creating.clone(); Callback::from(move |_| c.set(true)) }}>{ "New secret" }</button>
                    </div>
                    <label class="bg-row"><input id="aws-with-deleted" type="checkbox" checked={*with_deleted}
                        onchange={{ let w = with_deleted.clone(); Callback::from(move |e: Event| w.set(checkbox_checked(&e))) }} />
                        { " Include secrets scheduled for deletion" }</label>
                    <div class="bg-row" id="aws-list-progress" role="status"
                        data-done={listing.is_none().to_string()} data-listed={listed.to_string()}>
                        <span id="aws-count" class="muted">{ list_status(listing.is_some(), *listed, list.len(), list_report.as_ref()) }</span>
                        if listing.is_some() {
                            <button type="button" id="aws-list-cancel" class="danger-ghost" onclick={cancel_list}>{ "Cancel" }</button>
                        }
                    </div>
                    <ul id="aws-secrets" class="aws-secrets">{ for rows }</ul>
                </div>
                <div class="aws-detail" aria-label="Secret detail">
                    if *creating {
                        <CreatePanel profile_id={p.profile_id.clone()} on_created={on_created}
                            on_close={{ let c = creating.clone(); Callback::from(move |()| c.set(false)) }} />
                    } else if let Some(d) = &*detail {
                        { detail_view(d, &reveal, &copy, &diff_with_current, &preview) }
                        if let Some(v) = &*revealed {
                            <div id="aws-revealed" class="aws-revealed" aria-label="Revealed value">
                                <p class="muted">{ format!("Version {} ({}) — hidden after {} s", v.version_id, v.stages.join(", "), v.hide_after_secs) }</p>
                                if !v.json_keys.is_empty() {
                                    <p id="aws-revealed-keys">{ format!("JSON keys: {}", v.json_keys.join(", ")) }</p>
                                }
                                <pre id="aws-revealed-value">{ v.value.expose().to_owned() }</pre>
                                <button type="button" id="aws-hide" onclick={{ let r = revealed.clone(); Callback::from(move |_| r.set(None)) }}>{ "Hide" }</button>
                            </div>
                        }
                        if let Some(df) = &*diff {
                            { diff_view(df, *diff_shown, &diff_shown, &diff) }
                        }
                        if let Some(pl) = &*plan {
                            <div id="aws-rollback-plan" class="notice" aria-label="Rollback preview">
                                if pl.no_op {
                                    <p>{ format!("{} already is AWSCURRENT.", pl.target_version) }</p>
                                } else {
                                    <p>{ format!("AWSCURRENT moves from {} to {}.", pl.current_version, pl.target_version) }</p>
                                    <p>{ format!("{} becomes AWSPREVIOUS.", pl.current_version) }</p>
                                    if let Some(l) = &pl.previous_loses_label {
                                        <p>{ format!("{l} loses AWSPREVIOUS.") }</p>
                                    }
                                    <button type="button" id="aws-rollback-confirm" class="danger" onclick={confirm_rollback}>{ "Roll back" }</button>
                                }
                                <button type="button" id="aws-rollback-cancel" onclick={{ let pl = plan.clone(); Callback::from(move |_| pl.set(None)) }}>{ "Cancel" }</button>
                            </div>
                        }
                        <div class="bg-row" aria-label="Client-side rotation">
                            <label for="aws-rotate-length">{ "New password length" }</label>
                            <input id="aws-rotate-length" type="text" value={(*length).clone()}
                                oninput={{ let l = length.clone(); Callback::from(move |e: InputEvent| l.set(input_text(&e))) }} />
                            <button type="button" id="aws-rotate" onclick={rotate}>{ "Rotate now (client-side)" }</button>
                        </div>
                        <PutValuePanel key={format!("put-{}", d.name)} profile_id={p.profile_id.clone()} detail={d.clone()}
                            on_changed={refresh.clone()} on_message={show_message.clone()} />
                        <MetaPanel key={format!("meta-{}-{}", d.name, d.last_changed.clone().unwrap_or_default())} profile_id={p.profile_id.clone()} detail={d.clone()}
                            on_changed={refresh.clone()} on_message={show_message.clone()} />
                        <PolicyPanel key={format!("policy-{}", d.name)} profile_id={p.profile_id.clone()} detail={d.clone()}
                            on_changed={refresh.clone()} on_message={show_message.clone()} />
                        <RotationPanel key={format!("rotation-{}", d.name)} profile_id={p.profile_id.clone()} detail={d.clone()}
                            on_changed={refresh.clone()} on_message={show_message.clone()} />
                        <DeletePanel key={format!("delete-{}", d.name)} profile_id={p.profile_id.clone()} detail={d.clone()}
                            on_changed={refresh.clone()} on_message={show_message.clone()} />
                    } else {
                        <p class="muted">{ "Select a secret." }</p>
                    }
                </div>
            </div>
        </div>
    }
}

fn detail_view(
    d: &AwsSecretDetail,
    reveal: &Callback<String>,
    copy: &Callback<String>,
    diff: &Callback<String>,
    preview: &Callback<String>,
) -> Html {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let r = &d.rotation;
    let tags: Vec<String> = d.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    html! {
        <div id="aws-detail">
            <h2 id="aws-detail-name">{ d.name.clone() }</h2>
            <dl class="aws-facts">
                <dt>{ "ARN" }</dt><dd id="aws-arn">{ d.arn.clone() }</dd>
                <dt>{ "Description" }</dt><dd>{ opt(&d.description) }</dd>
                <dt>{ "KMS key" }</dt><dd>{ d.kms_key_id.clone().unwrap_or_else(|| "aws/secretsmanager (default)".into()) }</dd>
                <dt>{ "Tags" }</dt><dd>{ if tags.is_empty() { "—".to_owned() } else { tags.join(", ") } }</dd>
                <dt>{ "Created" }</dt><dd>{ opt(&d.created) }</dd>
                <dt>{ "Last changed" }</dt><dd>{ opt(&d.last_changed) }</dd>
                <dt>{ "Last accessed" }</dt><dd>{ opt(&d.last_accessed) }</dd>
                <dt>{ "Rotation" }</dt>
                <dd id="aws-rotation">{ if r.enabled {
                    format!("on{}; last {}, next {}", r.lambda_arn.as_deref().map(|l| format!(" ({l})")).unwrap_or_default(), opt(&r.last_rotated), opt(&r.next_rotation))
                } else { "off".to_owned() } }</dd>
                if let Some(del) = &d.deleted_date {
                    <dt>{ "Deletion" }</dt><dd class="error-text">{ format!("scheduled for {del}") }</dd>
                }
            </dl>
            <table id="aws-versions" class="bg-nodes" aria-label="Versions">
                <thead><tr><th>{ "Version" }</th><th>{ "Labels" }</th><th>{ "Created" }</th><th></th></tr></thead>
                <tbody>
                { for d.versions.iter().map(|v| {
                    let id = v.version_id.clone();
                    let is_current = v.has_stage(AWS_CURRENT);
                    html! {
                        <tr class={classes!("aws-version", is_current.then_some("selected"))} data-version={id.clone()}>
                            <td class="mono">{ id.clone() }</td>
                            <td class="aws-stages">{ for v.stages.iter().map(|s| html! { <span class="badge">{ s.clone() }</span> }) }</td>
                            <td>{ v.created.clone().unwrap_or_default() }</td>
                            <td>
                                <button type="button" class="aws-reveal" aria-label={format!("Reveal {id}")}
                                    onclick={{ let r = reveal.clone(); let id = id.clone(); Callback::from(move |_| r.emit(id.clone())) }}>{ "Reveal" }</button>
                                <button type="button" class="aws-copy" aria-label={format!("Copy {id}")}
                                    onclick={{ let c = copy.clone(); let id = id.clone(); Callback::from(move |_| c.emit(id.clone())) }}>{ "Copy" }</button>
                                if !is_current {
                                    <button type="button" class="aws-diff" aria-label={format!("Diff {id} with AWSCURRENT")}
                                        onclick={{ let c = diff.clone(); let id = id.clone(); Callback::from(move |_| c.emit(id.clone())) }}>{ "Diff with current" }</button>
                                    <button type="button" class="aws-rollback" aria-label={format!("Roll back to {id}")}
                                        onclick={{ let p = preview.clone(); let id = id.clone(); Callback::from(move |_| p.emit(id.clone())) }}>{ "Roll back to this" }</button>
                                }
                            </td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        </div>
    }
}

/// The diff panel: one row per key (or one `(value)` row), values masked until "Show values".
fn diff_view(
    df: &AwsVersionDiff,
    shown: bool,
    set_shown: &UseStateHandle<bool>,
    set_diff: &UseStateHandle<Option<AwsVersionDiff>>,
) -> Html {
    let cell = |v: &Option<vaultdeck_types::RevealedValue>| match v {
        None => "—".to_owned(),
        Some(_) if !shown => "••••••".to_owned(),
        Some(v) => v.expose().to_owned(),
    };
    let counts = |c: AwsDiffChange| df.entries.iter().filter(|e| e.change == c).count();
    html! {
        <div id="aws-diff" class="notice aws-diff" aria-label="Version diff">
            <p class="notice-title">{ format!("{} → {} (AWSCURRENT)", df.from_version, df.to_version) }</p>
            <p id="aws-diff-summary" class="muted">{ format!(
                "{}: {} added, {} removed, {} changed, {} unchanged — hidden after {} s",
                if df.json { "JSON keys" } else { "Whole value" },
                counts(AwsDiffChange::Added), counts(AwsDiffChange::Removed),
                counts(AwsDiffChange::Changed), counts(AwsDiffChange::Unchanged), df.hide_after_secs) }</p>
            <table class="bg-nodes" aria-label="Differences">
                <thead><tr><th>{ "Key" }</th><th>{ "Change" }</th><th>{ "Old" }</th><th>{ "New" }</th></tr></thead>
                <tbody>
                { for df.entries.iter().map(|e| {
                    let (label, class) = match e.change {
                        AwsDiffChange::Added => ("added", "diff-added"),
                        AwsDiffChange::Removed => ("removed", "diff-removed"),
                        AwsDiffChange::Changed => ("changed", "diff-changed"),
                        AwsDiffChange::Unchanged => ("unchanged", "muted"),
                    };
                    html! {
                        <tr class={classes!("aws-diff-row", class)} data-key={e.key.clone()} data-change={label}>
                            <td class="mono">{ e.key.clone() }</td>
                            <td>{ label }</td>
                            <td class="mono aws-diff-old">{ cell(&e.old) }</td>
                            <td class="mono aws-diff-new">{ cell(&e.new) }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            <button type="button" id="aws-diff-toggle" onclick={{ let s = set_shown.clone(); Callback::from(move |_| s.set(!*s)) }}>
                { if shown { "Mask values" } else { "Show values" } }
            </button>
            <button type="button" id="aws-diff-close" onclick={{ let d = set_diff.clone(); Callback::from(move |_| d.set(None)) }}>{ "Close" }</button>
        </div>
    }
}

/// What the pages of a streamed listing update: the shown list (accumulated in `acc`), the
/// running count, and the search box's revision. Only pages of the newest listing count.
#[derive(Clone)]
struct ListSink {
    list: UseStateHandle<Vec<AwsSecretSummary>>,
    listed: UseStateHandle<u64>,
    revision: UseStateHandle<u64>,
    acc: Rc<RefCell<Vec<AwsSecretSummary>>>,
    newest_job: Rc<RefCell<String>>,
    counter: Rc<RefCell<u64>>,
}

impl ListSink {
    /// The channel callback of listing `job_id`.
    fn for_job(self, job_id: String) -> impl FnMut(AwsListBatch) + 'static {
        move |b: AwsListBatch| {
            if *self.newest_job.borrow() != job_id {
                return;
            }
            self.acc.borrow_mut().extend(b.secrets);
            self.list.set(self.acc.borrow().clone());
            self.listed.set(b.listed);
            *self.counter.borrow_mut() += 1;
            self.revision.set(*self.counter.borrow());
        }
    }
}

/// "listed N…" while streaming; afterwards the total, pages and time (or "cancelled").
fn list_status(
    streaming: bool,
    listed: u64,
    shown: usize,
    report: Option<&AwsListReport>,
) -> String {
    match report {
        _ if streaming => format!("listed {listed}…"),
        Some(r) if r.cancelled => format!(
            "cancelled after {} secrets ({} {}) — partial list",
            r.count,
            r.pages,
            if r.pages == 1 { "page" } else { "pages" }
        ),
        Some(r) => format!(
            "{} secrets · {} {} · {} ms",
            r.count,
            r.pages,
            if r.pages == 1 { "page" } else { "pages" },
            r.elapsed_ms
        ),
        None => format!("{shown} secrets"),
    }
}

//! The Azure Key Vault screen for the active Azure connection: secrets (expiry shown, an
//! "expiring within N days" filter), keys with "rotate now" and a rotation-policy editor
//! (expiry, rotate after creation or before expiry, notify before expiry), soft delete of
//! secrets and keys (confirmed in the row; deleted lists with their purge date, Recover, and
//! Purge with the name typed), and certificates (read-only).

use gloo_timers::callback::Timeout;
use vaultdeck_types::{
    az_expiring_within, AzCertificateProps, AzDeleteKey, AzDeleteSecret, AzDeletedKey,
    AzDeletedSecret, AzGetRotationPolicy, AzKeyProps, AzLifetimeAction, AzListCertificates,
    AzListDeletedKeys, AzListDeletedSecrets, AzListKeys, AzListProgress, AzListReport,
    AzListSecrets, AzListSecretsArgs, AzNameArgs, AzPurgeKey, AzRecoverKey, AzRecoverSecret,
    AzRotateKey, AzRotationAction, AzRotationPolicy, AzRotationPolicyArgs, AzSecretPage,
    AzSecretProps, AzSetRotationPolicy, ProfileRef,
};
use vaultdeck_types::{
    AzCopySecret, AzPurgeArgs, AzPurgeSecret, AzRevealSecret, AzSecretRefArgs, AzSetSecret,
    AzSetSecretArgs, RevealedValue,
};
use vaultdeck_ui::secrets_model::RevealSet;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::input_text;
use crate::components::secret_search::SecretSearch;
use crate::contexts::connections::use_connections;
use crate::ipc;

/// `YYYY-MM-DD` (UTC) of unix seconds; `-` for none.
fn date(ts: Option<i64>) -> String {
    let Some(ts) = ts else {
        return "-".into();
    };
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = ts.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The Azure screen.
#[component]
pub fn AzurePage() -> Html {
    let conns = use_connections();
    // `ConnectionSummary::provider` is the profile kind's label.
    match conns.active_summary() {
        Some(active)
            if vaultdeck_ui::profile_draft::ProviderKind::of_label(&active.provider)
                == vaultdeck_ui::profile_draft::ProviderKind::Azure =>
        {
            html! {
            <section class="page azure-page">
                <h1>{ "Azure Key Vault" }</h1>
                <p class="muted" id="az-vault-address">{ format!("{} · {}", active.name, active.address) }</p>
                <VaultView key={active.profile_id.clone()} profile_id={active.profile_id.clone()} />
            </section>
            }
        }
        _ => html! {
            <section class="page azure-page">
                <h1>{ "Azure Key Vault" }</h1>
                <AzureProfiles />
            </section>
        },
    }
}

/// The saved Azure profiles with a Connect button each (Azure CLI, managed identity and
/// device-code profiles need no typed credential; a client secret comes from the keychain).
#[component]
fn AzureProfiles() -> Html {
    let conns = use_connections();
    let profiles = use_state(|| None::<Vec<vaultdeck_types::Profile>>);
    let message = use_state(|| None::<(bool, String)>);
    // The device-code sign-in in progress: (profile id, the prompt once issued).
    let sign_in = use_state(|| None::<(String, Option<vaultdeck_types::AzDeviceCodePrompt>)>);
    let on_cancel = {
        let sign_in = sign_in.clone();
        Callback::from(move |_: MouseEvent| {
            let Some((id, _)) = (*sign_in).clone() else {
                return;
            };
            let r = ProfileRef { profile_id: id };
            spawn_local(async move {
                let _ = ipc::call::<vaultdeck_types::AzCancelSignIn>(&r).await;
            });
        })
    };
    {
        let (profiles, message) = (profiles.clone(), message.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match ipc::call::<vaultdeck_types::ListProfiles>(&vaultdeck_types::NoArgs {}).await
                {
                    Ok(list) => profiles.set(Some(
                        list.into_iter()
                            .filter(|p| matches!(p.kind, vaultdeck_types::ProfileKind::Azure(_)))
                            .collect(),
                    )),
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        });
    }
    let Some(list) = (*profiles).clone() else {
        return html! { <p class="muted" role="status">{ "Loading profiles…" }</p> };
    };
    html! {
        <div class="az-profiles">
            if let Some((ok, text)) = &*message {
                <p id="az-message" class={classes!("az-message", if *ok { "ok" } else { "error" })} role="status">{ text }</p>
            }
            if let Some((_, Some(prompt))) = &*sign_in {
                <div id="az-device-code" class="confirm-dialog az-device-code" role="dialog" aria-modal="true" aria-label="Azure sign-in">
                    <h3>{ "Sign in to Azure" }</h3>
                    <p>{ "Open the page below in a browser and enter this code:" }</p>
                    <p><code id="az-user-code" class="az-user-code">{ &prompt.user_code }</code></p>
                    <label class="az-field">{ "Verification URL" }
                        <input id="az-verification-uri" type="text" readonly=true aria-label="Verification URL" value={prompt.verification_uri.clone()} />
                    </label>
                    <p class="muted">{ format!("The code expires in {} minutes. Waiting for the sign-in…", prompt.expires_in / 60) }</p>
                    <button aria-label="Cancel sign-in" onclick={on_cancel}>{ "Cancel" }</button>
                </div>
            }
            if list.is_empty() {
                <p class="muted">{ "No Azure Key Vault profile yet. The active connection is not an Azure Key Vault." }</p>
            }
            <ul class="az-profile-list">
            { for list.iter().map(|p| {
                let onclick = {
                    let (conns, message, sign_in) = (conns.clone(), message.clone(), sign_in.clone());
                    let (id, name) = (p.id.clone(), p.name.clone());
                    Callback::from(move |_: MouseEvent| {
                        let (conns, message, sign_in) = (conns.clone(), message.clone(), sign_in.clone());
                        let args = vaultdeck_types::ConnectArgs {
                            profile_id: id.clone(),
                            credential: None,
                            remember: false,
                        };
                        message.set(Some((true, format!("Signing in to {name}…"))));
                        sign_in.set(Some((id.clone(), None)));
                        // While Connect runs, poll for the device-code prompt to show it.
                        let done = std::rc::Rc::new(std::cell::Cell::new(false));
                        {
                            let (done, sign_in) = (done.clone(), sign_in.clone());
                            let r = ProfileRef { profile_id: id.clone() };
                            spawn_local(async move {
                                let mut shown = None;
                                while !done.get() {
                                    if let Ok(Some(p)) = ipc::call::<vaultdeck_types::AzSignInPrompt>(&r).await {
                                        if !done.get() && shown.as_ref() != Some(&p) {
                                            shown = Some(p.clone());
                                            sign_in.set(Some((r.profile_id.clone(), Some(p))));
                                        }
                                    }
                                    gloo_timers::future::TimeoutFuture::new(300).await;
                                }
                            });
                        }
                        spawn_local(async move {
                            let res = ipc::call::<vaultdeck_types::Connect>(&args).await;
                            done.set(true);
                            sign_in.set(None);
                            match res {
                                Ok(summary) => conns.dispatch(
                                    crate::contexts::connections::ConnectionsAction::Connected(summary),
                                ),
                                Err(e) => message.set(Some((false, e.message))),
                            }
                        });
                    })
                };
                let location = match &p.kind {
                    vaultdeck_types::ProfileKind::Azure(a) => a.vault_url.clone(),
                    _ => String::new(),
                };
                html! {
                    <li class="az-profile" data-profile-name={p.name.clone()}>
                        <strong>{ &p.name }</strong>{ " " }<span class="muted">{ location }</span>{ " " }
                        <button class="primary az-connect" aria-label={format!("Connect {}", p.name)} {onclick}>{ "Connect" }</button>
                    </li>
                }
            }) }
            </ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct VaultProps {
    profile_id: AttrValue,
}

#[derive(Default, Clone, PartialEq)]
struct Lists {
    deleted: Vec<AzDeletedSecret>,
    deleted_keys: Vec<AzDeletedKey>,
    keys: Vec<AzKeyProps>,
    certs: Vec<AzCertificateProps>,
}

#[derive(Default, Clone, PartialEq)]
struct PolicyDraft {
    key: String,
    expiry: String,
    rotate_after: String,
    notify_before: String,
    loaded: bool,
}

impl PolicyDraft {
    fn from_policy(key: &str, p: &AzRotationPolicy) -> Self {
        let mut d = PolicyDraft {
            key: key.to_string(),
            expiry: p.expiry_time.clone().unwrap_or_default(),
            loaded: true,
            ..Default::default()
        };
        for a in &p.actions {
            match a.action {
                AzRotationAction::Rotate => {
                    d.rotate_after = a.time_after_create.clone().unwrap_or_default()
                }
                AzRotationAction::Notify => {
                    d.notify_before = a.time_before_expiry.clone().unwrap_or_default()
                }
            }
        }
        d
    }

    fn to_policy(&self) -> AzRotationPolicy {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let mut actions = Vec::new();
        if let Some(t) = opt(&self.rotate_after) {
            actions.push(AzLifetimeAction {
                action: AzRotationAction::Rotate,
                time_after_create: Some(t),
                time_before_expiry: None,
            });
        }
        if let Some(t) = opt(&self.notify_before) {
            actions.push(AzLifetimeAction {
                action: AzRotationAction::Notify,
                time_after_create: None,
                time_before_expiry: Some(t),
            });
        }
        AzRotationPolicy {
            expiry_time: opt(&self.expiry),
            actions,
            ..Default::default()
        }
    }
}

/// Secret values revealed on this screen, keyed by name (see [`RevealSet`]).
#[derive(Default, PartialEq)]
struct Reveals(RevealSet);

enum RevealAction {
    /// Show a secret for the timer of this generation.
    Show(String, RevealedValue, u64),
    /// The timer of this generation fired.
    Expire(String, u64),
    /// The user hid the value.
    Hide(String),
}

impl Reducible for Reveals {
    type Action = RevealAction;

    fn reduce(self: std::rc::Rc<Self>, action: RevealAction) -> std::rc::Rc<Self> {
        let mut set = self.0.clone();
        match action {
            RevealAction::Show(k, v, gen) => set.show(&k, v, gen),
            RevealAction::Expire(k, gen) => {
                if !set.expire(&k, gen) {
                    return self;
                }
            }
            RevealAction::Hide(k) => set.hide(&k),
        }
        std::rc::Rc::new(Reveals(set))
    }
}

#[component]
fn VaultView(p: &VaultProps) -> Html {
    let lists = use_state(|| None::<Lists>);
    let message = use_state(|| None::<(bool, String)>);
    // Values are masked until revealed; each reveal hides itself after the reveal timeout
    // (timers dropped on unmount, replaced on a new reveal of the same secret).
    let revealed = use_reducer(Reveals::default);
    let timers = use_mut_ref(std::collections::BTreeMap::<String, Timeout>::new);
    let generation = use_mut_ref(|| 0_u64);

    // Secrets whose current version answered 403 SecretDisabled: shown as "disabled".
    let disabled_seen = use_state(std::collections::BTreeSet::<String>::new);
    let reveal = {
        let (message, revealed, timers, generation) = (
            message.clone(),
            revealed.clone(),
            timers.clone(),
            generation.clone(),
        );
        let disabled_seen = disabled_seen.clone();
        let pid = p.profile_id.to_string();
        Callback::from(move |name: String| {
            let (message, revealed, timers, generation) = (
                message.clone(),
                revealed.clone(),
                timers.clone(),
                generation.clone(),
            );
            let disabled_seen = disabled_seen.clone();
            let args = AzSecretRefArgs {
                profile_id: pid.clone(),
                name,
                version: None,
            };
            spawn_local(async move {
                match ipc::call::<AzRevealSecret>(&args).await {
                    Ok(r) => {
                        let gen = {
                            let mut g = generation.borrow_mut();
                            *g += 1;
                            *g
                        };
                        let (rv, k) = (revealed.clone(), r.name.clone());
                        let t = Timeout::new(r.hide_after_secs.saturating_mul(1000), move || {
                            rv.dispatch(RevealAction::Expire(k, gen))
                        });
                        timers.borrow_mut().insert(r.name.clone(), t);
                        revealed.dispatch(RevealAction::Show(r.name, r.value, gen));
                    }
                    Err(e)
                        if e.code == vaultdeck_types::ErrorCode::PermissionDenied
                            && e.message.contains("SecretDisabled") =>
                    {
                        let mut set = (*disabled_seen).clone();
                        set.insert(args.name.clone());
                        disabled_seen.set(set);
                        message.set(Some((
                            true,
                            format!(
                                "{} is disabled: enable it (Attributes) to read its value",
                                args.name
                            ),
                        )));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let hide = {
        let (revealed, timers) = (revealed.clone(), timers.clone());
        Callback::from(move |name: String| {
            timers.borrow_mut().remove(&name);
            revealed.dispatch(RevealAction::Hide(name));
        })
    };
    let copy = {
        let message = message.clone();
        let pid = p.profile_id.to_string();
        Callback::from(move |name: String| {
            let message = message.clone();
            let args = AzSecretRefArgs {
                profile_id: pid.clone(),
                name,
                version: None,
            };
            spawn_local(async move {
                match ipc::call::<AzCopySecret>(&args).await {
                    Ok(c) => message.set(Some((
                        true,
                        format!(
                            "Copied {} to the clipboard (cleared in {} s)",
                            c.name, c.clear_after_secs
                        ),
                    ))),
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let expiring = use_state(|| None::<i64>);
    let draft = use_state(|| None::<PolicyDraft>);
    // The attributes editor (a secret version), key versions, certificate details.
    let attrs = use_state(|| None::<AzSecretProps>);
    let key_versions = use_state(|| None::<(String, Vec<AzKeyProps>)>);
    let cert_detail = use_state(|| None::<(AzCertificateProps, Vec<AzCertificateProps>)>);

    // The secret list streams in page by page (rows appear as pages arrive); `list_job` is the
    // running list's job id (for Cancel; a reload cancels the previous list first).
    let secrets_list = use_state(Vec::<AzSecretProps>::new);
    let list_progress = use_state(|| None::<AzListProgress>);
    let list_report = use_state(|| None::<Result<AzListReport, String>>);
    let list_job = use_state(|| None::<String>);
    let list_job_ref = use_mut_ref(|| None::<String>);
    let list_rev = use_state(|| 0_u64);
    // Bumped on every page and end of any list, so the search refreshes each time.
    let rev_counter = use_mut_ref(|| 0_u64);
    let open_name = use_state(|| None::<String>);
    let stream_secrets = {
        let (secrets_list, list_progress, list_report, list_job, list_job_ref, list_rev) = (
            secrets_list.clone(),
            list_progress.clone(),
            list_report.clone(),
            list_job.clone(),
            list_job_ref.clone(),
            list_rev.clone(),
        );
        let rev_counter = rev_counter.clone();
        let pid = p.profile_id.to_string();
        Callback::from(move |()| {
            if let Some(old) = list_job_ref.borrow_mut().take() {
                spawn_local(async move {
                    let _ =
                        ipc::call::<vaultdeck_types::CancelJob>(&vaultdeck_types::CancelJobArgs {
                            job_id: old,
                        })
                        .await;
                });
            }
            let job_id = format!("az-list-{}", js_sys::Date::now() as u64);
            *list_job_ref.borrow_mut() = Some(job_id.clone());
            list_job.set(Some(job_id.clone()));
            list_progress.set(None);
            list_report.set(None);
            secrets_list.set(Vec::new());
            let args = AzListSecretsArgs {
                profile_id: pid.clone(),
                job_id: job_id.clone(),
            };
            let (secrets_list, list_progress, list_report, list_job, list_job_ref, list_rev) = (
                secrets_list.clone(),
                list_progress.clone(),
                list_report.clone(),
                list_job.clone(),
                list_job_ref.clone(),
                list_rev.clone(),
            );
            let rev_counter = rev_counter.clone();
            spawn_local(async move {
                let acc = std::rc::Rc::new(std::cell::RefCell::new(Vec::<AzSecretProps>::new()));
                let on_page = {
                    let (acc, rev_counter) = (acc.clone(), rev_counter.clone());
                    let (secrets_list, list_progress, list_rev) = (
                        secrets_list.clone(),
                        list_progress.clone(),
                        list_rev.clone(),
                    );
                    let (list_job_ref, job_id) = (list_job_ref.clone(), job_id.clone());
                    move |page: AzSecretPage| {
                        // A page of a list a newer one replaced: not shown.
                        if list_job_ref.borrow().as_deref() != Some(job_id.as_str()) {
                            return;
                        }
                        acc.borrow_mut().extend(page.secrets);
                        secrets_list.set(acc.borrow().clone());
                        list_progress.set(Some(page.progress));
                        list_rev.set(bump(&rev_counter));
                    }
                };
                let r = ipc::call_with_channel::<AzListSecrets, AzSecretPage>(
                    &args, "onBatch", on_page,
                )
                .await;
                // A newer list replaced this one: leave its state alone.
                if list_job_ref.borrow().as_deref() != Some(job_id.as_str()) {
                    return;
                }
                *list_job_ref.borrow_mut() = None;
                list_job.set(None);
                if let Ok(rep) = &r {
                    list_progress.set(Some(rep.progress));
                }
                list_rev.set(bump(&rev_counter));
                list_report.set(Some(r.map_err(|e| e.message)));
            });
        })
    };
    let cancel_list = {
        let list_job = list_job.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(job_id) = (*list_job).clone() {
                spawn_local(async move {
                    let _ =
                        ipc::call::<vaultdeck_types::CancelJob>(&vaultdeck_types::CancelJobArgs {
                            job_id,
                        })
                        .await;
                });
            }
        })
    };
    let reload = {
        let lists = lists.clone();
        let message = message.clone();
        let stream_secrets = stream_secrets.clone();
        let pid = p.profile_id.to_string();
        Callback::from(move |()| {
            let lists = lists.clone();
            let message = message.clone();
            stream_secrets.emit(());
            let r = ProfileRef {
                profile_id: pid.clone(),
            };
            spawn_local(async move {
                let res = async {
                    Ok::<_, vaultdeck_types::IpcError>(Lists {
                        deleted: ipc::call::<AzListDeletedSecrets>(&r).await?,
                        deleted_keys: ipc::call::<AzListDeletedKeys>(&r).await?,
                        keys: ipc::call::<AzListKeys>(&r).await?,
                        certs: ipc::call::<AzListCertificates>(&r).await?,
                    })
                }
                .await;
                match res {
                    Ok(l) => lists.set(Some(l)),
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with(p.profile_id.clone(), move |_| reload.emit(()));
    }

    // The "set a value" draft (name, value); kept as typed when the save fails. `conflict`
    // holds a name found soft-deleted (409), to offer Recover.
    let set_name = use_state(String::new);
    let set_value = use_state(String::new);
    let conflict = use_state(|| None::<String>);
    // The purge confirmation (secret or key): (kind, name, what the user typed).
    let purging = use_state(|| None::<(SoftKind, String, String)>);
    // The soft delete being confirmed (a secret or a key), one at a time.
    let deleting = use_state(|| None::<(SoftKind, String)>);
    let delete = {
        let (message, reload, deleting) = (message.clone(), reload.clone(), deleting.clone());
        let (key_versions, draft) = (key_versions.clone(), draft.clone());
        let pid = p.profile_id.to_string();
        Callback::from(move |_: MouseEvent| {
            let Some((kind, name)) = (*deleting).clone() else {
                return;
            };
            let (message, reload, deleting) = (message.clone(), reload.clone(), deleting.clone());
            let (key_versions, draft) = (key_versions.clone(), draft.clone());
            let args = AzNameArgs {
                profile_id: pid.clone(),
                name: name.clone(),
            };
            let what = format!("{}{name}", kind.noun());
            message.set(Some((true, format!("Deleting {what}…"))));
            spawn_local(async move {
                let res = match kind {
                    SoftKind::Secret => ipc::call::<AzDeleteSecret>(&args)
                        .await
                        .map(|d| d.scheduled_purge_date),
                    SoftKind::Key => ipc::call::<AzDeleteKey>(&args)
                        .await
                        .map(|d| d.scheduled_purge_date),
                };
                match res {
                    Ok(purge_on) => {
                        deleting.set(None);
                        // Panels of a key that is now deleted would act on nothing.
                        if kind == SoftKind::Key {
                            if key_versions.as_ref().is_some_and(|(n, _)| *n == name) {
                                key_versions.set(None);
                            }
                            if draft.as_ref().is_some_and(|d| d.key == name) {
                                draft.set(None);
                            }
                        }
                        message.set(Some((
                            true,
                            format!("Deleted {what}: recoverable until {}", date(purge_on)),
                        )));
                        reload.emit(());
                    }
                    Err(e) => message.set(Some((
                        false,
                        format!("Could not delete {what}: {}", e.message),
                    ))),
                }
            });
        })
    };
    let save_value = {
        let (message, reload, conflict) = (message.clone(), reload.clone(), conflict.clone());
        let (set_name, set_value) = (set_name.clone(), set_value.clone());
        let pid = p.profile_id.to_string();
        Callback::from(move |_: MouseEvent| {
            let (message, reload, conflict) = (message.clone(), reload.clone(), conflict.clone());
            let set_value = set_value.clone();
            let name = (*set_name).trim().to_owned();
            let args = AzSetSecretArgs {
                profile_id: pid.clone(),
                name: name.clone(),
                value: vaultdeck_types::SecretInput::new((*set_value).clone()),
            };
            spawn_local(async move {
                match ipc::call::<AzSetSecret>(&args).await {
                    Ok(s) => {
                        set_value.set(String::new());
                        conflict.set(None);
                        message.set(Some((
                            true,
                            format!(
                                "Saved a new version of {name}: {}",
                                s.version.unwrap_or_default()
                            ),
                        )));
                        reload.emit(());
                    }
                    // The draft stays as typed; a soft-deleted name gets a Recover offer.
                    Err(e) => {
                        if e.code == vaultdeck_types::ErrorCode::Conflict
                            && e.message.to_lowercase().contains("deleted")
                        {
                            conflict.set(Some(name.clone()));
                            message.set(Some((
                                false,
                                format!("{name} is deleted but recoverable: recover it (or purge it) first. {}", e.message),
                            )));
                        } else {
                            message.set(Some((false, e.message)));
                        }
                    }
                }
            });
        })
    };
    let purge = {
        let (message, reload, purging) = (message.clone(), reload.clone(), purging.clone());
        let pid = p.profile_id.to_string();
        Callback::from(move |_: MouseEvent| {
            let Some((kind, name, typed)) = (*purging).clone() else {
                return;
            };
            let (message, reload, purging) = (message.clone(), reload.clone(), purging.clone());
            let args = AzPurgeArgs {
                profile_id: pid.clone(),
                name: name.clone(),
                confirm_name: typed,
            };
            let what = format!("{}{name}", kind.noun());
            message.set(Some((true, format!("Purging {what}…"))));
            spawn_local(async move {
                let res = match kind {
                    SoftKind::Secret => ipc::call::<AzPurgeSecret>(&args).await,
                    SoftKind::Key => ipc::call::<AzPurgeKey>(&args).await,
                };
                match res {
                    Ok(()) => {
                        purging.set(None);
                        message.set(Some((true, format!("Purged {what} for good"))));
                        reload.emit(());
                    }
                    // The dialog stays open with the name as typed.
                    Err(e) => message.set(Some((false, soft_delete_error("purge", &what, &e)))),
                }
            });
        })
    };

    // Versions of one secret, and the rollback preview being confirmed.
    let versions = use_state(|| None::<(String, Vec<AzSecretProps>)>);
    let preview = use_state(|| None::<vaultdeck_types::AzRollbackPreview>);
    let open_versions = {
        let (message, versions, preview) = (message.clone(), versions.clone(), preview.clone());
        let pid = p.profile_id.to_string();
        Callback::from(move |name: String| {
            let (message, versions) = (message.clone(), versions.clone());
            preview.set(None);
            let args = AzNameArgs {
                profile_id: pid.clone(),
                name: name.clone(),
            };
            spawn_local(async move {
                match ipc::call::<vaultdeck_types::AzSecretVersions>(&args).await {
                    Ok(mut v) => {
                        v.sort_by_key(|s| std::cmp::Reverse(s.created));
                        versions.set(Some((name, v)));
                        // The panel renders below the (possibly long) table: bring it into view.
                        Timeout::new(0, || scroll_into_view("#az-versions")).forget();
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let ask_rollback = {
        let (message, preview) = (message.clone(), preview.clone());
        let pid = p.profile_id.to_string();
        Callback::from(move |(name, from): (String, String)| {
            let (message, preview) = (message.clone(), preview.clone());
            let args = vaultdeck_types::AzRollbackArgs {
                profile_id: pid.clone(),
                name,
                from_version: from,
                expected_current: None,
            };
            spawn_local(async move {
                match ipc::call::<vaultdeck_types::AzPreviewRollback>(&args).await {
                    Ok(pv) => preview.set(Some(pv)),
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let confirm_rollback = {
        let (message, preview, reload, open_versions) = (
            message.clone(),
            preview.clone(),
            reload.clone(),
            open_versions.clone(),
        );
        let pid = p.profile_id.to_string();
        Callback::from(move |_: MouseEvent| {
            let Some(pv) = (*preview).clone() else {
                return;
            };
            let (message, preview, reload, open_versions) = (
                message.clone(),
                preview.clone(),
                reload.clone(),
                open_versions.clone(),
            );
            let args = vaultdeck_types::AzRollbackArgs {
                profile_id: pid.clone(),
                name: pv.name.clone(),
                from_version: pv.from_version.clone(),
                expected_current: pv.current_version.clone(),
            };
            spawn_local(async move {
                match ipc::call::<vaultdeck_types::AzRollbackSecret>(&args).await {
                    Ok(s) => {
                        preview.set(None);
                        message.set(Some((
                            true,
                            format!(
                                "Rolled back {} to {}: new version {}",
                                pv.name,
                                pv.from_version,
                                s.version.unwrap_or_default()
                            ),
                        )));
                        open_versions.emit(pv.name.clone());
                        reload.emit(());
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };

    let recover = {
        let (message, reload, conflict) = (message.clone(), reload.clone(), conflict.clone());
        let pid = p.profile_id.to_string();
        Callback::from(move |(kind, name): (SoftKind, String)| {
            let (message, reload) = (message.clone(), reload.clone());
            if kind == SoftKind::Secret {
                conflict.set(None);
            }
            let args = AzNameArgs {
                profile_id: pid.clone(),
                name: name.clone(),
            };
            let what = format!("{}{name}", kind.noun());
            message.set(Some((true, format!("Recovering {what}…"))));
            spawn_local(async move {
                let res = match kind {
                    SoftKind::Secret => ipc::call::<AzRecoverSecret>(&args).await.map(|_| ()),
                    SoftKind::Key => ipc::call::<AzRecoverKey>(&args).await.map(|_| ()),
                };
                match res {
                    Ok(()) => message.set(Some((true, format!("Recovered {what}")))),
                    Err(e) => message.set(Some((false, soft_delete_error("recover", &what, &e)))),
                }
                reload.emit(());
            });
        })
    };

    let rotate = {
        let (message, reload) = (message.clone(), reload.clone());
        let pid = p.profile_id.to_string();
        Callback::from(move |name: String| {
            let (message, reload) = (message.clone(), reload.clone());
            let args = AzNameArgs {
                profile_id: pid.clone(),
                name: name.clone(),
            };
            spawn_local(async move {
                match ipc::call::<AzRotateKey>(&args).await {
                    Ok(k) => message.set(Some((
                        true,
                        format!(
                            "Rotated {name}: new version {}",
                            k.version.unwrap_or_default()
                        ),
                    ))),
                    Err(e) => message.set(Some((false, e.message))),
                }
                reload.emit(());
            });
        })
    };

    let open_policy = {
        let (message, draft) = (message.clone(), draft.clone());
        let pid = p.profile_id.to_string();
        Callback::from(move |name: String| {
            let (message, draft) = (message.clone(), draft.clone());
            let args = AzNameArgs {
                profile_id: pid.clone(),
                name: name.clone(),
            };
            spawn_local(async move {
                match ipc::call::<AzGetRotationPolicy>(&args).await {
                    Ok(pol) => draft.set(Some(PolicyDraft::from_policy(&name, &pol))),
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };

    let save_policy = {
        let (message, draft) = (message.clone(), draft.clone());
        let pid = p.profile_id.to_string();
        Callback::from(move |_: MouseEvent| {
            let Some(d) = (*draft).clone() else {
                return;
            };
            let (message, draft) = (message.clone(), draft.clone());
            let args = AzRotationPolicyArgs {
                profile_id: pid.clone(),
                name: d.key.clone(),
                policy: d.to_policy(),
            };
            spawn_local(async move {
                match ipc::call::<AzSetRotationPolicy>(&args).await {
                    Ok(pol) => {
                        draft.set(Some(PolicyDraft::from_policy(&d.key, &pol)));
                        message.set(Some((
                            true,
                            format!("Saved the rotation policy of {}", d.key),
                        )));
                    }
                    // The draft stays as typed so nothing is lost.
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };

    let open_key_versions = {
        let (message, key_versions) = (message.clone(), key_versions.clone());
        let pid = p.profile_id.to_string();
        Callback::from(move |name: String| {
            let (message, key_versions) = (message.clone(), key_versions.clone());
            let args = AzNameArgs {
                profile_id: pid.clone(),
                name: name.clone(),
            };
            spawn_local(async move {
                match ipc::call::<vaultdeck_types::AzKeyVersions>(&args).await {
                    Ok(mut v) => {
                        v.sort_by_key(|k| std::cmp::Reverse(k.created));
                        key_versions.set(Some((name, v)));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let set_key_enabled = {
        let (message, open_key_versions, reload) =
            (message.clone(), open_key_versions.clone(), reload.clone());
        let pid = p.profile_id.to_string();
        Callback::from(move |(name, version, enabled): (String, String, bool)| {
            let (message, open_key_versions, reload) =
                (message.clone(), open_key_versions.clone(), reload.clone());
            let args = vaultdeck_types::AzKeyEnabledArgs {
                profile_id: pid.clone(),
                name: name.clone(),
                version: Some(version.clone()),
                enabled,
            };
            spawn_local(async move {
                match ipc::call::<vaultdeck_types::AzSetKeyEnabled>(&args).await {
                    Ok(k) => message.set(Some((
                        true,
                        format!(
                            "{} key {name} version {version}",
                            if k.enabled { "Enabled" } else { "Disabled" }
                        ),
                    ))),
                    Err(e) => message.set(Some((false, e.message))),
                }
                open_key_versions.emit(name);
                reload.emit(());
            });
        })
    };
    let open_cert = {
        let (message, cert_detail) = (message.clone(), cert_detail.clone());
        let pid = p.profile_id.to_string();
        Callback::from(move |name: String| {
            let (message, cert_detail) = (message.clone(), cert_detail.clone());
            let (get, list) = (
                AzSecretRefArgs {
                    profile_id: pid.clone(),
                    name: name.clone(),
                    version: None,
                },
                AzNameArgs {
                    profile_id: pid.clone(),
                    name,
                },
            );
            spawn_local(async move {
                let res = async {
                    let c = ipc::call::<vaultdeck_types::AzGetCertificate>(&get).await?;
                    let mut v = ipc::call::<vaultdeck_types::AzCertificateVersions>(&list).await?;
                    v.sort_by_key(|c| std::cmp::Reverse(c.created));
                    Ok::<_, vaultdeck_types::IpcError>((c, v))
                }
                .await;
                match res {
                    Ok(d) => cert_detail.set(Some(d)),
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let on_attrs_saved = {
        let (message, attrs, reload, open_versions, versions, disabled_seen) = (
            message.clone(),
            attrs.clone(),
            reload.clone(),
            open_versions.clone(),
            versions.clone(),
            disabled_seen.clone(),
        );
        Callback::from(move |s: AzSecretProps| {
            let mut set = (*disabled_seen).clone();
            set.remove(&s.name);
            disabled_seen.set(set);
            message.set(Some((
                true,
                format!(
                    "Saved the attributes of {} ({}): {}, expires {}",
                    s.name,
                    s.version.clone().unwrap_or_default(),
                    if s.enabled { "enabled" } else { "disabled" },
                    date(s.expires)
                ),
            )));
            attrs.set(None);
            if versions.as_ref().is_some_and(|(n, _)| *n == s.name) {
                open_versions.emit(s.name.clone());
            }
            reload.emit(());
        })
    };
    let on_panel_done = {
        let (message, reload) = (message.clone(), reload.clone());
        Callback::from(move |(ok, text): (bool, String)| {
            message.set(Some((ok, text)));
            if ok {
                reload.emit(());
            }
        })
    };

    let field = |label: &'static str, value: String, set: fn(&mut PolicyDraft, String)| {
        let draft = draft.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            if let Some(mut d) = (*draft).clone() {
                set(&mut d, input_text(&e));
                draft.set(Some(d));
            }
        });
        html! {
            <label class="az-field">{ label }
                <input type="text" aria-label={label} value={value} {oninput} placeholder="e.g. P90D" />
            </label>
        }
    };

    let loaded = lists.is_some();
    let l = (*lists).clone().unwrap_or_default();
    let now = now();
    let secrets: Vec<&AzSecretProps> = secrets_list
        .iter()
        .filter(|s| expiring.is_none_or(|d| az_expiring_within(s.expires, now, d)))
        .collect();
    let on_filter = {
        let expiring = expiring.clone();
        Callback::from(move |e: InputEvent| {
            expiring.set(input_text(&e).trim().parse::<i64>().ok());
        })
    };

    html! {
        <div class="az-vault">
            if let Some((ok, text)) = &*message {
                <p id="az-message" class={classes!("az-message", if *ok { "ok" } else { "error" })} role="status">{ text }</p>
            }
            if !loaded {
                <p class="muted" role="status">{ "Loading the vault…" }</p>
            }
            <h2>{ "Secrets" }</h2>
            { list_status(list_job.is_some(), *list_progress, (*list_report).clone(), cancel_list,
                { let f = stream_secrets.clone(); Callback::from(move |_: MouseEvent| f.emit(())) }) }
            <SecretSearch profile_id={p.profile_id.clone()} search_only=true revision={*list_rev}
                on_open={ let (f, o) = (open_versions.clone(), open_name.clone()); Callback::from(move |n: String| { o.set(Some(n.clone())); f.emit(n) }) } />
            <label class="az-field">{ "Expiring within (days)" }
                <input type="text" inputmode="numeric" aria-label="Expiring within days" oninput={on_filter} />
            </label>
            <section class="az-set" aria-label="Set a secret value">
                <label class="az-field">{ "Name" }
                    <input type="text" aria-label="Secret name" value={(*set_name).clone()}
                        oninput={ let s = set_name.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) } />
                </label>
                <label class="az-field">{ "New value" }
                    <input type="password" aria-label="New value" autocomplete="off" value={(*set_value).clone()}
                        oninput={ let s = set_value.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) } />
                </label>
                <button class="primary" aria-label="Save new value" onclick={save_value}>{ "Save new value" }</button>
                if let Some(name) = (*conflict).clone() {
                    <button aria-label={format!("Recover {name} to set its value")}
                        onclick={ let f = recover.clone(); Callback::from(move |_: MouseEvent| f.emit((SoftKind::Secret, name.clone()))) }>{ "Recover it" }</button>
                }
            </section>
            <table class="az-table" aria-label="Secrets">
                <thead><tr><th>{ "Name" }</th><th>{ "State" }</th><th>{ "Expires" }</th><th>{ "Content type" }</th><th>{ "Value" }</th><th></th></tr></thead>
                <tbody>
                { for secrets.iter().map(|s| {
                    let soon = az_expiring_within(s.expires, now, 30);
                    let name = s.name.clone();
                    let shown = revealed.0.get(&name).cloned();
                    let on_reveal = { let f = reveal.clone(); let n = name.clone(); Callback::from(move |_: MouseEvent| f.emit(n.clone())) };
                    let on_hide = { let f = hide.clone(); let n = name.clone(); Callback::from(move |_: MouseEvent| f.emit(n.clone())) };
                    let on_copy = { let f = copy.clone(); let n = name.clone(); Callback::from(move |_: MouseEvent| f.emit(n.clone())) };
                    let on_attrs = { let a = attrs.clone(); let mut sp = (*s).clone(); sp.version = None; Callback::from(move |_: MouseEvent| a.set(Some(sp.clone()))) };
                    let is_disabled = !s.enabled || disabled_seen.contains(&name);
                    let expired = s.expires.is_some_and(|e| e <= now);
                    let is_open = open_name.as_deref() == Some(name.as_str());
                    html! {
                        <tr key={name.clone()} class={classes!(is_open.then_some("selected"))} data-secret={name.clone()}>
                            <td>{ &s.name }</td>
                            <td class={classes!(is_disabled.then_some("az-disabled"))}>{ if is_disabled { "disabled" } else { "enabled" } }</td>
                            <td class={classes!("az-expiry", soon.then_some("az-expiring"), expired.then_some("az-expired"))}>
                                <strong>{ date(s.expires) }</strong>
                                { if expired { " (expired)" } else if soon { " (expiring soon)" } else { "" } }
                            </td>
                            <td>{ s.content_type.clone().unwrap_or_default() }</td>
                            <td class="az-value" aria-label={format!("Value of {name}")}>
                                if let Some(v) = &shown {
                                    <code class="revealed">{ v.expose() }</code>
                                } else if is_disabled {
                                    <span class="az-disabled">{ "disabled" }</span>
                                } else {
                                    <span class="masked">{ "••••••••" }</span>
                                }
                            </td>
                            <td>
                                if shown.is_some() {
                                    <button aria-label={format!("Hide {name}")} onclick={on_hide}>{ "Hide" }</button>
                                } else {
                                    <button aria-label={format!("Reveal {name}")} onclick={on_reveal}>{ "Reveal" }</button>
                                }
                                <button aria-label={format!("Copy {name}")} onclick={on_copy}>{ "Copy" }</button>
                                <button aria-label={format!("Versions of {name}")}
                                    onclick={ let f = open_versions.clone(); let n = name.clone(); Callback::from(move |_: MouseEvent| f.emit(n.clone())) }>{ "Versions" }</button>
                                <button aria-label={format!("Attributes of {name}")} onclick={on_attrs}>{ "Attributes" }</button>
                                { delete_in_row(SoftKind::Secret, &name, &deleting, &delete) }
                            </td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>

            if let Some((vname, list)) = (*versions).clone() {
                <section id="az-versions" class="az-policy" aria-label="Secret versions">
                    <h3>{ format!("Versions of {vname}") }</h3>
                    <table class="az-table" aria-label="Versions">
                        <thead><tr><th>{ "Version" }</th><th>{ "Created" }</th><th>{ "State" }</th><th>{ "Expires" }</th><th></th></tr></thead>
                        <tbody>
                        { for list.iter().enumerate().map(|(i, v)| {
                            let ver = v.version.clone().unwrap_or_default();
                            let on_rb = { let f = ask_rollback.clone(); let (n, vv) = (vname.clone(), ver.clone()); Callback::from(move |_: MouseEvent| f.emit((n.clone(), vv.clone()))) };
                            let on_va = { let a = attrs.clone(); let vp = v.clone(); Callback::from(move |_: MouseEvent| a.set(Some(vp.clone()))) };
                            html! {
                                <tr>
                                    <td><code>{ &ver }</code>{ if i == 0 { " (current)" } else { "" } }</td>
                                    <td>{ date(v.created) }</td>
                                    <td class={classes!((!v.enabled).then_some("az-disabled"))}>{ if v.enabled { "enabled" } else { "disabled" } }</td>
                                    <td>{ date(v.expires) }</td>
                                    <td>
                                        <button aria-label={format!("Attributes of {vname} version {ver}")} onclick={on_va}>{ "Attributes" }</button>
                                        if i > 0 {
                                            <button aria-label={format!("Roll back {vname} to {ver}")} onclick={on_rb}>{ "Roll back to this" }</button>
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                    if let Some(pv) = (*preview).clone() {
                        <div id="az-rollback-preview" class="confirm-dialog" role="dialog" aria-label="Rollback preview">
                            <p>{ format!("Roll back {} to version {}: its value becomes a new current version (now {}).", pv.name, pv.from_version, pv.current_version.clone().unwrap_or_default()) }</p>
                            <p>{ if pv.value_differs { "The value differs from the current one." } else { "The value is the same as the current one: nothing would change." } }</p>
                            <p>{ format!("Content type: {}", pv.content_type.clone().unwrap_or_else(|| "-".into())) }</p>
                            <button class="danger" aria-label="Confirm rollback" onclick={confirm_rollback}>{ "Roll back" }</button>
                            <button aria-label="Cancel rollback" onclick={ let pv = preview.clone(); Callback::from(move |_: MouseEvent| pv.set(None)) }>{ "Cancel" }</button>
                        </div>
                    }
                </section>
            }

            if let Some(a) = (*attrs).clone() {
                <SecretAttributes key={format!("{}/{}", a.name, a.version.clone().unwrap_or_default())}
                    profile_id={p.profile_id.clone()} props={a.clone()} on_saved={on_attrs_saved.clone()}
                    on_close={ let a = attrs.clone(); Callback::from(move |()| a.set(None)) } />
            }
            <BackupRestore profile_id={p.profile_id.clone()} on_done={on_panel_done.clone()} />

            { deleted_section(SoftKind::Secret, l.deleted.iter().map(|d| (&d.props.name, d.deleted_date, d.scheduled_purge_date)), &recover, &purging, &purge) }

            <h2>{ "Keys" }</h2>
            <table class="az-table" aria-label="Keys">
                <thead><tr><th>{ "Name" }</th><th>{ "Type" }</th><th>{ "State" }</th><th>{ "Expires" }</th><th>{ "Tags" }</th><th></th></tr></thead>
                <tbody>
                { for l.keys.iter().map(|k| {
                    let name = k.name.clone();
                    let on_policy = { let f = open_policy.clone(); let n = name.clone(); Callback::from(move |_: MouseEvent| f.emit(n.clone())) };
                    let on_rotate = { let f = rotate.clone(); let n = name.clone(); Callback::from(move |_: MouseEvent| f.emit(n.clone())) };
                    let on_kv = { let f = open_key_versions.clone(); let n = name.clone(); Callback::from(move |_: MouseEvent| f.emit(n.clone())) };
                    html! {
                        <tr key={name.clone()} data-key={name.clone()}>
                            <td>{ &name }</td>
                            <td>{ key_type(k) }</td>
                            <td>{ if k.enabled { "enabled" } else { "disabled" } }</td>
                            <td class="az-expiry"><strong>{ date(k.expires) }</strong></td>
                            <td class="az-tags" aria-label={format!("Tags of key {name}")}>{ tags_text(&k.tags).replace('\n', ", ") }</td>
                            <td>
                                <button aria-label={format!("Versions of key {name}")} onclick={on_kv}>{ "Versions" }</button>
                                <button aria-label={format!("Rotation policy of {name}")} onclick={on_policy}>{ "Rotation policy" }</button>
                                <button aria-label={format!("Rotate {name} now")} onclick={on_rotate}>{ "Rotate now" }</button>
                                { delete_in_row(SoftKind::Key, &name, &deleting, &delete) }
                            </td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>

            <CreateKey profile_id={p.profile_id.clone()} on_done={on_panel_done.clone()} />
            if let Some((kname, kv)) = (*key_versions).clone() {
                <section class="az-policy" aria-label="Key versions">
                    <h3>{ format!("Versions of key {kname}") }</h3>
                    <table class="az-table" aria-label="Key versions table">
                        <thead><tr><th>{ "Version" }</th><th>{ "Type" }</th><th>{ "State" }</th><th>{ "Created" }</th><th>{ "Expires" }</th><th></th></tr></thead>
                        <tbody>
                        { for kv.iter().enumerate().map(|(i, k)| {
                            let ver = k.version.clone().unwrap_or_default();
                            let toggle = { let f = set_key_enabled.clone(); let (n, v, en) = (kname.clone(), ver.clone(), !k.enabled); Callback::from(move |_: MouseEvent| f.emit((n.clone(), v.clone(), en))) };
                            html! {
                            <tr data-version={ver.clone()} data-enabled={k.enabled.to_string()}>
                                <td><code>{ &ver }</code>{ if i == 0 { " (current)" } else { "" } }</td>
                                <td>{ key_type(k) }</td>
                                <td class={classes!((!k.enabled).then_some("az-disabled"))}>{ if k.enabled { "enabled" } else { "disabled" } }</td>
                                <td>{ date(k.created) }</td>
                                <td>{ date(k.expires) }</td>
                                <td>
                                    <button aria-label={format!("{} key {kname} version {ver}", if k.enabled { "Disable" } else { "Enable" })} onclick={toggle}>
                                        { if k.enabled { "Disable" } else { "Enable" } }
                                    </button>
                                </td>
                            </tr>
                        }}) }
                        </tbody>
                    </table>
                    <button aria-label="Close key versions" onclick={ let kv = key_versions.clone(); Callback::from(move |_: MouseEvent| kv.set(None)) }>{ "Close" }</button>
                </section>
            }

            if let Some(d) = (*draft).clone() {
                <section class="az-policy" aria-label="Rotation policy editor">
                    <h3>{ format!("Rotation policy of {}", d.key) }</h3>
                    { field("Expiry time", d.expiry.clone(), |d, v| d.expiry = v) }
                    { field("Rotate after creation", d.rotate_after.clone(), |d, v| d.rotate_after = v) }
                    { field("Notify before expiry", d.notify_before.clone(), |d, v| d.notify_before = v) }
                    <button class="primary" aria-label="Save rotation policy" onclick={save_policy}>{ "Save policy" }</button>
                </section>
            }

            { deleted_section(SoftKind::Key, l.deleted_keys.iter().map(|d| (&d.props.name, d.deleted_date, d.scheduled_purge_date)), &recover, &purging, &purge) }

            <h2>{ "Certificates" }</h2>
            <table class="az-table" aria-label="Certificates">
                <thead><tr><th>{ "Name" }</th><th>{ "State" }</th><th>{ "Not before" }</th><th>{ "Expires" }</th><th></th></tr></thead>
                <tbody>
                { for l.certs.iter().map(|c| {
                    let soon = az_expiring_within(c.expires, now, 30);
                    let on_cd = { let f = open_cert.clone(); let n = c.name.clone(); Callback::from(move |_: MouseEvent| f.emit(n.clone())) };
                    html! {
                        <tr>
                            <td>{ &c.name }</td>
                            <td>{ if c.enabled { "enabled" } else { "disabled" } }</td>
                            <td>{ date(c.not_before) }</td>
                            <td class={classes!("az-expiry", soon.then_some("az-expiring"))}><strong>{ date(c.expires) }</strong>{ if soon { " (expiring soon)" } else { "" } }</td>
                            <td><button aria-label={format!("Details of certificate {}", c.name)} onclick={on_cd}>{ "Details" }</button></td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            if let Some((c, cv)) = (*cert_detail).clone() {
                <section class="az-policy" aria-label="Certificate details">
                    <h3>{ format!("Certificate {}", c.name) }</h3>
                    <dl class="az-cert">
                        <dt>{ "Subject" }</dt><dd id="az-cert-subject">{ c.subject.clone().unwrap_or_else(|| "-".into()) }</dd>
                        <dt>{ "Issuer" }</dt><dd id="az-cert-issuer">{ c.issuer.clone().unwrap_or_else(|| "-".into()) }</dd>
                        <dt>{ "Thumbprint" }</dt><dd><code>{ c.thumbprint.clone().unwrap_or_else(|| "-".into()) }</code></dd>
                        <dt>{ "Valid" }</dt><dd>{ format!("{} to {}", date(c.not_before), date(c.expires)) }</dd>
                    </dl>
                    <table class="az-table" aria-label="Certificate versions">
                        <thead><tr><th>{ "Version" }</th><th>{ "State" }</th><th>{ "Created" }</th><th>{ "Expires" }</th></tr></thead>
                        <tbody>
                        { for cv.iter().map(|v| html! {
                            <tr>
                                <td><code>{ v.version.clone().unwrap_or_default() }</code></td>
                                <td>{ if v.enabled { "enabled" } else { "disabled" } }</td>
                                <td>{ date(v.created) }</td>
                                <td>{ date(v.expires) }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                    <button aria-label="Close certificate details" onclick={ let cd = cert_detail.clone(); Callback::from(move |_: MouseEvent| cd.set(None)) }>{ "Close" }</button>
                </section>
            }
        </div>
    }
}

/// Which kind of Key Vault object a soft delete, recover or purge is about: secrets and keys
/// share the same confirmations, deleted lists and purge dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SoftKind {
    Secret,
    Key,
}

impl SoftKind {
    /// Put before a name in labels and messages ("Delete key k"; secrets have none).
    fn noun(self) -> &'static str {
        match self {
            SoftKind::Secret => "",
            SoftKind::Key => "key ",
        }
    }

    /// Plural, for headings ("Deleted keys").
    fn plural(self) -> &'static str {
        match self {
            SoftKind::Secret => "secrets",
            SoftKind::Key => "keys",
        }
    }
}

/// A failed recover or purge, said clearly: 409 `ObjectIsBeingDeleted` (the service has not
/// finished the delete yet) gets a "try again" hint.
fn soft_delete_error(action: &str, what: &str, e: &vaultdeck_types::IpcError) -> String {
    let m = &e.message;
    let busy = e.code == vaultdeck_types::ErrorCode::Conflict
        || m.contains("ObjectIsBeingDeleted")
        || m.contains("did not complete");
    if busy {
        format!("Could not {action} {what}: the service is still deleting it; try again in a moment ({m})")
    } else {
        format!("Could not {action} {what}: {m}")
    }
}

/// The row's "Delete…" button and, while this row's delete is being confirmed, the
/// confirmation in the row itself (a long list would hide a dialog below it).
fn delete_in_row(
    kind: SoftKind,
    name: &str,
    deleting: &UseStateHandle<Option<(SoftKind, String)>>,
    on_confirm: &Callback<MouseEvent>,
) -> Html {
    let what = format!("{}{name}", kind.noun());
    let ask = {
        let (d, n) = (deleting.clone(), name.to_owned());
        Callback::from(move |_: MouseEvent| d.set(Some((kind, n.clone()))))
    };
    let cancel = {
        let d = deleting.clone();
        Callback::from(move |_: MouseEvent| d.set(None))
    };
    let open = deleting
        .as_ref()
        .is_some_and(|(k, n)| *k == kind && n == name);
    html! {
        <>
            <button aria-label={format!("Delete {what}")} onclick={ask}>{ "Delete…" }</button>
            if open {
                <div id="az-delete-dialog" class="confirm-dialog az-inline-confirm" role="dialog" aria-label="Confirm the soft delete">
                    <span>{ format!("Delete {what} and all its versions? It stays recoverable until its scheduled purge date.") }</span>
                    <button class="danger" aria-label="Confirm delete" onclick={on_confirm.clone()}>{ "Delete" }</button>
                    <button aria-label="Cancel delete" onclick={cancel}>{ "Cancel" }</button>
                </div>
            }
        </>
    }
}

/// The "Deleted secrets" / "Deleted keys" section: name, deleted on, scheduled purge date,
/// Recover, and Purge (the dialog where the name is typed, shown under the list it belongs to).
fn deleted_section<'a>(
    kind: SoftKind,
    rows: impl Iterator<Item = (&'a String, Option<i64>, Option<i64>)>,
    recover: &Callback<(SoftKind, String)>,
    purging: &UseStateHandle<Option<(SoftKind, String, String)>>,
    on_purge: &Callback<MouseEvent>,
) -> Html {
    let title = format!("Deleted {}", kind.plural());
    let rows: Vec<Html> = rows
        .map(|(name, deleted, purge_on)| {
            let what = format!("{}{name}", kind.noun());
            let on_recover = {
                let (f, n) = (recover.clone(), name.clone());
                Callback::from(move |_: MouseEvent| f.emit((kind, n.clone())))
            };
            let on_ask_purge = {
                let (pg, n) = (purging.clone(), name.clone());
                Callback::from(move |_: MouseEvent| pg.set(Some((kind, n.clone(), String::new()))))
            };
            html! {
                <tr key={name.clone()} data-deleted={name.clone()}>
                    <td>{ name }</td>
                    <td>{ date(deleted) }</td>
                    <td>{ date(purge_on) }</td>
                    <td>
                        <button aria-label={format!("Recover {what}")} onclick={on_recover}>{ "Recover" }</button>
                        <button aria-label={format!("Purge {what}")} onclick={on_ask_purge}>{ "Purge…" }</button>
                    </td>
                </tr>
            }
        })
        .collect();
    let dialog = match (**purging).clone() {
        Some((k, name, typed)) if k == kind => {
            let what = format!("{}{name}", kind.noun());
            let on_input = {
                let pg = purging.clone();
                Callback::from(move |e: InputEvent| {
                    pg.set(Some((kind, name.clone(), input_text(&e))))
                })
            };
            let cancel = {
                let pg = purging.clone();
                Callback::from(move |_: MouseEvent| pg.set(None))
            };
            html! {
                <div id="az-purge-dialog" class="confirm-dialog" role="dialog" aria-modal="true" aria-label="Confirm the purge by typing the name">
                    <p>{ format!("Purging {what} deletes it for good (no recovery). Type its name to confirm:") }</p>
                    <input type="text" aria-label="Type the name to purge" value={typed} oninput={on_input} />
                    <button class="danger" aria-label="Purge for good" onclick={on_purge.clone()}>{ "Purge for good" }</button>
                    <button aria-label="Cancel purge" onclick={cancel}>{ "Cancel" }</button>
                </div>
            }
        }
        _ => Html::default(),
    };
    html! {
        <>
            <h2>{ title.clone() }</h2>
            if rows.is_empty() {
                <p id={format!("az-deleted-{}-empty", kind.plural())} class="muted">{ format!("No soft-deleted {}.", kind.plural()) }</p>
            } else {
                <table class="az-table" aria-label={title}>
                    <thead><tr><th>{ "Name" }</th><th>{ "Deleted" }</th><th>{ "Purged on" }</th><th></th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
            { dialog }
        </>
    }
}

/// Unix seconds of a `YYYY-MM-DD` date (midnight UTC); `None` when empty; an error message
/// when malformed.
fn parse_date(s: &str) -> Result<Option<i64>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || format!("{s:?} is not a date: use YYYY-MM-DD");
    let mut it = s.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (it.next(), it.next(), it.next()) else {
        return Err(bad());
    };
    let (y, m, d) = (
        y.parse::<i64>().map_err(|_| bad())?,
        m.parse::<i64>().map_err(|_| bad())?,
        d.parse::<i64>().map_err(|_| bad())?,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    // Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let ts = days * 86_400;
    // Reject dates like 02-31 that roll over.
    if date(Some(ts)) != format!("{y:04}-{m:02}-{d:02}") {
        return Err(bad());
    }
    Ok(Some(ts))
}

/// `k=v` lines of tags.
fn tags_text(tags: &std::collections::BTreeMap<String, String>) -> String {
    tags.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Tags from `k=v` lines (blank lines skipped); an error message on a line without `=`.
fn parse_tags(s: &str) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut out = std::collections::BTreeMap::new();
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!("tag line {line:?} has no '=' (use name=value)"));
        };
        if k.trim().is_empty() {
            return Err(format!("tag line {line:?} has an empty name"));
        }
        out.insert(k.trim().to_owned(), v.trim().to_owned());
    }
    Ok(out)
}

/// Props of [`SecretAttributes`].
#[derive(Properties, PartialEq)]
struct AttrProps {
    profile_id: AttrValue,
    /// The version's current attributes (name, version).
    props: AzSecretProps,
    /// Called with the saved attributes.
    on_saved: Callback<AzSecretProps>,
    /// Closes the editor.
    on_close: Callback<()>,
}

/// Editor of one secret version's attributes: enabled, expires, not-before, content type,
/// tags. Only changed fields are sent; the draft stays as typed when saving fails.
#[component]
fn SecretAttributes(p: &AttrProps) -> Html {
    let enabled = use_state(|| p.props.enabled);
    let expires = use_state(|| p.props.expires.map(|t| date(Some(t))).unwrap_or_default());
    let not_before = use_state(|| {
        p.props
            .not_before
            .map(|t| date(Some(t)))
            .unwrap_or_default()
    });
    let content_type = use_state(|| p.props.content_type.clone().unwrap_or_default());
    let tags = use_state(|| tags_text(&p.props.tags));
    let error = use_state(|| None::<String>);

    let save = {
        let (enabled, expires, not_before, content_type, tags, error) = (
            enabled.clone(),
            expires.clone(),
            not_before.clone(),
            content_type.clone(),
            tags.clone(),
            error.clone(),
        );
        let (orig, pid, on_saved) = (
            p.props.clone(),
            p.profile_id.to_string(),
            p.on_saved.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let build = || -> Result<vaultdeck_types::AzSecretUpdate, String> {
                let mut u = vaultdeck_types::AzSecretUpdate::default();
                if *enabled != orig.enabled {
                    u.enabled = Some(*enabled);
                }
                let e = parse_date(&expires)?;
                if e.map(|t| date(Some(t))) != orig.expires.map(|t| date(Some(t))) {
                    u.expires = Some(e);
                }
                let nb = parse_date(&not_before)?;
                if nb.map(|t| date(Some(t))) != orig.not_before.map(|t| date(Some(t))) {
                    u.not_before = Some(nb);
                }
                if let (Some(e), Some(nb)) = (e, nb) {
                    if nb >= e {
                        return Err("not-before must be earlier than the expiry".into());
                    }
                }
                let ct = content_type.trim().to_owned();
                if ct != orig.content_type.clone().unwrap_or_default() {
                    u.content_type = Some(ct);
                }
                let t = parse_tags(&tags)?;
                if t != orig.tags {
                    u.tags = Some(t);
                }
                Ok(u)
            };
            let update = match build() {
                Ok(u) => u,
                Err(m) => {
                    error.set(Some(m));
                    return;
                }
            };
            if update == vaultdeck_types::AzSecretUpdate::default() {
                error.set(Some("Nothing changed.".into()));
                return;
            }
            let args = vaultdeck_types::AzUpdateSecretArgs {
                profile_id: pid.clone(),
                name: orig.name.clone(),
                version: orig.version.clone(),
                update,
            };
            let (error, on_saved) = (error.clone(), on_saved.clone());
            spawn_local(async move {
                match ipc::call::<vaultdeck_types::AzUpdateSecret>(&args).await {
                    Ok(s) => {
                        error.set(None);
                        on_saved.emit(s);
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };
    let text = |label: &'static str, st: &UseStateHandle<String>, ph: &'static str| {
        let s = st.clone();
        html! {
            <label class="az-field">{ label }
                <input type="text" aria-label={label} value={(**st).clone()} placeholder={ph}
                    oninput={Callback::from(move |e: InputEvent| s.set(input_text(&e)))} />
            </label>
        }
    };
    let version = p.props.version.clone().unwrap_or_else(|| "latest".into());
    html! {
        <section class="az-policy az-attrs" aria-label="Secret attributes">
            <h3>{ format!("Attributes of {} ({version})", p.props.name) }</h3>
            <label class="az-field az-check">
                <input type="checkbox" aria-label="Enabled" checked={*enabled}
                    onclick={ let s = enabled.clone(); Callback::from(move |_: MouseEvent| s.set(!*s)) } />
                { "Enabled (a disabled version cannot be read)" }
            </label>
            { text("Expires", &expires, "YYYY-MM-DD (empty: never)") }
            { text("Not before", &not_before, "YYYY-MM-DD (empty: none)") }
            { text("Content type", &content_type, "e.g. text/plain") }
            <label class="az-field">{ "Tags (name=value per line)" }
                <textarea aria-label="Tags" rows="3" value={(*tags).clone()}
                    oninput={ let s = tags.clone(); Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value())) } />
            </label>
            if let Some(m) = &*error {
                <p class="az-message error" role="alert">{ m }</p>
            }
            <button class="primary" aria-label="Save attributes" onclick={save}>{ "Save attributes" }</button>
            <button aria-label="Close attributes" onclick={ let f = p.on_close.clone(); Callback::from(move |_: MouseEvent| f.emit(())) }>{ "Close" }</button>
        </section>
    }
}

/// Props of [`CreateKey`] and [`BackupRestore`].
#[derive(Properties, PartialEq)]
struct PanelProps {
    profile_id: AttrValue,
    /// Reports `(ok, text)` and asks for a reload.
    on_done: Callback<(bool, String)>,
}

/// Create an RSA (2048/3072/4096) or EC (P-256/P-384/P-521/P-256K) key.
#[component]
fn CreateKey(p: &PanelProps) -> Html {
    let name = use_state(String::new);
    let kind = use_state(|| "RSA".to_owned());
    let size = use_state(|| "2048".to_owned());
    let curve = use_state(|| "P-256".to_owned());
    let tags = use_state(String::new);
    let create = {
        let (name, kind, size, curve) = (name.clone(), kind.clone(), size.clone(), curve.clone());
        let tags = tags.clone();
        let (pid, on_done) = (p.profile_id.to_string(), p.on_done.clone());
        Callback::from(move |_: MouseEvent| {
            let n = name.trim().to_owned();
            // A bad tag line is refused before anything is sent; the draft stays as typed.
            let parsed_tags = match parse_tags(&tags) {
                Ok(t) => t,
                Err(m) => {
                    on_done.emit((false, m));
                    return;
                }
            };
            let spec = if *kind == "EC" {
                vaultdeck_types::AzKeySpec::Ec {
                    curve: (*curve).clone(),
                }
            } else {
                vaultdeck_types::AzKeySpec::Rsa {
                    size: size.parse().unwrap_or(2048),
                }
            };
            let args = vaultdeck_types::AzCreateKeyArgs {
                profile_id: pid.clone(),
                name: n.clone(),
                spec,
                tags: parsed_tags,
            };
            let (on_done, name, tags) = (on_done.clone(), name.clone(), tags.clone());
            spawn_local(async move {
                match ipc::call::<vaultdeck_types::AzCreateKey>(&args).await {
                    Ok(k) => {
                        name.set(String::new());
                        tags.set(String::new());
                        on_done.emit((
                            true,
                            format!("Created key {n}: version {}", k.version.unwrap_or_default()),
                        ));
                    }
                    Err(e) => on_done.emit((false, e.message)),
                }
            });
        })
    };
    let select = |label: &'static str, st: &UseStateHandle<String>, opts: &[&'static str]| {
        let s = st.clone();
        let cur = (**st).clone();
        html! {
            <label class="az-field">{ label }
                <select aria-label={label} onchange={Callback::from(move |e: Event| {
                    let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                    s.set(v);
                })}>
                { for opts.iter().map(|o| html! { <option value={*o} selected={cur == *o}>{ *o }</option> }) }
                </select>
            </label>
        }
    };
    html! {
        <section class="az-set" aria-label="Create a key">
            <label class="az-field">{ "Key name" }
                <input type="text" aria-label="Key name" value={(*name).clone()}
                    oninput={ let s = name.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) } />
            </label>
            { select("Key type", &kind, &["RSA", "EC"]) }
            if *kind == "EC" {
                { select("Curve", &curve, &["P-256", "P-384", "P-521", "P-256K"]) }
            } else {
                { select("Key size", &size, &["2048", "3072", "4096"]) }
            }
            <label class="az-field">{ "Key tags (name=value per line)" }
                <textarea aria-label="Key tags" rows="2" value={(*tags).clone()}
                    oninput={ let s = tags.clone(); Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value())) } />
            </label>
            <button class="primary" aria-label="Create key" onclick={create}>{ "Create key" }</button>
        </section>
    }
}

/// Back a secret up to a new file (never overwrites) and restore one from a file.
#[component]
fn BackupRestore(p: &PanelProps) -> Html {
    let name = use_state(String::new);
    let path = use_state(String::new);
    let restore_path = use_state(String::new);
    let backup = {
        let (name, path) = (name.clone(), path.clone());
        let (pid, on_done) = (p.profile_id.to_string(), p.on_done.clone());
        Callback::from(move |_: MouseEvent| {
            let args = vaultdeck_types::AzBackupArgs {
                profile_id: pid.clone(),
                name: name.trim().to_owned(),
                path: path.trim().to_owned(),
            };
            let on_done = on_done.clone();
            spawn_local(async move {
                match ipc::call::<vaultdeck_types::AzBackupSecret>(&args).await {
                    Ok(d) => on_done.emit((
                        true,
                        format!("Backed up {} to {} ({} bytes)", args.name, d.path, d.bytes),
                    )),
                    Err(e) => on_done.emit((false, e.message)),
                }
            });
        })
    };
    let restore = {
        let restore_path = restore_path.clone();
        let (pid, on_done) = (p.profile_id.to_string(), p.on_done.clone());
        Callback::from(move |_: MouseEvent| {
            let args = vaultdeck_types::AzRestoreArgs {
                profile_id: pid.clone(),
                path: restore_path.trim().to_owned(),
            };
            let on_done = on_done.clone();
            spawn_local(async move {
                match ipc::call::<vaultdeck_types::AzRestoreSecret>(&args).await {
                    Ok(s) => {
                        on_done.emit((true, format!("Restored {} from {}", s.name, args.path)))
                    }
                    Err(e) => on_done.emit((false, e.message)),
                }
            });
        })
    };
    let text = |label: &'static str, st: &UseStateHandle<String>, ph: &'static str| {
        let s = st.clone();
        html! {
            <label class="az-field">{ label }
                <input type="text" aria-label={label} value={(**st).clone()} placeholder={ph}
                    oninput={Callback::from(move |e: InputEvent| s.set(input_text(&e)))} />
            </label>
        }
    };
    html! {
        <section class="az-backup" aria-label="Backup and restore">
            <h2>{ "Backup and restore" }</h2>
            <div class="az-set">
                { text("Backup secret", &name, "secret name") }
                { text("Backup file", &path, "/absolute/path (must not exist)") }
                <button aria-label="Back up secret" onclick={backup}>{ "Back up" }</button>
            </div>
            <div class="az-set">
                { text("Restore file", &restore_path, "/absolute/path of a backup") }
                <button aria-label="Restore secret" onclick={restore}>{ "Restore" }</button>
            </div>
        </section>
    }
}

/// `RSA 2048`, `EC P-256`, … of a key.
fn key_type(k: &AzKeyProps) -> String {
    let kty = k.kty.clone().unwrap_or_else(|| "—".into());
    match (&k.key_size, &k.curve) {
        (Some(n), _) => format!("{kty} {n}"),
        (None, Some(c)) => format!("{kty} {c}"),
        _ => kty,
    }
}

/// Scrolls the element matching `css` into view, if it is there.
fn scroll_into_view(css: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(css).ok().flatten())
    {
        el.scroll_into_view();
    }
}

/// Increments a shared counter and returns its new value.
fn bump(counter: &std::rc::Rc<std::cell::RefCell<u64>>) -> u64 {
    let mut c = counter.borrow_mut();
    *c += 1;
    *c
}

/// `1 page` / `3 pages`.
fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The streamed secret list's progress line: pages (empty ones counted), secrets so far, a
/// Cancel button while it runs, and how it ended.
fn list_status(
    running: bool,
    progress: Option<AzListProgress>,
    report: Option<Result<AzListReport, String>>,
    on_cancel: Callback<MouseEvent>,
    on_refresh: Callback<MouseEvent>,
) -> Html {
    let p = progress.unwrap_or_default();
    let ended = match &report {
        Some(Ok(r)) if r.cancelled => " · cancelled (partial list)".to_owned(),
        Some(Ok(_)) => " · done".to_owned(),
        Some(Err(e)) => format!(" · failed: {e}"),
        None => String::new(),
    };
    html! {
        <div id="az-list-progress" class="az-list-progress" role="status"
            data-done={(!running).to_string()} data-pages={p.pages.to_string()}
            data-empty-pages={p.empty_pages.to_string()} data-count={p.count.to_string()}
            data-cancelled={matches!(&report, Some(Ok(r)) if r.cancelled).to_string()}>
            if running {
                <progress aria-label="Listing secrets" />
            }
            <span>{ format!("{} in {} ({} empty){}{ended}", plural(p.count, "secret", "secrets"), plural(p.pages, "page", "pages"), p.empty_pages,
                if running { " · listing…" } else { "" }) }</span>
            if running {
                <button id="az-list-cancel" class="danger-ghost" aria-label="Cancel listing" onclick={on_cancel}>{ "Cancel" }</button>
            } else {
                <button id="az-refresh" aria-label="Refresh secrets" onclick={on_refresh}>{ "Refresh" }</button>
            }
        </div>
    }
}

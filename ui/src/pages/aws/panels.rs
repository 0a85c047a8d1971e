//! The editing panels of the AWS detail: put a new value (AWSCURRENT-checked), description
//! and tags, the resource policy, and delete / restore. Each panel is keyed by the secret's
//! name by its parent, so its drafts survive a detail reload (e.g. after a conflict).

use std::collections::BTreeMap;

use vaultdeck_types::{
    AwsCheckPolicy, AwsDeleteArgs, AwsDeleteMode, AwsDeletePolicy, AwsDeleteSecret, AwsGetPolicy,
    AwsKmsArgs, AwsPolicyArgs, AwsPolicyReport, AwsPolicySeverity, AwsPutArgs, AwsPutPolicy,
    AwsPutValue, AwsRestoreSecret, AwsSecretDetail, AwsSecretRef, AwsServerValidation,
    AwsUpdateKmsKey, AwsUpdateMeta, AwsUpdateMetaArgs, ErrorCode, SecretInput, AWS_CURRENT,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::input_text;
use crate::ipc;

/// The text of the `<textarea>` that fired `e`.
pub(super) fn area_text(e: &InputEvent) -> String {
    e.target_unchecked_into::<web_sys::HtmlTextAreaElement>()
        .value()
}

/// Properties shared by the panels.
#[derive(Properties, PartialEq, Clone)]
pub struct PanelProps {
    /// The AWS connection's profile id.
    pub profile_id: AttrValue,
    /// The secret as last described.
    pub detail: AwsSecretDetail,
    /// Reload the detail (and the list) of this secret.
    pub on_changed: Callback<String>,
    /// Show a message (`true`: success).
    pub on_message: Callback<(bool, String)>,
}

/// Put a new value; the AWSCURRENT the user saw is sent as the expected one, so a concurrent
/// change is refused (the detail reloads to show the new current version; the draft stays).
#[component]
pub fn PutValuePanel(p: &PanelProps) -> Html {
    let draft = use_state(String::new);
    let put = {
        let (draft, p) = (draft.clone(), p.clone());
        Callback::from(move |_| {
            if draft.is_empty() {
                p.on_message
                    .emit((false, "Type the new value first.".into()));
                return;
            }
            let args = AwsPutArgs {
                profile_id: p.profile_id.to_string(),
                secret: p.detail.name.clone(),
                value: SecretInput::new((*draft).clone()),
                expected_current: p.detail.version_with_stage(AWS_CURRENT).map(str::to_owned),
                client_request_token: None,
            };
            let (draft, p) = (draft.clone(), p.clone());
            spawn_local(async move {
                match ipc::call::<AwsPutValue>(&args).await {
                    Ok(o) => {
                        draft.set(String::new());
                        p.on_message.emit((
                            true,
                            format!("Saved: new AWSCURRENT version {}.", o.version_id),
                        ));
                    }
                    Err(e) if e.code == ErrorCode::Conflict => p.on_message.emit((
                        false,
                        format!("Not saved: {} The versions below are reloaded.", e.message),
                    )),
                    Err(e) => p.on_message.emit((false, e.message)),
                }
                p.on_changed.emit(args.secret);
            });
        })
    };
    html! {
        <fieldset id="aws-put" class="aws-panel">
            <legend>{ "New value" }</legend>
            <p class="muted">{ format!("Based on AWSCURRENT {}", p.detail.version_with_stage(AWS_CURRENT).unwrap_or("—")) }</p>
            <textarea id="aws-put-value" rows="3" aria-label="New value" autocomplete="off" spellcheck="false"
                value={(*draft).clone()}
                oninput={{ let d = draft.clone(); Callback::from(move |e: InputEvent| d.set(area_text(&e))) }} />
            <button type="button" id="aws-put-save" class="primary" onclick={put}>{ "Put new value" }</button>
        </fieldset>
    }
}

/// `k=v` per line or comma-separated (AWS tags cannot contain commas) → tags; an error names
/// the first bad entry.
pub(super) fn parse_tags(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut tags = BTreeMap::new();
    for (i, line) in text.split(['\n', ',']).enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!("Tag {} needs the form key=value.", i + 1));
        };
        if k.trim().is_empty() {
            return Err(format!("Tag {} has an empty key.", i + 1));
        }
        tags.insert(k.trim().to_owned(), v.trim().to_owned());
    }
    Ok(tags)
}

/// Edit the description and the tags (`key=value` per line), and change the KMS key.
#[component]
pub fn MetaPanel(p: &PanelProps) -> Html {
    let description = use_state(|| p.detail.description.clone().unwrap_or_default());
    let kms = use_state(|| p.detail.kms_key_id.clone().unwrap_or_default());
    let change_kms = {
        let (kms, p) = (kms.clone(), p.clone());
        Callback::from(move |_| {
            let key = kms.trim().to_owned();
            if key.is_empty() {
                p.on_message.emit((
                    false,
                    "Type a KMS key id, key ARN or alias (alias/NAME) first.".into(),
                ));
                return;
            }
            if p.detail.kms_key_id.as_deref() == Some(key.as_str()) {
                p.on_message
                    .emit((false, format!("{key} already is this secret's KMS key.")));
                return;
            }
            let args = AwsKmsArgs {
                profile_id: p.profile_id.to_string(),
                secret: p.detail.name.clone(),
                kms_key_id: key,
            };
            let p = p.clone();
            spawn_local(async move {
                match ipc::call::<AwsUpdateKmsKey>(&args).await {
                    Ok(_) => p.on_message.emit((
                        true,
                        format!(
                            "KMS key changed to {}; new versions are encrypted with it.",
                            args.kms_key_id
                        ),
                    )),
                    Err(e) => p.on_message.emit((false, e.message)),
                }
                p.on_changed.emit(args.secret);
            });
        })
    };
    let tags = use_state(|| {
        p.detail
            .tags
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let save = {
        let (description, tags, p) = (description.clone(), tags.clone(), p.clone());
        Callback::from(move |_| {
            let parsed = match parse_tags(&tags) {
                Ok(t) => t,
                Err(m) => {
                    p.on_message.emit((false, m));
                    return;
                }
            };
            let args = AwsUpdateMetaArgs {
                profile_id: p.profile_id.to_string(),
                secret: p.detail.name.clone(),
                description: (*description).clone(),
                tags: parsed,
            };
            let p = p.clone();
            spawn_local(async move {
                match ipc::call::<AwsUpdateMeta>(&args).await {
                    Ok(_) => p
                        .on_message
                        .emit((true, "Saved the description and tags.".into())),
                    Err(e) => p.on_message.emit((false, e.message)),
                }
                p.on_changed.emit(args.secret);
            });
        })
    };
    html! {
        <fieldset id="aws-meta" class="aws-panel">
            <legend>{ "Description and tags" }</legend>
            <label for="aws-meta-description">{ "Description" }</label>
            <input id="aws-meta-description" type="text" value={(*description).clone()}
                oninput={{ let d = description.clone(); Callback::from(move |e: InputEvent| d.set(input_text(&e))) }} />
            <label for="aws-meta-tags">{ "Tags (key=value, one per line or comma-separated)" }</label>
            <textarea id="aws-meta-tags" rows="3" value={(*tags).clone()}
                oninput={{ let t = tags.clone(); Callback::from(move |e: InputEvent| t.set(area_text(&e))) }} />
            <button type="button" id="aws-meta-save" onclick={save}>{ "Save description and tags" }</button>
            <label for="aws-meta-kms">{ "KMS key (new versions are encrypted with it)" }</label>
            <div class="bg-row">
                <input id="aws-meta-kms" type="text" class="mono" autocomplete="off" spellcheck="false"
                    placeholder="aws/secretsmanager (default) — alias/NAME, key id or ARN" value={(*kms).clone()}
                    oninput={{ let k = kms.clone(); Callback::from(move |e: InputEvent| k.set(input_text(&e))) }} />
                <button type="button" id="aws-meta-kms-save" onclick={change_kms}>{ "Change KMS key" }</button>
            </div>
        </fieldset>
    }
}

/// The resource policy: load, edit as JSON, check (local checks + the server's validation,
/// "unavailable" on moto), save (refused on errors), delete.
#[component]
pub fn PolicyPanel(p: &PanelProps) -> Html {
    let text = use_state(String::new);
    let exists = use_state(|| false);
    let report = use_state(|| None::<AwsPolicyReport>);
    let load = {
        let (text, exists, p) = (text.clone(), exists.clone(), p.clone());
        Callback::from(move |()| {
            let args = AwsSecretRef {
                profile_id: p.profile_id.to_string(),
                secret: p.detail.name.clone(),
            };
            let (text, exists, p) = (text.clone(), exists.clone(), p.clone());
            spawn_local(async move {
                match ipc::call::<AwsGetPolicy>(&args).await {
                    Ok(Some(t)) => {
                        let pretty = serde_json::from_str::<serde_json::Value>(&t)
                            .ok()
                            .and_then(|v| serde_json::to_string_pretty(&v).ok())
                            .unwrap_or(t);
                        text.set(pretty);
                        exists.set(true);
                    }
                    Ok(None) => exists.set(false),
                    Err(e) => p.on_message.emit((false, e.message)),
                }
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with(p.detail.name.clone(), move |_| load.emit(()));
    }
    let send = |save: bool| {
        let (text, report, p, load) = (text.clone(), report.clone(), p.clone(), load.clone());
        Callback::from(move |_| {
            let args = AwsPolicyArgs {
                profile_id: p.profile_id.to_string(),
                secret: p.detail.name.clone(),
                text: (*text).clone(),
                block_public_policy: true,
            };
            let (report, p, load) = (report.clone(), p.clone(), load.clone());
            spawn_local(async move {
                let r = if save {
                    ipc::call::<AwsPutPolicy>(&args).await
                } else {
                    ipc::call::<AwsCheckPolicy>(&args).await
                };
                match r {
                    Ok(rep) => {
                        if save {
                            p.on_message
                                .emit((true, "Saved the resource policy.".into()));
                            load.emit(());
                        }
                        report.set(Some(rep));
                    }
                    Err(e) => {
                        // A refused save: run the checks so the findings show beside the text.
                        if save {
                            if let Ok(rep) = ipc::call::<AwsCheckPolicy>(&args).await {
                                report.set(Some(rep));
                            }
                        }
                        p.on_message.emit((false, e.message));
                    }
                }
            });
        })
    };
    let delete = {
        let (text, exists, report, p) = (text.clone(), exists.clone(), report.clone(), p.clone());
        Callback::from(move |_| {
            let args = AwsSecretRef {
                profile_id: p.profile_id.to_string(),
                secret: p.detail.name.clone(),
            };
            let (text, exists, report, p) =
                (text.clone(), exists.clone(), report.clone(), p.clone());
            spawn_local(async move {
                match ipc::call::<AwsDeletePolicy>(&args).await {
                    Ok(()) => {
                        text.set(String::new());
                        exists.set(false);
                        report.set(None);
                        p.on_message
                            .emit((true, "Deleted the resource policy.".into()));
                    }
                    Err(e) => p.on_message.emit((false, e.message)),
                }
            });
        })
    };
    let findings = report.as_ref().map(|r| {
        html! {
            <div id="aws-policy-report" aria-label="Policy checks">
                if r.findings.is_empty() {
                    <p class="bg-ok">{ "Local checks: no problems found." }</p>
                }
                <ul>
                { for r.findings.iter().map(|f| {
                    let err = f.severity == AwsPolicySeverity::Error;
                    html! {
                        <li class={classes!("aws-finding", if err { "error-text" } else { "warning-text" })} data-check={f.check.clone()}>
                            { format!("{}: {} ({})", if err { "Error" } else { "Warning" }, f.message, f.check) }
                        </li>
                    }
                }) }
                </ul>
                <p id="aws-policy-server" class="muted">{ match &r.server {
                    None => "Server-side validation: not asked.".to_owned(),
                    Some(AwsServerValidation::Passed) => "Server-side validation: passed.".to_owned(),
                    Some(AwsServerValidation::Failed { errors }) => format!("Server-side validation failed: {}", errors.join("; ")),
                    Some(AwsServerValidation::Unavailable { reason }) => vaultdeck_ui::format::sentence(reason),
                } }</p>
            </div>
        }
    });
    html! {
        <fieldset id="aws-policy" class="aws-panel">
            <legend>{ "Resource policy" }</legend>
            <p class="muted" id="aws-policy-state">{ if *exists { "A resource policy is attached." } else { "No resource policy." } }</p>
            <textarea id="aws-policy-text" class="mono" rows="8" aria-label="Resource policy JSON" spellcheck="false"
                placeholder={"{\"Version\": \"2012-10-17\", \"Statement\": [...]}"}
                value={(*text).clone()}
                oninput={{ let t = text.clone(); Callback::from(move |e: InputEvent| t.set(area_text(&e))) }} />
            { for findings }
            <div class="bg-row">
                <button type="button" id="aws-policy-check" onclick={send(false)}>{ "Check" }</button>
                <button type="button" id="aws-policy-save" class="primary" onclick={send(true)}>{ "Save policy" }</button>
                if *exists {
                    <button type="button" id="aws-policy-delete" class="danger" onclick={delete}>{ "Delete policy" }</button>
                }
            </div>
        </fieldset>
    }
}

/// Schedule deletion (7–30 days, default 30), restore a scheduled one, or force delete after
/// typing the secret's name.
#[component]
pub fn DeletePanel(p: &PanelProps) -> Html {
    let days = use_state(|| "30".to_owned());
    let typed = use_state(String::new);
    let run = |mode: Option<AwsDeleteMode>| {
        let (days, typed, p) = (days.clone(), typed.clone(), p.clone());
        Callback::from(move |_| {
            let mode = match mode {
                Some(m) => m,
                None => match days.trim().parse::<u8>() {
                    Ok(d) if (7..=30).contains(&d) => AwsDeleteMode::Recoverable { days: d },
                    _ => {
                        p.on_message
                            .emit((false, "The recovery window is 7 to 30 days.".into()));
                        return;
                    }
                },
            };
            let args = AwsDeleteArgs {
                profile_id: p.profile_id.to_string(),
                secret: p.detail.name.clone(),
                mode,
                confirm_name: (*typed).clone(),
            };
            let p = p.clone();
            spawn_local(async move {
                match ipc::call::<AwsDeleteSecret>(&args).await {
                    Ok(o) => {
                        p.on_message.emit((
                            true,
                            match args.mode {
                                AwsDeleteMode::Force => format!("Deleted {} for good.", o.name),
                                AwsDeleteMode::Recoverable { .. } => format!(
                                    "{} is scheduled for deletion on {}; restore it until then.",
                                    o.name,
                                    o.deletion_date.unwrap_or_default()
                                ),
                            },
                        ));
                    }
                    Err(e) => p.on_message.emit((false, e.message)),
                }
                p.on_changed.emit(args.secret);
            });
        })
    };
    let restore = {
        let p = p.clone();
        Callback::from(move |_| {
            let args = AwsSecretRef {
                profile_id: p.profile_id.to_string(),
                secret: p.detail.name.clone(),
            };
            let p = p.clone();
            spawn_local(async move {
                match ipc::call::<AwsRestoreSecret>(&args).await {
                    Ok(()) => p
                        .on_message
                        .emit((true, format!("Restored {}.", args.secret))),
                    Err(e) => p.on_message.emit((false, e.message)),
                }
                p.on_changed.emit(args.secret);
            });
        })
    };
    let name_ok = *typed == p.detail.name;
    html! {
        <fieldset id="aws-delete" class="aws-panel">
            <legend>{ "Delete" }</legend>
            if let Some(d) = &p.detail.deleted_date {
                <p class="error-text">{ format!("Deletion scheduled for {d}.") }</p>
                <button type="button" id="aws-restore" class="primary" onclick={restore}>{ "Restore" }</button>
            } else {
                <div class="bg-row">
                    <label for="aws-delete-days">{ "Recovery window (days, 7–30)" }</label>
                    <input id="aws-delete-days" type="number" min="7" max="30" value={(*days).clone()}
                        oninput={{ let d = days.clone(); Callback::from(move |e: InputEvent| d.set(input_text(&e))) }} />
                    <button type="button" id="aws-delete-schedule" class="danger" onclick={run(None)}>{ "Schedule deletion" }</button>
                </div>
            }
            <div class="bg-row">
                <label for="aws-force-name">{ "Type the name to delete without recovery" }</label>
                <input id="aws-force-name" type="text" autocomplete="off" value={(*typed).clone()}
                    oninput={{ let t = typed.clone(); Callback::from(move |e: InputEvent| t.set(input_text(&e))) }} />
                <button type="button" id="aws-force-delete" class="danger" disabled={!name_ok}
                    onclick={run(Some(AwsDeleteMode::Force))}>{ "Force delete" }</button>
            </div>
        </fieldset>
    }
}

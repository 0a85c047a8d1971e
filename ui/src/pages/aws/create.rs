//! The "New secret" form of the AWS screen: name, description, KMS key, tags (`key=value`, per
//! line or comma-separated) and a string value. Checked before sending (name characters and length as Secrets
//! Manager allows them, a value, tags well-formed); on any error — e.g. the name already
//! exists — the form stays as typed and says why.

use vaultdeck_types::{AwsCreateArgs, AwsCreateSecret, ErrorCode, SecretInput};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::panels::{area_text, parse_tags};
use crate::components::input_text;
use crate::ipc;

/// Properties of [`CreatePanel`].
#[derive(Properties, PartialEq)]
pub struct CreateProps {
    /// The AWS connection's profile id.
    pub profile_id: AttrValue,
    /// A secret was created (its name).
    pub on_created: Callback<String>,
    /// Close the form.
    pub on_close: Callback<()>,
}

/// Why a secret name is refused, if it is: 1–512 characters of letters, digits and `/_+=.@-`
/// (Secrets Manager's rule).
fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("Type a name for the new secret.".into());
    }
    if name.chars().count() > 512 {
        return Some("The name is longer than 512 characters.".into());
    }
    let bad: String = name
        .chars()
        .filter(|c| !(c.is_ascii_alphanumeric() || "/_+=.@-".contains(*c)))
        .collect();
    (!bad.is_empty())
        .then(|| format!("The name may only use letters, digits and / _ + = . @ - (not {bad:?})."))
}

/// The form.
#[component]
pub fn CreatePanel(p: &CreateProps) -> Html {
    let name = use_state(String::new);
    let description = use_state(String::new);
    let kms = use_state(String::new);
    let tags = use_state(String::new);
    let value = use_state(String::new);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);

    let save = {
        let (name, description, kms, tags, value, error, busy) = (
            name.clone(),
            description.clone(),
            kms.clone(),
            tags.clone(),
            value.clone(),
            error.clone(),
            busy.clone(),
        );
        let (profile_id, on_created) = (p.profile_id.to_string(), p.on_created.clone());
        Callback::from(move |_| {
            let n = name.trim().to_owned();
            let problem = name_problem(&n).or_else(|| {
                value
                    .is_empty()
                    .then(|| "Type the secret's first value.".to_owned())
            });
            let parsed = match (problem, parse_tags(&tags)) {
                (Some(m), _) | (None, Err(m)) => {
                    error.set(Some(m));
                    return;
                }
                (None, Ok(t)) => t,
            };
            error.set(None);
            busy.set(true);
            let args = AwsCreateArgs {
                profile_id: profile_id.clone(),
                name: n,
                value: SecretInput::new((*value).clone()),
                description: Some(description.trim().to_owned()).filter(|d| !d.is_empty()),
                kms_key_id: Some(kms.trim().to_owned()).filter(|k| !k.is_empty()),
                tags: parsed,
            };
            let (error, busy, value, on_created) = (
                error.clone(),
                busy.clone(),
                value.clone(),
                on_created.clone(),
            );
            spawn_local(async move {
                match ipc::call::<AwsCreateSecret>(&args).await {
                    Ok(o) => {
                        value.set(String::new());
                        on_created.emit(o.name);
                    }
                    Err(e) if e.code == ErrorCode::Conflict => error.set(Some(format!(
                        "Not created: {} Nothing was written; choose another name (your draft is kept).",
                        e.message
                    ))),
                    Err(e) => error.set(Some(format!(
                        "Not created: {} (your draft is kept)",
                        e.message
                    ))),
                }
                busy.set(false);
            });
        })
    };
    let text = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: InputEvent| s.set(input_text(&e)))
    };
    html! {
        <fieldset id="aws-create" class="aws-panel" aria-label="New secret">
            <legend>{ "New secret" }</legend>
            <label for="aws-create-name">{ "Name" }</label>
            <input id="aws-create-name" type="text" autocomplete="off" spellcheck="false" placeholder="prod/db-password"
                value={(*name).clone()} oninput={text(&name)} />
            <label for="aws-create-description">{ "Description (optional)" }</label>
            <input id="aws-create-description" type="text" value={(*description).clone()} oninput={text(&description)} />
            <label for="aws-create-kms">{ "KMS key (optional; default aws/secretsmanager)" }</label>
            <input id="aws-create-kms" type="text" class="mono" autocomplete="off" spellcheck="false" placeholder="alias/NAME, key id or ARN"
                value={(*kms).clone()} oninput={text(&kms)} />
            <label for="aws-create-tags">{ "Tags (key=value, per line or comma-separated; optional)" }</label>
            <textarea id="aws-create-tags" rows="2" value={(*tags).clone()}
                oninput={{ let t = tags.clone(); Callback::from(move |e: InputEvent| t.set(area_text(&e))) }} />
            <label for="aws-create-value">{ "Value" }</label>
            <textarea id="aws-create-value" rows="3" aria-label="Secret value" autocomplete="off" spellcheck="false"
                value={(*value).clone()}
                oninput={{ let v = value.clone(); Callback::from(move |e: InputEvent| v.set(area_text(&e))) }} />
            if let Some(m) = &*error {
                <p id="aws-create-error" class="error-text" role="alert">{ m.clone() }</p>
            }
            <div class="bg-row">
                <button type="button" id="aws-create-save" class="primary" disabled={*busy} onclick={save}>{ "Create secret" }</button>
                <button type="button" id="aws-create-cancel" onclick={p.on_close.reform(|_| ())}>{ "Close" }</button>
            </div>
        </fieldset>
    }
}

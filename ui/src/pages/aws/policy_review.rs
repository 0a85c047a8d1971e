//! The Policies screen on an AWS connection: a resource-policy review of every secret (or those
//! under a name prefix) — which have a policy, and what the local checks find (public access,
//! `Principal: "*"`, malformed statements), problems first — and the policy editor of the secret
//! chosen from the list (the AWS screen's [`PolicyPanel`]). Reading policies is not audited;
//! saving and deleting are, through the editor.

use vaultdeck_types::{
    AwsDescribeSecret, AwsListFilter, AwsPolicyReview, AwsPolicyReviewArgs, AwsPolicyReviewRow,
    AwsPolicySeverity, AwsSecretDetail, AwsSecretRef,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::panels::PolicyPanel;
use crate::components::input_text;
use crate::ipc;

/// Properties of [`AwsPolicyReviewPanel`].
#[derive(Properties, PartialEq)]
pub struct AwsPolicyReviewProps {
    /// The AWS connection.
    pub profile_id: AttrValue,
}

/// The resource-policy review with the editor of the chosen secret.
#[component]
pub fn AwsPolicyReviewPanel(props: &AwsPolicyReviewProps) -> Html {
    let prefix = use_state(String::new);
    let rows = use_state(|| None::<Vec<AwsPolicyReviewRow>>);
    let busy = use_state(|| false);
    let message = use_state(|| None::<(bool, String)>);
    let open = use_state(|| None::<AwsSecretDetail>);

    let review = {
        let (prefix, rows, busy, message) =
            (prefix.clone(), rows.clone(), busy.clone(), message.clone());
        let pid = props.profile_id.to_string();
        Callback::from(move |()| {
            let args = AwsPolicyReviewArgs {
                profile_id: pid.clone(),
                filter: AwsListFilter {
                    name_prefix: Some(prefix.trim().to_owned()).filter(|p| !p.is_empty()),
                    ..Default::default()
                },
            };
            let (rows, busy, message) = (rows.clone(), busy.clone(), message.clone());
            busy.set(true);
            spawn_local(async move {
                match ipc::call::<AwsPolicyReview>(&args).await {
                    Ok(r) => rows.set(Some(r)),
                    Err(e) => message.set(Some((false, e.message))),
                }
                busy.set(false);
            });
        })
    };
    {
        let review = review.clone();
        use_effect_with(props.profile_id.clone(), move |_| review.emit(()));
    }
    let on_open = {
        let (open, message) = (open.clone(), message.clone());
        let pid = props.profile_id.to_string();
        Callback::from(move |name: String| {
            let args = AwsSecretRef {
                profile_id: pid.clone(),
                secret: name,
            };
            let (open, message) = (open.clone(), message.clone());
            spawn_local(async move {
                match ipc::call::<AwsDescribeSecret>(&args).await {
                    Ok(d) => open.set(Some(d)),
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let on_changed = review.reform(|_: String| ());
    // The editor reports a save or delete as a success message: review again to show it.
    let on_message = {
        let (message, review) = (message.clone(), review.clone());
        Callback::from(move |m: (bool, String)| {
            if m.0 {
                review.emit(());
            }
            message.set(Some(m));
        })
    };
    let onsubmit = {
        let review = review.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            review.emit(());
        })
    };

    let summary = rows.as_ref().map(|r| {
        let with = r.iter().filter(|x| x.has_policy).count();
        let flagged = r
            .iter()
            .filter(|x| !x.findings.is_empty() || x.error.is_some())
            .count();
        format!(
            "{} secret(s) · {with} with a resource policy · {flagged} to look at",
            r.len()
        )
    });
    html! {
        <section class="aws-policy-review" aria-label="Resource policy review">
            <p class="muted">{ "Secrets Manager access is granted by IAM and by each secret's resource policy. \
                This review reads every resource policy and runs the same checks as the editor \
                (public access without a condition, Principal \"*\", malformed statements)." }</p>
            <form class="aws-review-form" {onsubmit}>
                <label for="aws-review-prefix">{ "Name prefix" }</label>
                <input id="aws-review-prefix" type="text" placeholder="all secrets" value={(*prefix).clone()}
                    oninput={{ let p = prefix.clone(); Callback::from(move |e: InputEvent| p.set(input_text(&e))) }} />
                <button id="aws-review-run" type="submit" disabled={*busy}>
                    { if *busy { "Reviewing…" } else { "Review policies" } }
                </button>
            </form>
            if let Some((ok, text)) = &*message {
                <p id="aws-review-message" class={classes!(if *ok { "bg-ok" } else { "error-text" })} role="status">{ text }</p>
            }
            if let Some(s) = summary {
                <p id="aws-review-summary" role="status">{ s }</p>
            }
            if let Some(r) = &*rows {
                <table id="aws-review-table" class="bg-nodes" aria-label="Resource policies">
                    <thead><tr><th>{ "Secret" }</th><th>{ "Policy" }</th><th>{ "Findings" }</th><th></th></tr></thead>
                    <tbody>
                    { for r.iter().map(|row| review_row(row, &on_open)) }
                    </tbody>
                </table>
            }
            if let Some(d) = &*open {
                <h2 id="aws-review-editing">{ format!("Resource policy of {}", d.name) }</h2>
                <PolicyPanel key={format!("review-policy-{}", d.name)} profile_id={props.profile_id.clone()}
                    detail={d.clone()} {on_changed} {on_message} />
            }
        </section>
    }
}

fn review_row(row: &AwsPolicyReviewRow, on_open: &Callback<String>) -> Html {
    let onclick = {
        let (on_open, name) = (on_open.clone(), row.name.clone());
        Callback::from(move |_: MouseEvent| on_open.emit(name.clone()))
    };
    let policy = if row.error.is_some() {
        "unreadable"
    } else if row.has_policy {
        "yes"
    } else {
        "none"
    };
    html! {
        <tr class="aws-review-row" data-name={row.name.clone()} data-findings={row.findings.len().to_string()}>
            <td><code>{ &row.name }</code></td>
            <td>{ policy }</td>
            <td>
                if let Some(e) = &row.error {
                    <span class="error-text">{ e }</span>
                }
                <ul class="aws-review-findings">
                { for row.findings.iter().map(|f| {
                    let err = f.severity == AwsPolicySeverity::Error;
                    html! {
                        <li class={classes!(if err { "error-text" } else { "warning-text" })} data-check={f.check.clone()}>
                            { format!("{}: {}", if err { "Error" } else { "Warning" }, f.message) }
                        </li>
                    }
                }) }
                </ul>
            </td>
            <td><button type="button" class="aws-review-open" aria-label={format!("Edit the policy of {}", row.name)} {onclick}>
                { if row.has_policy { "Edit" } else { "Add" } }
            </button></td>
        </tr>
    }
}

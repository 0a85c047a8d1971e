//! Opt-in search inside secrets (`#key-search`): key names containing a text, in every secret
//! under the folder being browsed. A confirm dialog warns first that it reads every secret
//! there and is audited as such (KV v2 reads key names only, through the `subkeys` endpoint;
//! KV v1 has no such endpoint, so values are read and dropped). Hits stream in; cancelable.

use std::rc::Rc;

use vaultdeck_types::{
    CancelJob, CancelJobArgs, KeyNameHit, KeySearchBatch, KeySearchProgress, KeySearchReport,
    StartKeySearch, StartKeySearchArgs,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::{checkbox_checked, input_text};
use crate::ipc;

/// Properties of [`KeyNameSearch`].
#[derive(Properties, PartialEq)]
pub struct KeyNameSearchProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// The folder to search (`None` until one is browsed).
    #[prop_or_default]
    pub root: Option<String>,
    /// Opens a secret.
    pub on_open: Callback<String>,
}

/// The streamed state of one search.
#[derive(Default, PartialEq)]
struct Found {
    hits: Vec<KeyNameHit>,
    progress: KeySearchProgress,
}

impl Reducible for Found {
    type Action = Option<KeySearchBatch>;

    fn reduce(self: Rc<Self>, batch: Option<KeySearchBatch>) -> Rc<Self> {
        let Some(b) = batch else {
            return Rc::new(Found::default());
        };
        Rc::new(Found {
            hits: vaultdeck_ui::secrets_model::merge_key_hits(&self.hits, b.hits),
            progress: b.progress,
        })
    }
}

/// The opt-in key-name search.
#[component]
pub fn KeyNameSearch(props: &KeyNameSearchProps) -> Html {
    let enabled = use_state(|| false);
    let text = use_state(String::new);
    let confirming = use_state(|| false);
    let job = use_state(|| None::<String>);
    let found = use_reducer(Found::default);
    let report = use_state(|| None::<KeySearchReport>);
    let error = use_state(|| None::<String>);

    let Some(root) = props.root.clone() else {
        return html! {};
    };
    let start = {
        let (text, confirming, job, found, report, error) = (
            text.clone(),
            confirming.clone(),
            job.clone(),
            found.clone(),
            report.clone(),
            error.clone(),
        );
        let (pid, root) = (props.profile_id.to_string(), root.clone());
        Callback::from(move |_| {
            confirming.set(false);
            let job_id = format!("keys-{}", js_sys::Date::now() as u64);
            let args = StartKeySearchArgs {
                profile_id: pid.clone(),
                path: root.clone(),
                query: (*text).clone(),
                job_id: job_id.clone(),
            };
            job.set(Some(job_id));
            found.dispatch(None);
            report.set(None);
            error.set(None);
            let (job, found, report, error) =
                (job.clone(), found.clone(), report.clone(), error.clone());
            spawn_local(async move {
                let on_batch = {
                    let found = found.clone();
                    move |b: KeySearchBatch| found.dispatch(Some(b))
                };
                match ipc::call_with_channel::<StartKeySearch, KeySearchBatch>(
                    &args, "onBatch", on_batch,
                )
                .await
                {
                    Ok(r) => report.set(Some(r)),
                    Err(e) => error.set(Some(e.message)),
                }
                job.set(None);
            });
        })
    };
    let cancel = {
        let job = job.clone();
        Callback::from(move |_| {
            if let Some(job_id) = (*job).clone() {
                spawn_local(async move {
                    let _ = ipc::call::<CancelJob>(&CancelJobArgs { job_id }).await;
                });
            }
        })
    };
    let running = job.is_some();
    let p = found.progress;
    html! {
        <section id="key-search" class="key-search" aria-label="Search inside secrets">
            <label class="key-search-toggle">
                <input type="checkbox" id="key-search-enable" checked={*enabled}
                    aria-label="Search inside values (key names)"
                    onchange={{ let enabled = enabled.clone(); Callback::from(move |e: Event| enabled.set(checkbox_checked(&e))) }} />
                { "Search inside values (key names)" }
            </label>
            if *enabled {
                <p class="muted" id="key-search-note">{
                    format!("Matches key names in every secret under {root}. On KV v2 only key names are read \
                             (the subkeys endpoint), never values; on KV v1 each secret's values must be read.")
                }</p>
                <div class="search-bar">
                    <input id="key-search-text" type="search" aria-label="Key name contains"
                        placeholder="key name contains…" value={(*text).clone()} autocomplete="off"
                        oninput={{ let text = text.clone(); Callback::from(move |e: InputEvent| text.set(input_text(&e))) }} />
                    if running {
                        <button type="button" id="key-search-cancel" class="danger-ghost" onclick={cancel}>{ "Cancel search" }</button>
                    } else {
                        <button type="button" id="key-search-start" disabled={text.trim().is_empty()}
                            onclick={{ let c = confirming.clone(); Callback::from(move |_| c.set(true)) }}>{ "Search key names" }</button>
                    }
                </div>
                if *confirming {
                    <div id="key-search-confirm" class="warn-panel" role="alertdialog" aria-label="Confirm key name search">
                        <p class="notice-title">{ format!("This reads every secret under {root}.") }</p>
                        <p>{ "The server audits one read per secret, and Vaultdeck's audit log records the search. \
                              On KV v2 only key names are read; on KV v1 values are read too (and not kept)." }</p>
                        <button type="button" id="key-search-confirm-yes" class="danger" onclick={start}>{ "Read every secret and search" }</button>
                        <button type="button" id="key-search-confirm-no" class="ghost"
                            onclick={{ let c = confirming.clone(); Callback::from(move |_| c.set(false)) }}>{ "Cancel" }</button>
                    </div>
                }
                if running || report.is_some() {
                    <p id="key-search-progress" class="muted" role="status" data-done={(!running).to_string()}
                        data-matches={p.matches.to_string()}>{
                        format!("{} secrets found, {} read, {} with matching keys{}{}", p.secrets_found, p.secrets_read, p.matches,
                            if p.unreadable > 0 { format!(", {} unreadable", p.unreadable) } else { String::new() },
                            match &*report {
                                Some(r) if r.cancelled => " · cancelled (partial results)".to_owned(),
                                Some(r) => format!(" · done in {} ms{}", r.elapsed_ms, if r.values_read { " (KV v1: values were read)" } else { "" }),
                                None => String::new(),
                            })
                    }</p>
                }
                if let Some(e) = &*error {
                    <p class="error-text" role="alert" id="key-search-error">{ e.clone() }</p>
                }
                <ul id="key-search-results" class="search-results" aria-label="Key name matches">
                    { for found.hits.iter().map(|h| {
                        let open = props.on_open.clone();
                        let path = h.path.clone();
                        html! {
                            <li key={h.path.clone()} class="search-hit" data-path={h.path.clone()}>
                                <button type="button" class="link" aria-label={format!("Open {}", h.path)}
                                    onclick={Callback::from(move |_| open.emit(path.clone()))}>
                                    <code>{ h.path.clone() }</code>
                                </button>
                                <span class="muted">{ format!(" keys: {}", h.keys.join(", ")) }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}

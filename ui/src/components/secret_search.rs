//! Recursive search: walk a mount (progress streamed through a Tauri channel, cancelable), then
//! fuzzy / prefix / glob search over the walked paths (`#secret-search`; `/` focuses it, Enter
//! opens the selected match). Results refresh while the walk streams in.

use std::cell::Cell;
use std::rc::Rc;

use vaultdeck_types::{
    CancelJob, CancelJobArgs, SearchQuery, SearchResults, SearchSecrets, SearchSecretsArgs,
    StartWalk, StartWalkArgs, WalkBatch, WalkProgress, WalkReport,
};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::components::select_value;
use crate::hooks::use_global_keydown;
use crate::ipc;

/// Properties of [`SecretSearch`].
#[derive(Properties, PartialEq)]
pub struct SecretSearchProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// The mount or folder a walk covers (`None` until one is browsed).
    #[prop_or_default]
    pub walk_root: Option<String>,
    /// Opens a secret.
    pub on_open: Callback<String>,
    /// Only the search box and results, no walk controls (the index is filled elsewhere,
    /// e.g. by the Azure screen's streamed secret list).
    #[prop_or_default]
    pub search_only: bool,
    /// Bumped by the parent when it added names to the index; the results refresh.
    #[prop_or_default]
    pub revision: u64,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Fuzzy,
    Prefix,
    Glob,
}

fn query(text: &str, mode: Mode) -> SearchQuery {
    let t = text.trim().to_owned();
    match mode {
        Mode::Fuzzy => SearchQuery {
            text: t,
            ..Default::default()
        },
        Mode::Prefix => SearchQuery {
            prefix: Some(t),
            ..Default::default()
        },
        Mode::Glob => SearchQuery {
            glob: Some(t),
            ..Default::default()
        },
    }
}

/// Walk controls, progress, search box and results.
#[component]
pub fn SecretSearch(props: &SecretSearchProps) -> Html {
    let job = use_state(|| None::<String>);
    let progress = use_state(|| None::<WalkProgress>);
    let report = use_state(|| None::<WalkReport>);
    let walk_error = use_state(|| None::<String>);
    let batches = use_state(|| 0_u64);
    let batch_counter = use_mut_ref(|| Rc::new(Cell::new(0_u64)));
    let text = use_state(String::new);
    let mode = use_state(|| Mode::Fuzzy);
    let results = use_state(|| None::<Result<SearchResults, String>>);
    let selected = use_state(|| 0_usize);
    let input = use_node_ref();

    {
        // `/` focuses the search box (unless typing in another field).
        let input = input.clone();
        use_global_keydown(Callback::from(move |e: KeyboardEvent| {
            if e.key() != "/" || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let typing = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
                .unwrap_or(false);
            if !typing {
                if let Some(el) = input.cast::<HtmlElement>() {
                    e.prevent_default();
                    let _ = el.focus();
                }
            }
        }));
    }

    {
        // Search whenever the query changes or new paths arrive.
        let results = results.clone();
        let selected = selected.clone();
        let pid = props.profile_id.to_string();
        use_effect_with(
            (
                (*text).clone(),
                *mode,
                *batches,
                report.is_some(),
                props.revision,
            ),
            move |(text, mode, _, _, _)| {
                if text.trim().is_empty() {
                    results.set(None);
                } else {
                    let args = SearchSecretsArgs {
                        profile_id: pid,
                        query: query(text, *mode),
                    };
                    spawn_local(async move {
                        let r = ipc::call::<SearchSecrets>(&args)
                            .await
                            .map_err(|e| e.message);
                        results.set(Some(r));
                        selected.set(0);
                    });
                }
            },
        );
    }

    let start = {
        let (job, progress, report, walk_error, batches) = (
            job.clone(),
            progress.clone(),
            report.clone(),
            walk_error.clone(),
            batches.clone(),
        );
        let counter = batch_counter.borrow().clone();
        let pid = props.profile_id.to_string();
        let root = props.walk_root.clone();
        Callback::from(move |_| {
            let Some(root) = root.clone() else { return };
            let job_id = format!("walk-{}", js_sys::Date::now() as u64);
            job.set(Some(job_id.clone()));
            report.set(None);
            walk_error.set(None);
            progress.set(None);
            let args = StartWalkArgs {
                profile_id: pid.clone(),
                path: root,
                job_id,
            };
            let (job, progress, report, walk_error, batches, counter) = (
                job.clone(),
                progress.clone(),
                report.clone(),
                walk_error.clone(),
                batches.clone(),
                counter.clone(),
            );
            spawn_local(async move {
                let on_batch = {
                    let (progress, batches, counter) =
                        (progress.clone(), batches.clone(), counter.clone());
                    move |b: WalkBatch| {
                        progress.set(Some(b.progress));
                        counter.set(counter.get() + 1);
                        batches.set(counter.get());
                    }
                };
                match ipc::call_with_channel::<StartWalk, WalkBatch>(&args, "onBatch", on_batch)
                    .await
                {
                    Ok(r) => report.set(Some(r)),
                    Err(e) => walk_error.set(Some(e.message)),
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

    let hits = match &*results {
        Some(Ok(r)) => r.hits.clone(),
        _ => Vec::new(),
    };
    let onkeydown = {
        let (selected, on_open, hits) = (selected.clone(), props.on_open.clone(), hits.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                if let Some(h) = hits.get(*selected).or(hits.first()) {
                    on_open.emit(h.path.clone());
                }
            }
            "ArrowDown" if !hits.is_empty() => {
                e.prevent_default();
                selected.set((*selected + 1).min(hits.len() - 1));
            }
            "ArrowUp" => {
                e.prevent_default();
                selected.set(selected.saturating_sub(1));
            }
            _ => {}
        })
    };

    let walking = job.is_some();
    html! {
        <section id="secret-search-panel" class="secret-search" aria-label="Search secrets">
            <div class="search-bar">
                <input id="secret-search" ref={input} type="search" aria-label="Search secret paths"
                    placeholder={if props.search_only { "Search secret names (press / )" } else { "Search walked paths (press / )" }} value={(*text).clone()} autocomplete="off"
                    oninput={{ let text = text.clone(); Callback::from(move |e: InputEvent| text.set(e.target_unchecked_into::<HtmlInputElement>().value())) }}
                    {onkeydown} />
                <select id="search-mode" aria-label="Search mode" onchange={{
                    let mode = mode.clone();
                    Callback::from(move |e: Event| mode.set(match select_value(&e).as_str() {
                        "prefix" => Mode::Prefix,
                        "glob" => Mode::Glob,
                        _ => Mode::Fuzzy,
                    }))
                }}>
                    <option value="fuzzy" selected={*mode == Mode::Fuzzy}>{ "fuzzy" }</option>
                    <option value="prefix" selected={*mode == Mode::Prefix}>{ "prefix" }</option>
                    <option value="glob" selected={*mode == Mode::Glob}>{ "glob" }</option>
                </select>
                if props.search_only {
                    <></>
                } else if walking {
                    <button type="button" id="walk-cancel" class="danger-ghost" onclick={cancel}>{ "Cancel walk" }</button>
                } else {
                    <button type="button" id="walk-start" disabled={props.walk_root.is_none()} onclick={start}
                        aria-label={props.walk_root.as_ref().map(|r| format!("Walk {r} for search")).unwrap_or_else(|| "Walk (pick a mount first)".into())}>
                        { props.walk_root.as_ref().map(|r| format!("Walk {r}")).unwrap_or_else(|| "Walk".into()) }
                    </button>
                }
            </div>
            if walking || progress.is_some() {
                <div id="walk-progress" class="walk-progress" role="status"
                    data-done={(!walking).to_string()}
                    data-keys={progress.map(|p| p.keys_found).unwrap_or(0).to_string()}>
                    if walking {
                        <progress aria-label="Walk progress"
                            max={progress.map(|p| (p.folders_done + p.folders_pending).max(1)).unwrap_or(1).to_string()}
                            value={progress.map(|p| p.folders_done).unwrap_or(0).to_string()} />
                    }
                    <span>{
                        match *progress {
                            Some(p) => format!("{} folders done, {} pending, {} secrets found{}",
                                p.folders_done, p.folders_pending, p.keys_found,
                                if p.denied > 0 { format!(", {} folders denied", p.denied) } else { String::new() }),
                            None => "Walking…".into(),
                        }
                    }</span>
                    if let Some(r) = &*report {
                        <span id="walk-report" class="muted">{
                            format!(" · {} in {} ms{}", if r.cancelled { "cancelled" } else { "done" }, r.elapsed_ms,
                                if r.cancelled { " (partial results)" } else { "" })
                        }</span>
                    }
                </div>
            }
            if let Some(e) = &*walk_error {
                <p class="error-text" role="alert" id="walk-error">{ e.clone() }</p>
            }
            {
                match &*results {
                    Some(Err(e)) => html! { <p class="error-text" role="alert" id="search-error">{ e.clone() }</p> },
                    Some(Ok(r)) => html! {
                        <div class="search-results-wrap">
                            <p class="muted" id="search-summary">{ format!("{} of {} matches · {} paths indexed", r.hits.len(), r.total_matches, r.indexed) }</p>
                            <ul id="search-results" class="search-results" role="listbox" aria-label="Search results">
                                { for r.hits.iter().enumerate().map(|(i, h)| {
                                    let open = props.on_open.clone();
                                    let p = h.path.clone();
                                    html! {
                                        <li key={h.path.clone()} role="option" aria-selected={(i == *selected).to_string()}
                                            class={classes!("search-hit", (i == *selected).then_some("selected"))}
                                            data-path={h.path.clone()}>
                                            <button type="button" class="link" aria-label={format!("Open {}", h.path)}
                                                onclick={Callback::from(move |_| open.emit(p.clone()))}>
                                                { highlight(&h.path, &h.indices) }
                                            </button>
                                        </li>
                                    }
                                }) }
                            </ul>
                        </div>
                    },
                    None => html! {},
                }
            }
        </section>
    }
}

/// The path with matched characters in `<mark>`.
fn highlight(path: &str, indices: &[u32]) -> Html {
    let mut out = Vec::new();
    let mut run = String::new();
    let mut marked = false;
    for (i, c) in path.chars().enumerate() {
        let m = indices.binary_search(&(i as u32)).is_ok();
        if m != marked && !run.is_empty() {
            let t = std::mem::take(&mut run);
            out.push(if marked {
                html! { <mark>{ t }</mark> }
            } else {
                html! { { t } }
            });
        }
        marked = m;
        run.push(c);
    }
    if !run.is_empty() {
        out.push(if marked {
            html! { <mark>{ run }</mark> }
        } else {
            html! { { run } }
        });
    }
    html! { <code>{ for out }</code> }
}

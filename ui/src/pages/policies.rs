//! The Policies workbench: policy list with search, an HCL editor with a line-numbered gutter
//! and inline lint marks, a CAS-checked save that keeps the draft and shows the server's text
//! on a conflict, and the simulator (capabilities + deciding rule, highlighted in the editor)
//! with a one-click comparison against the server; staged edits with a diff per policy and an
//! impact preview; the capability matrix (heatmap, CSV export) and who-can-access.

use std::rc::Rc;

use vaultdeck_types::{
    ApplyStagedPolicies, ApplyStagedReport, ComparePolicyArgs, ComparePolicyWithServer,
    DeletePolicy, DiscardStagedPolicies, ErrorCode, IpcError, LintPolicy, LintPolicyArgs,
    ListPolicies, ListStagedPolicies, PolicyComparison, PolicyDocument, PolicyDraft,
    PolicyLintReport, PolicyRef, PolicySimulation, PreviewStagedArgs, PreviewStagedPolicies,
    ProfileRef, ReadPolicy, SavePolicy, SavePolicyArgs, SimulatePolicy, SimulatePolicyArgs,
    StagePolicy, StagePolicyArgs, StagedPolicy, StagedPreview, UnstagePolicy,
};
use vaultdeck_types::{
    ExportMatrixArgs, ExportPolicyMatrix, ExportedFile, PolicyMatrix, PolicyMatrixArgs,
    PolicyMatrixCmd, WhoCanAccess, WhoCanAccessPath, WhoCanArgs,
};
use vaultdeck_types::{ExportPolicyReview, ReviewReportArgs, ReviewReportFiles};
use vaultdeck_types::{FormatPolicy, FormatPolicyArgs};
use vaultdeck_ui::policy_view::{line_diff, marks_by_line, parse_paths};
use vaultdeck_ui::profile_draft::ProviderKind;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::pages::aws::policy_review::AwsPolicyReviewPanel;

use crate::components::notice::NotConnected;
use crate::components::{checkbox_checked, input_text};
use crate::contexts::connections::use_connections;
use crate::contexts::toasts::use_toaster;
use crate::hooks::use_command;
use crate::ipc;

/// The Policies screen.
#[component]
pub fn PoliciesPage() -> Html {
    let conns = use_connections();
    let Some(active) = conns.active_summary() else {
        return html! { <NotConnected screen="Policies" /> };
    };
    // The same screen on every provider, showing what that provider has.
    match ProviderKind::of_label(&active.provider) {
        ProviderKind::Aws => {
            return html! {
                <section class="page policies-page">
                    <div class="page-head">
                        <h1>{ "Policies" }</h1>
                        <p class="muted">{ format!("{} · {} · resource policies", active.name, active.address) }</p>
                    </div>
                    <AwsPolicyReviewPanel key={active.profile_id.clone()} profile_id={active.profile_id.clone()} />
                </section>
            }
        }
        ProviderKind::Azure => {
            return html! {
                <section class="page policies-page">
                    <h1>{ "Policies" }</h1>
                    <p id="azure-policies-note" class="notice">
                        { "Access to an Azure key vault is granted by Azure RBAC role assignments or the vault's                            access policies, both managed in Azure Resource Manager (the portal, `az role assignment`,                            `az keyvault set-policy`), not through the vault's data plane that Vaultdeck uses.                            Key rotation policies are on the Azure screen." }
                    </p>
                </section>
            }
        }
        ProviderKind::Vault => {}
    }
    html! {
        <section class="page policies-page">
            <div class="page-head">
                <h1>{ "Policies" }</h1>
                <p class="muted">{ format!("{} · {}", active.name, active.address) }</p>
            </div>
            <Workbench key={active.profile_id.clone()} profile_id={active.profile_id.clone()} />
        </section>
    }
}

/// The editor's state (one policy open at a time).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Editor {
    /// The policy as opened from the server (`None`: a new policy).
    pub base: Option<PolicyDocument>,
    /// The policy name being edited.
    pub name: String,
    /// The draft text.
    pub text: String,
    /// The latest lint of the draft.
    pub lint: PolicyLintReport,
    /// The server's current policy after a conflicting save.
    pub conflict: Option<PolicyDocument>,
    /// The last save's message, and whether it was an error.
    pub status: Option<(String, bool)>,
    /// The line the simulator's deciding rule is on (highlighted).
    pub decided_line: Option<usize>,
    /// The line a finding was clicked for (highlighted).
    pub focus_line: Option<usize>,
}

/// A change to the [`Editor`].
pub enum EditorAction {
    /// A policy was read from the server.
    Opened(PolicyDocument),
    /// Start a new, empty policy.
    New(String),
    /// The user typed.
    Edited(String),
    /// A lint finished for `text`.
    Linted(String, PolicyLintReport),
    /// Saved: the server's new document.
    Saved(PolicyDocument),
    /// The save conflicted; the server's current document.
    Conflict(PolicyDocument),
    /// The save failed otherwise.
    Failed(String),
    /// Highlight the simulator's deciding line.
    Decided(Option<usize>),
    /// Take the server's text (dropping the draft).
    TakeServer,
    /// Highlight a finding's line.
    Focused(usize),
    /// The policy was deleted: close the editor.
    Closed,
}

impl Reducible for Editor {
    type Action = EditorAction;

    fn reduce(self: Rc<Self>, action: EditorAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            EditorAction::Opened(doc) => {
                s = Editor {
                    name: doc.name.clone(),
                    text: doc.text.clone(),
                    base: Some(doc),
                    ..Editor::default()
                };
            }
            EditorAction::Closed => s = Editor::default(),
            EditorAction::New(name) => {
                s = Editor {
                    name,
                    text: "path \"secret/data/example/*\" {\n  capabilities = [\"read\"]\n}\n"
                        .into(),
                    ..Editor::default()
                };
            }
            EditorAction::Edited(text) => {
                s.text = text;
                s.status = None;
            }
            EditorAction::Linted(text, report) => {
                if text == s.text {
                    s.lint = report;
                }
            }
            EditorAction::Saved(doc) => {
                s.status = Some((
                    match doc.version {
                        Some(v) => format!("Saved {} (version {v}).", doc.name),
                        None => format!("Saved {}.", doc.name),
                    },
                    false,
                ));
                s.conflict = None;
                s.base = Some(doc);
            }
            EditorAction::Conflict(doc) => {
                s.status = Some((
                    format!(
                        "{} changed on the server since you opened it. Your draft is kept; \
                         compare it with the server's text below.",
                        doc.name
                    ),
                    true,
                ));
                // The next save checks against the version now shown.
                s.base = Some(doc.clone());
                s.conflict = Some(doc);
            }
            EditorAction::Failed(msg) => s.status = Some((msg, true)),
            EditorAction::Decided(line) => s.decided_line = line,
            EditorAction::Focused(line) => s.focus_line = Some(line),
            EditorAction::TakeServer => {
                if let Some(doc) = s.conflict.take() {
                    s.text = doc.text.clone();
                    s.base = Some(doc);
                    s.status = None;
                }
            }
        }
        Rc::new(s)
    }
}

/// Properties of [`Workbench`].
#[derive(Properties, PartialEq)]
pub struct WorkbenchProps {
    /// The connection.
    pub profile_id: AttrValue,
}

/// List, editor and simulator for one connection.
#[component]
pub fn Workbench(props: &WorkbenchProps) -> Html {
    let editor = use_reducer(Editor::default);
    let list = use_command::<ListPolicies>(ProfileRef {
        profile_id: props.profile_id.to_string(),
    });
    let toaster = use_toaster();
    let staged = use_state(Vec::<StagedPolicy>::new);
    {
        let staged = staged.clone();
        let profile_id = props.profile_id.to_string();
        use_effect_with(profile_id, move |profile_id| {
            let args = ProfileRef {
                profile_id: profile_id.clone(),
            };
            spawn_local(async move {
                if let Ok(list) = ipc::call::<ListStagedPolicies>(&args).await {
                    staged.set(list);
                }
            });
        });
    }

    // Lint the draft whenever it changes (with the connection's mount table).
    {
        let editor = editor.clone();
        let profile_id = props.profile_id.to_string();
        let (name, text) = (editor.name.clone(), editor.text.clone());
        use_effect_with((name, text), move |(name, text)| {
            if !name.is_empty() {
                let args = LintPolicyArgs {
                    profile_id: Some(profile_id),
                    draft: PolicyDraft {
                        name: name.clone(),
                        text: text.clone(),
                    },
                };
                let text = text.clone();
                spawn_local(async move {
                    if let Ok(report) = ipc::call::<LintPolicy>(&args).await {
                        editor.dispatch(EditorAction::Linted(text, report));
                    }
                });
            }
        });
    }

    let on_open = {
        let editor = editor.clone();
        let profile_id = props.profile_id.to_string();
        let toaster = toaster.clone();
        let staged = staged.clone();
        Callback::from(move |name: String| {
            let (editor, toaster) = (editor.clone(), toaster.clone());
            let draft = staged
                .iter()
                .find(|s| s.name == name)
                .map(|s| s.text.clone());
            let args = PolicyRef {
                profile_id: profile_id.clone(),
                name,
            };
            spawn_local(async move {
                match ipc::call::<ReadPolicy>(&args).await {
                    Ok(doc) => {
                        editor.dispatch(EditorAction::Opened(doc));
                        if let Some(text) = draft {
                            editor.dispatch(EditorAction::Edited(text));
                        }
                    }
                    Err(e) => toaster.error(format!("Could not open {}: {}", args.name, e.message)),
                }
            });
        })
    };

    let on_save = {
        let editor = editor.clone();
        let profile_id = props.profile_id.to_string();
        let reload = list.reload_callback::<()>();
        Callback::from(move |_: MouseEvent| {
            let (editor, reload) = (editor.clone(), reload.clone());
            let args = SavePolicyArgs {
                profile_id: profile_id.clone(),
                draft: PolicyDraft {
                    name: editor.name.clone(),
                    text: editor.text.clone(),
                },
                cas: match &editor.base {
                    Some(doc) => doc.version,
                    None => Some(0),
                },
                base_text: editor.base.as_ref().map(|d| d.text.clone()),
            };
            let profile_id = profile_id.clone();
            spawn_local(async move {
                match ipc::call::<SavePolicy>(&args).await {
                    Ok(saved) => {
                        editor.dispatch(EditorAction::Saved(saved.document));
                        reload.emit(());
                    }
                    Err(e) if e.code == ErrorCode::Conflict => {
                        let r = PolicyRef {
                            profile_id,
                            name: args.draft.name.clone(),
                        };
                        match ipc::call::<ReadPolicy>(&r).await {
                            Ok(doc) => editor.dispatch(EditorAction::Conflict(doc)),
                            Err(e2) => editor.dispatch(EditorAction::Failed(format!(
                                "{} (and the server's text could not be read: {})",
                                e.message, e2.message
                            ))),
                        }
                    }
                    Err(e) => editor.dispatch(EditorAction::Failed(e.message)),
                }
            });
        })
    };

    let on_stage = {
        let (editor, staged, toaster) = (editor.clone(), staged.clone(), toaster.clone());
        let profile_id = props.profile_id.to_string();
        Callback::from(move |_: MouseEvent| {
            let args = StagePolicyArgs {
                profile_id: profile_id.clone(),
                staged: StagedPolicy {
                    name: editor.name.clone(),
                    text: editor.text.clone(),
                    base_text: editor.base.as_ref().map(|d| d.text.clone()),
                    base_version: editor.base.as_ref().and_then(|d| d.version),
                },
            };
            let (staged, toaster) = (staged.clone(), toaster.clone());
            spawn_local(async move {
                match ipc::call::<StagePolicy>(&args).await {
                    Ok(list) => {
                        staged.set(list);
                        toaster.success(format!("Staged {}.", args.staged.name));
                    }
                    Err(e) => toaster.error(e.message),
                }
            });
        })
    };
    let on_staged = {
        let staged = staged.clone();
        Callback::from(move |list: Vec<StagedPolicy>| staged.set(list))
    };
    let names: Vec<String> = list.ok().cloned().unwrap_or_default();
    html! {
        <div class="workbench">
            <PolicyList
                names={names.clone()}
                error={list.error().map(|e| AttrValue::from(e.message.clone()))}
                selected={AttrValue::from(editor.name.clone())}
                on_open={on_open}
                on_new={{
                    let editor = editor.clone();
                    Callback::from(move |name: String| editor.dispatch(EditorAction::New(name)))
                }} />
            <div class="workbench-main">
                if editor.name.is_empty() {
                    <p class="muted" id="policy-empty">{ "Open a policy from the list, or create a new one." }</p>
                } else {
                    <PolicyEditor editor={editor.clone()} on_save={on_save} on_stage={on_stage} />
                    if editor.base.is_some() {
                        <DeleteBox profile_id={props.profile_id.clone()} editor={editor.clone()}
                            on_deleted={list.reload_callback::<()>()} />
                    }
                    <Simulator key={editor.name.clone()} profile_id={props.profile_id.clone()} editor={editor.clone()} names={names} />
                }
                <StagedPanel profile_id={props.profile_id.clone()} staged={(*staged).clone()}
                    on_change={on_staged} on_applied={list.reload_callback::<()>()} />
                <MatrixPanel profile_id={props.profile_id.clone()} />
                <WhoCanPanel profile_id={props.profile_id.clone()} />
                <ReportPanel profile_id={props.profile_id.clone()} />
            </div>
        </div>
    }
}

/// Properties of [`PolicyList`].
#[derive(Properties, PartialEq)]
pub struct PolicyListProps {
    /// Policy names on the server.
    pub names: Vec<String>,
    /// Why the list could not be read.
    pub error: Option<AttrValue>,
    /// The open policy.
    pub selected: AttrValue,
    /// Open a policy by name.
    pub on_open: Callback<String>,
    /// Start a new policy with this name.
    pub on_new: Callback<String>,
}

/// `#policy-search` and `li.policy-row[data-policy-name]`, plus "new policy".
#[component]
pub fn PolicyList(props: &PolicyListProps) -> Html {
    let query = use_state(String::new);
    let new_name = use_state(String::new);
    let q = query.to_lowercase();
    let shown: Vec<&String> = props
        .names
        .iter()
        .filter(|n| q.is_empty() || n.to_lowercase().contains(&q))
        .collect();
    let on_query = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| query.set(input_text(&e)))
    };
    let on_new_name = {
        let new_name = new_name.clone();
        Callback::from(move |e: InputEvent| new_name.set(input_text(&e)))
    };
    let on_new = {
        let (new_name, cb) = (new_name.clone(), props.on_new.clone());
        Callback::from(move |_: MouseEvent| {
            let n = new_name.trim().to_lowercase();
            if !n.is_empty() {
                cb.emit(n);
            }
        })
    };
    html! {
        <aside class="policy-list panel" aria-label="Policies">
            <label for="policy-search" class="section-title">{ "Policies" }</label>
            <input id="policy-search" type="search" placeholder="Filter policies…"
                aria-label="Filter policies" value={(*query).clone()} oninput={on_query} />
            if let Some(err) = &props.error {
                <p class="error-text" role="alert">{ format!("Could not list policies: {err}") }</p>
            }
            <ul id="policy-rows" class="policy-rows">
                { for shown.into_iter().map(|n| {
                    let name = n.clone();
                    let on_open = props.on_open.clone();
                    let onclick = Callback::from(move |_: MouseEvent| on_open.emit(name.clone()));
                    html! {
                        <li key={n.clone()} class={classes!("policy-row", (props.selected == n.as_str()).then_some("is-selected"))}
                            data-policy-name={n.clone()}>
                            <button type="button" class="policy-open" aria-label={format!("Open policy {n}")} {onclick}>{ n.clone() }</button>
                        </li>
                    }
                }) }
            </ul>
            <div class="policy-new">
                <label for="policy-new-name">{ "New policy" }</label>
                <input id="policy-new-name" type="text" placeholder="name" value={(*new_name).clone()} oninput={on_new_name} />
                <button type="button" id="policy-new" onclick={on_new}>{ "Create" }</button>
            </div>
        </aside>
    }
}

/// Properties of [`PolicyEditor`].
#[derive(Properties, PartialEq)]
pub struct PolicyEditorProps {
    /// The editor state.
    pub editor: UseReducerHandle<Editor>,
    /// Save the draft.
    pub on_save: Callback<MouseEvent>,
    /// Stage the draft for a joint review.
    pub on_stage: Callback<MouseEvent>,
}

/// `#policy-editor` with its gutter (`.lint-mark[data-line][data-id]`), the findings, Save
/// (`#policy-save`) and the conflict view (`#policy-conflict`).
#[component]
pub fn PolicyEditor(props: &PolicyEditorProps) -> Html {
    let ed = &*props.editor;
    let gutter = use_node_ref();
    let area = use_node_ref();
    let goto = {
        let (gutter, area, editor) = (gutter.clone(), area.clone(), props.editor.clone());
        Callback::from(move |line: usize| {
            // Lines are 18px high (app.css .hcl-text); keep two lines of context above.
            let top = (line.saturating_sub(3) * 18) as i32;
            if let Some(t) = area.cast::<HtmlTextAreaElement>() {
                t.set_scroll_top(top);
            }
            if let Some(g) = gutter.cast::<web_sys::Element>() {
                g.set_scroll_top(top);
            }
            editor.dispatch(EditorAction::Focused(line));
        })
    };
    let marks = marks_by_line(&ed.lint.findings);
    let problem_line = ed.lint.problem.as_ref().map(|p| p.line);
    let lines = ed.text.lines().count().max(1) + usize::from(ed.text.ends_with('\n'));

    let oninput = {
        let editor = props.editor.clone();
        Callback::from(move |e: InputEvent| {
            let t: HtmlTextAreaElement = e.target_unchecked_into();
            editor.dispatch(EditorAction::Edited(t.value()));
        })
    };
    let onscroll = {
        let gutter = gutter.clone();
        Callback::from(move |e: Event| {
            let t: HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(g) = gutter.cast::<web_sys::Element>() {
                g.set_scroll_top(t.scroll_top());
            }
        })
    };
    let on_format = {
        let editor = props.editor.clone();
        let text = ed.text.clone();
        Callback::from(move |_: MouseEvent| {
            let (editor, args) = (editor.clone(), FormatPolicyArgs { text: text.clone() });
            spawn_local(async move {
                // An invalid draft is already flagged by lint; the button is disabled then.
                if let Ok(formatted) = ipc::call::<FormatPolicy>(&args).await {
                    if formatted != args.text {
                        editor.dispatch(EditorAction::Edited(formatted));
                    }
                }
            });
        })
    };
    let dirty = ed.base.as_ref().map(|b| b.text != ed.text).unwrap_or(true);
    let version = ed
        .base
        .as_ref()
        .and_then(|b| b.version)
        .map(|v| format!("version {v}"))
        .unwrap_or_else(|| "new policy".into());

    html! {
        <div class="panel policy-editor-panel">
            <div class="panel-actions">
                <h2 id="policy-title">{ format!("{} · {version}", ed.name) }</h2>
                if dirty { <span class="badge badge-accent" id="policy-dirty">{ "edited" }</span> }
                <button type="button" id="policy-format" aria-label="Format policy"
                    disabled={ed.lint.problem.is_some()} onclick={on_format}>{ "Format" }</button>
                <button type="button" id="policy-save" class="primary"
                    disabled={ed.lint.problem.is_some()} onclick={props.on_save.clone()}>{ "Save" }</button>
                <button type="button" id="policy-stage" disabled={ed.lint.problem.is_some() || !dirty}
                    onclick={props.on_stage.clone()}>{ "Stage" }</button>
            </div>
            <div class="hcl-editor">
                <div class="hcl-gutter" ref={gutter} aria-hidden="true">
                    { for (1..=lines).map(|n| {
                        let line_marks = marks.get(&n);
                        let sev = line_marks.and_then(|m| m.iter().map(|f| f.severity.as_str()).min_by_key(|s| severity_rank(s)));
                        html! {
                            <div key={n} class={classes!("gutter-line",
                                (ed.decided_line == Some(n)).then_some("is-decided"),
                                (ed.focus_line == Some(n)).then_some("is-focus"),
                                (problem_line == Some(n)).then_some("is-error"))}
                                data-line={n.to_string()}>
                                { for line_marks.into_iter().flatten().map(|f| html! {
                                    <span class={classes!("lint-mark", format!("sev-{}", f.severity))}
                                        data-line={n.to_string()} data-id={f.id.clone()} title={format!("{}: {}", f.id, f.message)} />
                                }) }
                                <span class={classes!("line-no", sev.map(|s| format!("sev-{s}")))}>{ n }</span>
                            </div>
                        }
                    }) }
                </div>
                <textarea id="policy-editor" ref={area} class="hcl-text" spellcheck="false" aria-label={format!("Policy text of {}", ed.name)}
                    wrap="off" value={ed.text.clone()} {oninput} {onscroll} />
            </div>
            if let Some(p) = &ed.lint.problem {
                <p id="policy-problem" class="error-text" role="alert" data-line={p.line.to_string()}>
                    { format!("Not valid (line {}): {}", p.line, p.message) }</p>
            }
            if let Some((msg, is_err)) = &ed.status {
                <p id="policy-status" class={if *is_err { "error-text" } else { "ok-text" }} role="status">{ msg.clone() }</p>
            }
            <ul id="policy-findings" class="findings" aria-label="Lint findings">
                { for ed.lint.findings.iter().map(|f| html! {
                    <li class={classes!("finding", format!("sev-{}", f.severity))} data-id={f.id.clone()} data-line={f.line.to_string()}>
                        <span class="badge">{ f.id.clone() }</span>
                        <button type="button" class="finding-line link" aria-label={format!("Go to line {}", f.line)}
                            onclick={{ let (goto, line) = (goto.clone(), f.line); Callback::from(move |_: MouseEvent| goto.emit(line)) }}>
                            { format!("line {}", f.line) }</button>
                        <span class="finding-msg">{ f.message.clone() }</span>
                        <span class="finding-hint muted">{ f.hint.clone() }</span>
                    </li>
                }) }
            </ul>
            if ed.lint.findings.is_empty() && ed.lint.problem.is_none() {
                <p class="muted" id="policy-clean">{ "No lint findings." }</p>
            }
            if let Some(server) = &ed.conflict {
                <ConflictView server={server.clone()} draft={AttrValue::from(ed.text.clone())} editor={props.editor.clone()} />
            }
        </div>
    }
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    }
}

/// Properties of [`ConflictView`].
#[derive(Properties, PartialEq)]
pub struct ConflictViewProps {
    /// The server's current policy.
    pub server: PolicyDocument,
    /// The kept draft.
    pub draft: AttrValue,
    /// The editor (to take the server's text).
    pub editor: UseReducerHandle<Editor>,
}

/// `#policy-conflict`: the server's text vs the draft, as a line diff.
#[component]
pub fn ConflictView(props: &ConflictViewProps) -> Html {
    let diff = line_diff(&props.server.text, &props.draft);
    let take = {
        let editor = props.editor.clone();
        Callback::from(move |_: MouseEvent| editor.dispatch(EditorAction::TakeServer))
    };
    html! {
        <div id="policy-conflict" class="conflict warn-panel" role="region" aria-label="Conflict with the server">
            <p>{ format!("Server version {} vs your draft (− server, + draft). Merge by hand, then Save again (it checks against the server's current version).",
                props.server.version.map(|v| v.to_string()).unwrap_or_else(|| "?".into())) }</p>
            <pre class="diff">
                { for diff.iter().map(|l| html! {
                    <span class={classes!("diff-line", format!("diff-{}", l.kind()))}>{ format!("{} {}\n", l.sign(), l.text()) }</span>
                }) }
            </pre>
            <button type="button" id="policy-take-server" onclick={take}>{ "Discard my draft, take the server's text" }</button>
        </div>
    }
}

/// Properties of [`Simulator`].
#[derive(Properties, PartialEq)]
pub struct SimulatorProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// The editor (its draft is always in the set).
    pub editor: UseReducerHandle<Editor>,
    /// Server policies that can be added to the set.
    pub names: Vec<String>,
}

/// `#sim-path`, `#sim-run`, `#sim-result`, `#sim-compare` and `#sim-compare-result`.
#[component]
pub fn Simulator(props: &SimulatorProps) -> Html {
    let path = use_state(String::new);
    let chosen = use_state(Vec::<String>::new);
    let result = use_state(|| None::<Result<PolicySimulation, IpcError>>);
    let compare = use_state(|| None::<Result<PolicyComparison, IpcError>>);
    let accessor = use_state(String::new);
    let entity = use_state(String::new);
    let draft_name = props.editor.name.clone();

    let on_path = {
        let path = path.clone();
        Callback::from(move |e: InputEvent| path.set(input_text(&e)))
    };
    let on_entity = {
        let entity = entity.clone();
        Callback::from(move |e: InputEvent| entity.set(input_text(&e)))
    };
    let run = {
        let (path, chosen, result) = (path.clone(), chosen.clone(), result.clone());
        let entity = entity.clone();
        let editor = props.editor.clone();
        let profile_id = props.profile_id.to_string();
        Callback::from(move |_: MouseEvent| {
            let args = SimulatePolicyArgs {
                profile_id: Some(profile_id.clone()),
                drafts: vec![PolicyDraft {
                    name: editor.name.clone(),
                    text: editor.text.clone(),
                }],
                names: (*chosen).clone(),
                entity: Some(entity.trim().to_string()).filter(|e| !e.is_empty()),
                paths: parse_paths(&path),
            };
            let (result, editor) = (result.clone(), editor.clone());
            let draft_name = editor.name.clone();
            spawn_local(async move {
                let r = ipc::call::<SimulatePolicy>(&args).await;
                let line = r.as_ref().ok().and_then(|s| {
                    s.results
                        .first()?
                        .decided_by
                        .iter()
                        .find(|d| d.policy == draft_name)
                        .map(|d| d.line)
                });
                editor.dispatch(EditorAction::Decided(line));
                result.set(Some(r));
            });
        })
    };
    let on_accessor = {
        let accessor = accessor.clone();
        Callback::from(move |e: InputEvent| accessor.set(input_text(&e)))
    };
    let on_compare = {
        let (path, compare, accessor) = (path.clone(), compare.clone(), accessor.clone());
        let profile_id = props.profile_id.to_string();
        Callback::from(move |_: MouseEvent| {
            let args = ComparePolicyArgs {
                profile_id: profile_id.clone(),
                accessor: Some(accessor.trim().to_string()).filter(|a| !a.is_empty()),
                paths: parse_paths(&path),
            };
            let compare = compare.clone();
            spawn_local(async move {
                compare.set(Some(ipc::call::<ComparePolicyWithServer>(&args).await))
            });
        })
    };

    html! {
        <div class="panel simulator" role="region" aria-label="Simulator">
            <h2>{ "Simulator" }</h2>
            <div class="sim-inputs">
                <label for="sim-path">{ "Paths (comma-separated)" }</label>
                <input id="sim-path" type="text" placeholder="secret/data/app/db" value={(*path).clone()} oninput={on_path} />
                <button type="button" id="sim-run" class="primary" onclick={run}>{ "Simulate" }</button>
            </div>
            <div class="sim-inputs">
                <label for="sim-entity">{ "Plus an identity entity's policies (name)" }</label>
                <input id="sim-entity" type="text" placeholder="e.g. alice" value={(*entity).clone()} oninput={on_entity} />
            </div>
            <div class="sim-inputs">
                <label for="sim-accessor">{ "Token accessor (empty: yours)" }</label>
                <input id="sim-accessor" type="text" value={(*accessor).clone()} oninput={on_accessor} />
                <button type="button" id="sim-compare" onclick={on_compare}
                    title="Evaluate the token's policies locally and ask the server's sys/capabilities-self or -accessor">
                    { "Compare with server" }</button>
            </div>
            <fieldset class="sim-policies">
                <legend>{ format!("Policy set: the draft of {draft_name} plus") }</legend>
                { for props.names.iter().filter(|n| **n != draft_name).map(|n| {
                    let checked = chosen.contains(n);
                    let (chosen, name) = (chosen.clone(), n.clone());
                    let onchange = Callback::from(move |e: Event| {
                        let mut v = (*chosen).clone();
                        v.retain(|x| *x != name);
                        if checkbox_checked(&e) { v.push(name.clone()); }
                        chosen.set(v);
                    });
                    let id = format!("sim-policy-{n}");
                    html! {
                        <label key={n.clone()} class="check" for={id.clone()}>
                            <input type="checkbox" id={id} class="sim-policy" data-policy-name={n.clone()}
                                {checked} {onchange} />
                            { n.clone() }
                        </label>
                    }
                }) }
            </fieldset>
            <div id="sim-result" role="status" aria-live="polite">
                { match &*result {
                    None => html! {},
                    Some(Err(e)) => html! { <p class="error-text">{ e.message.clone() }</p> },
                    Some(Ok(sim)) => html! {
                        <table class="data-table sim-table">
                            <thead><tr><th scope="col">{ "Path" }</th><th scope="col">{ "Capabilities" }</th><th scope="col">{ "Decided by" }</th><th scope="col">{ "Overridden" }</th></tr></thead>
                            <tbody>
                            { for sim.results.iter().map(|r| html! {
                                <tr class="sim-row" data-path={r.path.clone()}>
                                    <td><code>{ r.path.clone() }</code></td>
                                    <td class={classes!("sim-caps", (r.capabilities == ["deny"]).then_some("danger-text"))}>{ r.capabilities.join(", ") }</td>
                                    <td class="sim-decided">{ if r.decided_by.is_empty() { html!{ <span class="muted">{ "no rule matches" }</span> } } else { html! {
                                        { for r.decided_by.iter().map(|d| html! {
                                            <div class="sim-rule" data-policy={d.policy.clone()} data-line={d.line.to_string()}>
                                                { format!("{} line {}: \"{}\" [{}]", d.policy, d.line, d.pattern, d.capabilities.join(", ")) }
                                            </div>
                                        }) }
                                    } } }</td>
                                    <td class="muted">{ for r.overridden.iter().map(|d| html! {
                                        <div>{ format!("{} line {}: \"{}\"", d.policy, d.line, d.pattern) }</div>
                                    }) }</td>
                                </tr>
                            }) }
                            </tbody>
                        </table>
                    },
                } }
            </div>
            <div id="sim-compare-result" role="status" aria-live="polite">
                { match &*compare {
                    None => html! {},
                    Some(Err(e)) => html! { <p class="error-text">{ format!("Could not compare: {}", e.message) }</p> },
                    Some(Ok(c)) => html! {
                        <>
                            <p class={if c.agree { "ok-text" } else { "error-text" }} id="sim-agreement" data-agree={c.agree.to_string()}>
                                { if c.agree { "The server agrees with the local evaluator." } else { "The server disagrees on some paths." } }
                                { format!(" (the token's policies: {})", c.policies.join(", ")) }
                            </p>
                            <ul class="compare-rows">
                                { for c.paths.iter().map(|p| html! {
                                    <li class={classes!("compare-row", (!p.agree).then_some("danger-text"))} data-path={p.path.clone()}>
                                        { format!("{}: local [{}] · server [{}]", p.path, p.local.join(", "), p.server.join(", ")) }
                                    </li>
                                }) }
                            </ul>
                        </>
                    },
                } }
            </div>
        </div>
    }
}

/// Properties of [`StagedPanel`].
#[derive(Properties, PartialEq)]
pub struct StagedPanelProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// The staged edits.
    pub staged: Vec<StagedPolicy>,
    /// The staged edits changed (unstage, apply, discard).
    pub on_change: Callback<Vec<StagedPolicy>>,
    /// Some edits were applied (reload the policy list).
    pub on_applied: Callback<()>,
}

/// `#staged-panel`: staged edits (`li.staged-row`), `#staged-preview` (one diff per policy in
/// `.staged-diff` plus `#impact-table`), `#staged-apply`, `#staged-discard`, `#staged-result`.
#[component]
pub fn StagedPanel(props: &StagedPanelProps) -> Html {
    let extra = use_state(String::new);
    let preview = use_state(|| None::<Result<StagedPreview, IpcError>>);
    let applied = use_state(|| None::<Result<ApplyStagedReport, IpcError>>);
    let pid = props.profile_id.to_string();

    let on_extra = {
        let extra = extra.clone();
        Callback::from(move |e: InputEvent| extra.set(input_text(&e)))
    };
    let on_preview = {
        let (extra, preview, pid) = (extra.clone(), preview.clone(), pid.clone());
        Callback::from(move |_: MouseEvent| {
            let args = PreviewStagedArgs {
                profile_id: pid.clone(),
                extra_paths: parse_paths(&extra),
            };
            let preview = preview.clone();
            spawn_local(async move {
                preview.set(Some(ipc::call::<PreviewStagedPolicies>(&args).await))
            });
        })
    };
    let on_apply = {
        let (applied, preview, pid) = (applied.clone(), preview.clone(), pid.clone());
        let (on_change, on_applied) = (props.on_change.clone(), props.on_applied.clone());
        Callback::from(move |_: MouseEvent| {
            let args = ProfileRef {
                profile_id: pid.clone(),
            };
            let (applied, preview) = (applied.clone(), preview.clone());
            let (on_change, on_applied) = (on_change.clone(), on_applied.clone());
            spawn_local(async move {
                let r = ipc::call::<ApplyStagedPolicies>(&args).await;
                if let Ok(report) = &r {
                    on_change.emit(report.remaining.clone());
                    on_applied.emit(());
                    preview.set(None);
                }
                applied.set(Some(r));
            });
        })
    };
    let on_discard = {
        let (pid, on_change, preview) = (pid.clone(), props.on_change.clone(), preview.clone());
        Callback::from(move |_: MouseEvent| {
            let args = ProfileRef {
                profile_id: pid.clone(),
            };
            let (on_change, preview) = (on_change.clone(), preview.clone());
            spawn_local(async move {
                if ipc::call::<DiscardStagedPolicies>(&args).await.is_ok() {
                    on_change.emit(Vec::new());
                    preview.set(None);
                }
            });
        })
    };

    html! {
        <div id="staged-panel" class="panel staged" role="region" aria-label="Staged changes">
            <h2>{ format!("Staged changes ({})", props.staged.len()) }</h2>
            if props.staged.is_empty() {
                <p class="muted" id="staged-empty">{ "Nothing staged. Edit policies and press Stage to review several changes together; staged edits survive a restart." }</p>
            }
            <ul class="staged-rows">
                { for props.staged.iter().map(|s| {
                    let args = PolicyRef { profile_id: pid.clone(), name: s.name.clone() };
                    let on_change = props.on_change.clone();
                    let unstage = Callback::from(move |_: MouseEvent| {
                        let (args, on_change) = (args.clone(), on_change.clone());
                        spawn_local(async move {
                            if let Ok(list) = ipc::call::<UnstagePolicy>(&args).await {
                                on_change.emit(list);
                            }
                        });
                    });
                    html! {
                        <li key={s.name.clone()} class="staged-row" data-policy-name={s.name.clone()}>
                            <span>{ s.name.clone() }</span>
                            <span class="muted">{ match (&s.base_text, s.base_version) {
                                (None, _) => "new policy".to_string(),
                                (Some(_), Some(v)) => format!("from version {v}"),
                                (Some(_), None) => "edited".to_string(),
                            } }</span>
                            <button type="button" class="staged-unstage" aria-label={format!("Unstage {}", s.name)} onclick={unstage}>{ "Unstage" }</button>
                        </li>
                    }
                }) }
            </ul>
            <div class="sim-inputs">
                <label for="staged-paths">{ "Also check paths" }</label>
                <input id="staged-paths" type="text" placeholder="secret/data/app/db, sys/mounts" value={(*extra).clone()} oninput={on_extra} />
                <button type="button" id="staged-preview" disabled={props.staged.is_empty()} onclick={on_preview}>{ "Review & preview impact" }</button>
                <button type="button" id="staged-apply" class="primary" disabled={props.staged.is_empty()} onclick={on_apply}>{ "Apply all" }</button>
                <button type="button" id="staged-discard" disabled={props.staged.is_empty()} onclick={on_discard}>{ "Discard all" }</button>
            </div>
            <div id="staged-result" role="status">
                { match &*applied {
                    None => html! {},
                    Some(Err(e)) => html! { <p class="error-text">{ e.message.clone() }</p> },
                    Some(Ok(r)) => html! {
                        <p class={if r.failed.is_some() { "error-text" } else { "ok-text" }}>
                            { format!("Applied: {}.", if r.applied.is_empty() { "none".to_string() } else { r.applied.join(", ") }) }
                            { match (&r.failed, &r.error) {
                                (Some(n), Some(e)) => format!(" Stopped at {n}: {} The rest stays staged.", e.message),
                                _ => String::new(),
                            } }
                        </p>
                    },
                } }
            </div>
            { match &*preview {
                None => html! {},
                Some(Err(e)) => html! { <p class="error-text">{ e.message.clone() }</p> },
                Some(Ok(p)) => html! { <ImpactView preview={p.clone()} /> },
            } }
        </div>
    }
}

/// Properties of [`ImpactView`].
#[derive(Properties, PartialEq)]
pub struct ImpactViewProps {
    /// The preview.
    pub preview: StagedPreview,
}

/// One diff per staged policy and the impact table.
#[component]
pub fn ImpactView(props: &ImpactViewProps) -> Html {
    let p = &props.preview;
    html! {
        <div id="staged-review">
            { for p.staged.iter().map(|s| {
                let diff = line_diff(s.base_text.as_deref().unwrap_or(""), &s.text);
                html! {
                    <div key={s.name.clone()} class="staged-diff" data-policy-name={s.name.clone()}>
                        <h3>{ s.name.clone() }</h3>
                        <pre class="diff">
                            { for diff.iter().map(|l| html! {
                                <span class={classes!("diff-line", format!("diff-{}", l.kind()))}>{ format!("{} {}\n", l.sign(), l.text()) }</span>
                            }) }
                        </pre>
                    </div>
                }
            }) }
            <h3>{ "Impact" }</h3>
            if p.impact.is_empty() {
                <p class="muted" id="impact-none">{ format!("No capability changes on the {} probed paths.", p.probed.len()) }</p>
            } else {
                <table id="impact-table" class="data-table">
                    <thead><tr><th scope="col">{ "Path" }</th><th scope="col">{ "Policy" }</th><th scope="col">{ "Gains" }</th><th scope="col">{ "Loses" }</th><th scope="col">{ "Before → after" }</th></tr></thead>
                    <tbody>
                        { for p.impact.iter().map(|r| html! {
                            <tr class="impact-row" data-path={r.path.clone()} data-policy={r.policy.clone()}>
                                <td><code>{ r.path.clone() }</code></td>
                                <td>{ r.policy.clone() }</td>
                                <td class="ok-text impact-gained">{ r.gained.join(", ") }</td>
                                <td class="danger-text impact-lost">{ r.lost.join(", ") }</td>
                                <td class="muted">{ format!("[{}] → [{}]", r.before.join(", "), r.after.join(", ")) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}

/// Heat class of a cell: `heat-deny`, `heat-root`, or `heat-N` by capability count (max 4).
fn heat(caps: &[String]) -> String {
    match caps {
        [one] if one == "deny" => "heat-deny".into(),
        [one] if one == "root" => "heat-root".into(),
        _ => format!("heat-{}", caps.len().min(4)),
    }
}

/// Properties of the analysis panels.
#[derive(Properties, PartialEq)]
pub struct AnalysisProps {
    /// The connection.
    pub profile_id: AttrValue,
}

/// `#matrix-paths`, `#matrix-run`, the heatmap `#policy-matrix` (`td.matrix-cell[data-path]
/// [data-policy]`), CSV export `#matrix-file` / `#matrix-export` / `#matrix-export-result`.
#[component]
pub fn MatrixPanel(props: &AnalysisProps) -> Html {
    let paths = use_state(String::new);
    let file = use_state(String::new);
    let matrix = use_state(|| None::<Result<PolicyMatrix, IpcError>>);
    let exported = use_state(|| None::<Result<ExportedFile, IpcError>>);
    let args = PolicyMatrixArgs {
        profile_id: props.profile_id.to_string(),
        names: Vec::new(),
        paths: parse_paths(&paths),
    };
    let on_paths = {
        let paths = paths.clone();
        Callback::from(move |e: InputEvent| paths.set(input_text(&e)))
    };
    let on_file = {
        let file = file.clone();
        Callback::from(move |e: InputEvent| file.set(input_text(&e)))
    };
    let run = {
        let (matrix, args) = (matrix.clone(), args.clone());
        Callback::from(move |_: MouseEvent| {
            let (matrix, args) = (matrix.clone(), args.clone());
            spawn_local(async move { matrix.set(Some(ipc::call::<PolicyMatrixCmd>(&args).await)) });
        })
    };
    let export = {
        let (exported, file) = (exported.clone(), file.clone());
        Callback::from(move |_: MouseEvent| {
            let a = ExportMatrixArgs {
                matrix: args.clone(),
                file: Some(file.trim().to_string()).filter(|f| !f.is_empty()),
            };
            let exported = exported.clone();
            spawn_local(
                async move { exported.set(Some(ipc::call::<ExportPolicyMatrix>(&a).await)) },
            );
        })
    };
    html! {
        <div class="panel matrix" role="region" aria-label="Capability matrix">
            <h2>{ "Matrix" }</h2>
            <div class="sim-inputs">
                <label for="matrix-paths">{ "Paths" }</label>
                <input id="matrix-paths" type="text" placeholder="secret/data/app/db, sys/mounts" value={(*paths).clone()} oninput={on_paths} />
                <button type="button" id="matrix-run" onclick={run}>{ "Build matrix" }</button>
            </div>
            { match &*matrix {
                None => html! {},
                Some(Err(e)) => html! { <p class="error-text" role="alert">{ e.message.clone() }</p> },
                Some(Ok(m)) => html! {
                    <div class="table-wrap">
                        <table id="policy-matrix" class="data-table heatmap">
                            <thead><tr>
                                <th scope="col">{ "Path" }</th>
                                { for m.policies.iter().map(|p| html! { <th scope="col">{ p.clone() }</th> }) }
                            </tr></thead>
                            <tbody>
                                { for m.paths.iter().zip(&m.cells).map(|(path, row)| html! {
                                    <tr>
                                        <th scope="row"><code>{ path.clone() }</code></th>
                                        { for row.iter().zip(&m.policies).map(|(caps, policy)| html! {
                                            <td class={classes!("matrix-cell", heat(caps))} data-path={path.clone()} data-policy={policy.clone()}>
                                                { caps.join(", ") }</td>
                                        }) }
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                },
            } }
            <div class="sim-inputs">
                <label for="matrix-file">{ "CSV file" }</label>
                <input id="matrix-file" type="text" placeholder="empty: the app's data folder" value={(*file).clone()} oninput={on_file} />
                <button type="button" id="matrix-export" onclick={export}>{ "Export CSV" }</button>
            </div>
            <p id="matrix-export-result" role="status">
                { match &*exported {
                    None => String::new(),
                    Some(Ok(f)) => format!("Wrote {} ({} bytes).", f.path, f.bytes),
                    Some(Err(e)) => format!("Could not export: {}", e.message),
                } }
            </p>
        </div>
    }
}

/// `#whocan-path`, `#whocan-run`, `#whocan-result` (`li.whocan-grant[data-policy]`,
/// `li.whocan-holder[data-kind][data-name]`).
#[component]
pub fn WhoCanPanel(props: &AnalysisProps) -> Html {
    let path = use_state(String::new);
    let subtree = use_state(|| false);
    let result = use_state(|| None::<Result<WhoCanAccess, IpcError>>);
    let on_path = {
        let path = path.clone();
        Callback::from(move |e: InputEvent| path.set(input_text(&e)))
    };
    let on_subtree = {
        let subtree = subtree.clone();
        Callback::from(move |e: Event| subtree.set(checkbox_checked(&e)))
    };
    let run = {
        let (path, subtree, result) = (path.clone(), subtree.clone(), result.clone());
        let profile_id = props.profile_id.to_string();
        Callback::from(move |_: MouseEvent| {
            let args = WhoCanArgs {
                profile_id: profile_id.clone(),
                path: path.trim().to_string(),
                subtree: *subtree,
            };
            let result = result.clone();
            spawn_local(
                async move { result.set(Some(ipc::call::<WhoCanAccessPath>(&args).await)) },
            );
        })
    };
    html! {
        <div class="panel whocan" role="region" aria-label="Who can access">
            <h2>{ "Who can access" }</h2>
            <div class="sim-inputs">
                <label for="whocan-path">{ "Path" }</label>
                <input id="whocan-path" type="text" placeholder="secret/data/app/db" value={(*path).clone()} oninput={on_path} />
                <span class="check">
                    <input id="whocan-subtree" type="checkbox" checked={*subtree} onchange={on_subtree} />
                    <label for="whocan-subtree">{ "Whole KV folder (walks it, e.g. secret/apps/)" }</label>
                </span>
                <button type="button" id="whocan-run" onclick={run}>{ "Who can?" }</button>
            </div>
            <div id="whocan-result" role="status">
                { match &*result {
                    None => html! {},
                    Some(Err(e)) => html! { <p class="error-text">{ e.message.clone() }</p> },
                    Some(Ok(w)) => html! {
                        <>
                            <h3>{ "Policies" }</h3>
                            <ul class="whocan-grants">
                                { for w.grants.iter().map(|g| html! {
                                    <li class="whocan-grant" data-policy={g.policy.clone()}>
                                        <strong>{ g.policy.clone() }</strong>{ ": " }
                                        <span class={classes!((g.capabilities == ["deny"]).then_some("danger-text"))}>{ g.capabilities.join(", ") }</span>
                                        { for g.rules.iter().map(|r| html! { <span class="muted">{ format!(" · line {} \"{}\"", r.line, r.pattern) }</span> }) }
                                    </li>
                                }) }
                            </ul>
                            <h3>{ "Carried by" }</h3>
                            if w.holders.is_empty() {
                                <p class="muted">{ "No listable user, role or group carries these policies (every token carries default unless opted out)." }</p>
                            }
                            <ul class="whocan-holders">
                                { for w.holders.iter().map(|h| html! {
                                    <li class="whocan-holder" data-kind={h.kind.clone()} data-name={h.name.clone()}>
                                        { format!("{} {} at {} — {}", h.kind.replace('_', " "), h.name, h.mount, h.policies.join(", ")) }
                                    </li>
                                }) }
                            </ul>
                            if !w.unlisted.is_empty() {
                                <p class="muted">{ format!("Not listable: {}", w.unlisted.join("; ")) }</p>
                            }
                            if let Some(t) = &w.subtree {
                                <h3>{ format!("Per secret ({} found{})", t.secrets, if t.truncated { ", first 500 shown" } else { "" }) }</h3>
                                <table id="whocan-subtree-table" class="data-table">
                                    <thead><tr><th>{ "Path" }</th><th>{ "Policies" }</th></tr></thead>
                                    <tbody>
                                        { for t.rows.iter().map(|r| html! {
                                            <tr class="whocan-row" data-path={r.path.clone()}>
                                                <td><code>{ r.path.clone() }</code></td>
                                                <td>{ r.grants.iter().map(|g| format!("{}: {}", g.policy, g.capabilities.join(", "))).collect::<Vec<_>>().join(" · ") }</td>
                                            </tr>
                                        }) }
                                    </tbody>
                                </table>
                            }
                        </>
                    },
                } }
            </div>
        </div>
    }
}

/// `#report-reviewer`, `#report-paths`, `#report-policies`, `#report-folder`,
/// `#report-export` and `#report-result`.
#[component]
pub fn ReportPanel(props: &AnalysisProps) -> Html {
    let reviewer = use_state(String::new);
    let paths = use_state(String::new);
    let policies = use_state(String::new);
    let folder = use_state(String::new);
    let result = use_state(|| None::<Result<ReviewReportFiles, IpcError>>);
    let input = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: InputEvent| h.set(input_text(&e)))
    };
    let run = {
        let (reviewer, paths, policies, folder, result) = (
            reviewer.clone(),
            paths.clone(),
            policies.clone(),
            folder.clone(),
            result.clone(),
        );
        let profile_id = props.profile_id.to_string();
        Callback::from(move |_: MouseEvent| {
            let args = ReviewReportArgs {
                profile_id: profile_id.clone(),
                reviewer: reviewer.trim().to_string(),
                policies: parse_paths(&policies),
                sensitive_paths: parse_paths(&paths),
                folder: Some(folder.trim().to_string()).filter(|f| !f.is_empty()),
            };
            let result = result.clone();
            spawn_local(
                async move { result.set(Some(ipc::call::<ExportPolicyReview>(&args).await)) },
            );
        })
    };
    html! {
        <div class="panel report" role="region" aria-label="Review report">
            <h2>{ "Review report" }</h2>
            <div class="form-grid">
                <label for="report-reviewer">{ "Reviewer" }</label>
                <input id="report-reviewer" type="text" value={(*reviewer).clone()} oninput={input(&reviewer)} />
                <label for="report-paths">{ "Sensitive paths" }</label>
                <input id="report-paths" type="text" placeholder="secret/data/prod/db, sys/seal" value={(*paths).clone()} oninput={input(&paths)} />
                <label for="report-policies">{ "Policies (empty: all)" }</label>
                <input id="report-policies" type="text" placeholder="app, ops" value={(*policies).clone()} oninput={input(&policies)} />
                <label for="report-folder">{ "Folder (empty: data folder)" }</label>
                <input id="report-folder" type="text" value={(*folder).clone()} oninput={input(&folder)} />
            </div>
            <div class="panel-actions">
                <button type="button" id="report-export" class="primary" onclick={run}>{ "Write report" }</button>
            </div>
            <div id="report-result" role="status">
                { match &*result {
                    None => html! {},
                    Some(Err(e)) => html! { <p class="error-text">{ e.message.clone() }</p> },
                    Some(Ok(r)) => html! {
                        <p class="ok-text">{ format!("Wrote {} and {} ({} findings); recorded in the audit log.", r.html.path, r.markdown.path, r.findings) }</p>
                    },
                } }
            </div>
        </div>
    }
}

/// Properties of [`DeleteBox`].
#[derive(Properties, PartialEq)]
pub struct DeleteBoxProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// The editor (its policy is the one deleted).
    pub editor: UseReducerHandle<Editor>,
    /// The policy was deleted (reload the list).
    pub on_deleted: Callback<()>,
}

/// Delete the open policy, confirmed by typing its name: `#policy-delete-confirm`,
/// `#policy-delete`.
#[component]
pub fn DeleteBox(props: &DeleteBoxProps) -> Html {
    let typed = use_state(String::new);
    let error = use_state(|| None::<String>);
    let name = props.editor.name.clone();
    let on_typed = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| typed.set(input_text(&e)))
    };
    let on_delete = {
        let (editor, error, on_deleted) = (
            props.editor.clone(),
            error.clone(),
            props.on_deleted.clone(),
        );
        let args = PolicyRef {
            profile_id: props.profile_id.to_string(),
            name: name.clone(),
        };
        Callback::from(move |_: MouseEvent| {
            let (editor, error, on_deleted, args) = (
                editor.clone(),
                error.clone(),
                on_deleted.clone(),
                args.clone(),
            );
            spawn_local(async move {
                match ipc::call::<DeletePolicy>(&args).await {
                    Ok(()) => {
                        editor.dispatch(EditorAction::Closed);
                        on_deleted.emit(());
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };
    html! {
        <details class="panel policy-delete">
            <summary>{ "Delete this policy" }</summary>
            <div class="sim-inputs">
                <label for="policy-delete-confirm">{ format!("Type {name} to confirm") }</label>
                <input id="policy-delete-confirm" type="text" autocomplete="off" value={(*typed).clone()} oninput={on_typed} />
                <button type="button" id="policy-delete" class="danger" disabled={typed.trim() != name} onclick={on_delete}>{ "Delete" }</button>
            </div>
            if let Some(e) = &*error {
                <p class="error-text" role="alert">{ e.clone() }</p>
            }
        </details>
    }
}

//! The Rotations screen: tabs for Database (connections with root rotation confirmed by typing
//! the connection name, static roles with rotate-now), Transit (keys with versions, rotate,
//! minimum versions and which versions are still allowed), KV (rotate values of chosen keys
//! with length and character classes; check-and-set, the previous version stays) and Plan
//! (targets checked on any tab, a dry run, a run with a progress bar, per-target results,
//! stop-on-first-failure or continue, cancel, and the report export). A Cloud tab lists the
//! open AWS Secrets Manager and Azure Key Vault connections' secrets and keys; checked ones
//! join the same plan, and the plan shows which connection each step runs on. With only an
//! AWS or Azure connection active, the screen shows the Cloud and Plan tabs. Health badges
//! flag targets last rotated longer ago than the chosen maximum age.

use std::rc::Rc;

use vaultdeck_types::{
    CancelJob, CancelJobArgs, Capability, CloudProvider, CloudTarget, CloudTargets,
    CloudTargetsArgs, ConnectionSummary, DbTargetsArgs, ExportRotationReport,
    ExportRotationReportArgs, GetKvRotationTarget, IpcError, KvTarget, KvTargetArgs,
    ListCloudRotationTargets, ListDbRotationTargets, ListTransitKeys, PlanPreview, PreviewPlanArgs,
    PreviewRotationPlan, RotateDbRoot, RotateDbRootArgs, RotateKvValue, RotateKvValueArgs,
    RotateStaticRole, RotateStaticRoleArgs, RotateTransitKey, RotateTransitKeyArgs, RotationHealth,
    RotationReportFiles, RotationRunReport, RotationStep, RunPlanArgs, RunRotationPlan,
    SetTransitMinVersions, StepResult, TransitMinVersionsArgs, TransitTargetsArgs,
};
use vaultdeck_ui::format::format_ttl;
use vaultdeck_ui::rotations_model::{
    aws_spec, cloud_connections, confirmed, counts, health_badge, parse_keys, parse_max_age,
    parse_min_version, percent, step_connection, value_spec, PlanDraft,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::notice::{NotConnected, ScreenUnavailable};
use crate::components::{checkbox_checked, input_text, select_value};
use crate::contexts::connections::use_connections;
use crate::contexts::toasts::use_toaster;
use crate::ipc;

/// The Rotations screen.
#[component]
pub fn RotationsPage() -> Html {
    let conns = use_connections();
    let Some(active) = conns.active_summary() else {
        return html! { <NotConnected screen="Rotations" /> };
    };
    // Vault targets come from the active connection when it is Vault / OpenBao; cloud targets
    // from every open AWS and Azure connection.
    let vault = active
        .capabilities
        .contains(&Capability::Rotations)
        .then(|| active.clone());
    if vault.is_none() && cloud_connections(&conns.open).is_empty() {
        return html! {
            <ScreenUnavailable screen="Rotations"
                purpose="Rotations work on Vault and OpenBao connections (database credentials, transit keys, KV values) and on AWS Secrets Manager and Azure Key Vault connections (secrets and keys)." />
        };
    }
    html! {
        <section class="page rotations-page">
            <h1>{ "Rotations" }</h1>
            <p class="muted">{ format!("{} · {}", active.name, active.address) }</p>
            <RotationScreen key={active.profile_id.clone()} profile_id={active.profile_id.clone()}
                vault={vault} open={conns.open.clone()} />
        </section>
    }
}

/// Properties of [`RotationScreen`] and its panels.
#[derive(Properties, PartialEq, Clone)]
pub struct ScreenProps {
    /// The active connection (the report's export is audited under it).
    pub profile_id: AttrValue,
    /// The active connection when it is Vault / OpenBao: Vault steps run on it.
    pub vault: Option<ConnectionSummary>,
    /// Every open connection (AWS / Azure ones feed the Cloud tab).
    pub open: Vec<ConnectionSummary>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Database,
    Transit,
    Kv,
    Cloud,
    Plan,
}

impl Tab {
    /// The tabs shown: Vault ones with a Vault connection, Cloud with an AWS / Azure one.
    fn shown(vault: bool, cloud: bool) -> Vec<Tab> {
        let mut v = Vec::new();
        if vault {
            v.extend([Tab::Database, Tab::Transit, Tab::Kv]);
        }
        if cloud {
            v.push(Tab::Cloud);
        }
        v.push(Tab::Plan);
        v
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Database => "rot-tab-database",
            Tab::Transit => "rot-tab-transit",
            Tab::Kv => "rot-tab-kv",
            Tab::Cloud => "rot-tab-cloud",
            Tab::Plan => "rot-tab-plan",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Database => "Database",
            Tab::Transit => "Transit",
            Tab::Kv => "KV",
            Tab::Cloud => "Cloud (AWS / Azure)",
            Tab::Plan => "Plan",
        }
    }
}

/// The plan being assembled (a wrapper so the page can reduce it).
#[derive(Default, Clone, PartialEq)]
struct Draft(PlanDraft);

enum DraftAction {
    Toggle(RotationStep),
    Add(RotationStep),
    Remove(String),
    Shift(usize, bool),
    Clear,
}

impl Reducible for Draft {
    type Action = DraftAction;

    fn reduce(self: Rc<Self>, action: DraftAction) -> Rc<Self> {
        let mut d = Rc::unwrap_or_clone(self);
        match action {
            DraftAction::Toggle(s) => d.0.toggle(s),
            DraftAction::Add(s) => d.0.add(s),
            DraftAction::Remove(id) => d.0.remove(&id),
            DraftAction::Shift(i, up) => d.0.shift(i, up),
            DraftAction::Clear => d.0.clear(),
        }
        Rc::new(d)
    }
}

type DraftHandle = UseReducerHandle<Draft>;

/// Tabs, the maximum-age setting and the shared plan.
#[component]
pub fn RotationScreen(props: &ScreenProps) -> Html {
    let cloud = cloud_connections(&props.open);
    let tabs = Tab::shown(props.vault.is_some(), !cloud.is_empty());
    let first = tabs[0];
    let tab = use_state(|| first);
    // A tab that is no longer shown (its last connection closed) falls back to the first.
    let current = if tabs.contains(&*tab) { *tab } else { first };
    let draft = use_reducer(Draft::default);
    let max_age_text = use_state(|| "90".to_owned());
    let max_age = parse_max_age(&max_age_text);
    let days = *max_age.as_ref().unwrap_or(&90);

    let select = |t: Tab| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| tab.set(t))
    };
    // Arrow keys move between tabs (the tab list is keyboard usable).
    let on_tab_key = {
        let (tab, tabs) = (tab.clone(), tabs.clone());
        Callback::from(move |e: KeyboardEvent| {
            let i = tabs.iter().position(|t| *t == current).unwrap_or(0);
            let next = match e.key().as_str() {
                "ArrowRight" => (i + 1) % tabs.len(),
                "ArrowLeft" => (i + tabs.len() - 1) % tabs.len(),
                _ => return,
            };
            e.prevent_default();
            tab.set(tabs[next]);
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(tabs[next].id()))
                .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
            {
                let _ = el.focus();
            }
        })
    };
    let pid: AttrValue = props
        .vault
        .as_ref()
        .map(|v| AttrValue::from(v.profile_id.clone()))
        .unwrap_or_default();
    html! {
        <div class="rot-layout">
            <div class="rot-toolbar">
                <div class="rot-tabs" role="tablist" aria-label="Rotation targets" onkeydown={on_tab_key}>
                    { for tabs.iter().map(|t| {
                        let label = if *t == Tab::Plan { format!("Plan ({})", draft.0.len()) } else { t.label().to_owned() };
                        html! {
                            <button type="button" role="tab" id={t.id()} aria-selected={(current == *t).to_string()}
                                tabindex={if current == *t { "0" } else { "-1" }}
                                class={classes!("rot-tab", (current == *t).then_some("active"))} onclick={select(*t)}>{ label }</button>
                        }
                    }) }
                </div>
                <label for="rot-max-age">{ "Flag targets older than (days)" }</label>
                <input id="rot-max-age" type="number" min="1" max="3650" class="rot-narrow" value={(*max_age_text).clone()}
                    oninput={{ let s = max_age_text.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                if let Err(e) = &max_age {
                    <span class="rot-inline-error" role="alert">{ e.clone() }</span>
                }
            </div>
            <div role="tabpanel" aria-labelledby={current.id()} class="rot-panel">
                { match current {
                    Tab::Database => html! { <DbPanel profile_id={pid.clone()} draft={draft.clone()} max_age={days} /> },
                    Tab::Transit => html! { <TransitPanel profile_id={pid.clone()} draft={draft.clone()} max_age={days} /> },
                    Tab::Kv => html! { <KvPanel profile_id={pid.clone()} draft={draft.clone()} max_age={days} /> },
                    Tab::Cloud => html! { <CloudPanel connections={cloud.clone()} draft={draft.clone()} max_age={days} /> },
                    Tab::Plan => html! { <PlanPanel profile_id={props.profile_id.clone()} vault={props.vault.clone()}
                        open={props.open.clone()} draft={draft.clone()} /> },
                } }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    profile_id: AttrValue,
    draft: DraftHandle,
    max_age: u64,
}

#[derive(Properties, PartialEq)]
struct HealthProps {
    health: RotationHealth,
}

/// "older than N days" / "rotated 3 d ago" / "last rotation not exposed".
#[component]
fn HealthBadge(props: &HealthProps) -> Html {
    let (class, text) = health_badge(&props.health);
    let title = props
        .health
        .last_rotated
        .clone()
        .map(|t| format!("last rotated {t}"))
        .unwrap_or_else(|| "the server does not expose the last rotation".into());
    html! { <span class={classes!("rot-health", class)} data-health={class} title={title}>{ text }</span> }
}

#[derive(Properties, PartialEq)]
struct ErrorProps {
    id: AttrValue,
    error: IpcError,
}

#[component]
fn ErrorNotice(props: &ErrorProps) -> Html {
    html! { <div id={props.id.clone()} class="notice error" role="alert">{ props.error.message.clone() }</div> }
}

fn status_line(id: &'static str, status: &Option<(bool, String)>) -> Html {
    match status {
        Some((ok, msg)) => html! {
            <p id={id} role="status" class={classes!("rot-status", if *ok { "ok" } else { "warn" })}>{ msg.clone() }</p>
        },
        None => html! {},
    }
}

// ------------------------------------------------------------------------ mount-scoped targets

/// The targets of a mount the user types: the typed mount, the one applied by `load`, a reload
/// counter (bump it after an action) and the answer, fetched again whenever the applied mount,
/// the maximum age or the counter changes.
struct MountTargets<T> {
    mount: UseStateHandle<String>,
    applied: UseStateHandle<String>,
    reload: UseStateHandle<u32>,
    data: UseStateHandle<Option<Result<T, IpcError>>>,
    /// Applies the typed mount (trimmed, no slashes at the ends) and loads again.
    load: Callback<MouseEvent>,
}

/// [`MountTargets`] of command `C`, whose args `args(mount, max_age_days)` builds.
#[hook]
fn use_mount_targets<C, F>(
    default_mount: &'static str,
    max_age: u64,
    args: F,
) -> MountTargets<C::Output>
where
    C: vaultdeck_types::Command + 'static,
    C::Output: 'static,
    F: Fn(String, u64) -> C::Args + 'static,
{
    let mount = use_state(|| default_mount.to_owned());
    let applied = use_state(|| default_mount.to_owned());
    let reload = use_state(|| 0u32);
    let data = use_state(|| None::<Result<C::Output, IpcError>>);
    {
        let data = data.clone();
        use_effect_with(
            ((*applied).clone(), max_age, *reload),
            move |(m, days, _)| {
                let args = args(m.clone(), *days);
                spawn_local(async move {
                    data.set(Some(ipc::call::<C>(&args).await));
                });
            },
        );
    }
    let load = {
        let (mount, applied, reload) = (mount.clone(), applied.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            applied.set(mount.trim().trim_matches('/').to_owned());
            reload.set(*reload + 1);
        })
    };
    MountTargets {
        mount,
        applied,
        reload,
        data,
        load,
    }
}

// ------------------------------------------------------------------------ database

#[component]
fn DbPanel(props: &PanelProps) -> Html {
    let pid = props.profile_id.to_string();
    let MountTargets {
        mount,
        applied,
        reload,
        data,
        load,
    } = {
        let pid = pid.clone();
        use_mount_targets::<ListDbRotationTargets, _>(
            "database",
            props.max_age,
            move |mount, days| DbTargetsArgs {
                profile_id: pid.clone(),
                mount,
                max_age_days: days,
            },
        )
    };
    let confirming = use_state(|| None::<String>);
    let typed = use_state(String::new);
    let status = use_state(|| None::<(bool, String)>);
    let toaster = use_toaster();
    let rotate_root = {
        let (applied, typed, confirming, status, toaster, pid, reload) = (
            applied.clone(),
            typed.clone(),
            confirming.clone(),
            status.clone(),
            toaster.clone(),
            pid.clone(),
            reload.clone(),
        );
        Callback::from(move |connection: String| {
            let args = RotateDbRootArgs {
                profile_id: pid.clone(),
                mount: (*applied).clone(),
                connection: connection.clone(),
                confirm_connection: (*typed).clone(),
            };
            let (confirming, typed, status, toaster, reload) = (
                confirming.clone(),
                typed.clone(),
                status.clone(),
                toaster.clone(),
                reload.clone(),
            );
            spawn_local(async move {
                match ipc::call::<RotateDbRoot>(&args).await {
                    Ok(()) => {
                        let msg = format!(
                            "Rotated the root credential of {connection}: only Vault knows it now"
                        );
                        toaster.success(msg.clone());
                        status.set(Some((true, msg)));
                        confirming.set(None);
                        typed.set(String::new());
                        reload.set(*reload + 1);
                    }
                    Err(e) => status.set(Some((false, e.message))),
                }
            });
        })
    };
    let rotate_role = {
        let (applied, status, toaster, pid, reload) = (
            applied.clone(),
            status.clone(),
            toaster.clone(),
            pid.clone(),
            reload.clone(),
        );
        Callback::from(move |role: String| {
            let args = RotateStaticRoleArgs {
                profile_id: pid.clone(),
                mount: (*applied).clone(),
                role: role.clone(),
            };
            let (status, toaster, reload) = (status.clone(), toaster.clone(), reload.clone());
            spawn_local(async move {
                match ipc::call::<RotateStaticRole>(&args).await {
                    Ok(()) => {
                        let msg = format!("Rotated the password of static role {role}");
                        toaster.success(msg.clone());
                        status.set(Some((true, msg)));
                        reload.set(*reload + 1);
                    }
                    Err(e) => status.set(Some((false, e.message))),
                }
            });
        })
    };

    let body = match &*data {
        None => html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) => html! { <ErrorNotice id="rot-db-error" error={e.clone()} /> },
        Some(Ok(t)) => {
            let m = t.mount.clone();
            html! {
                <>
                <h2>{ "Connections" }</h2>
                if t.connections.is_empty() {
                    <p class="muted" id="rot-db-no-connections">{ format!("No connections under {m}/config.") }</p>
                } else {
                    <table class="lease-table" id="rot-db-connections">
                        <thead><tr><th>{ "Plan" }</th><th>{ "Connection" }</th><th>{ "Plugin" }</th><th>{ "Allowed roles" }</th><th>{ "Last rotated" }</th><th>{ "Actions" }</th></tr></thead>
                        <tbody>
                        { for t.connections.iter().map(|c| {
                            let step = RotationStep::DbRoot { mount: m.clone(), connection: c.name.clone() };
                            let checked = props.draft.0.contains(&step);
                            let is_confirming = confirming.as_deref() == Some(c.name.as_str());
                            let name = c.name.clone();
                            html! {
                                <tr class="rot-db-row" data-connection={c.name.clone()} key={c.name.clone()}>
                                    <td><input type="checkbox" class="rot-select" checked={checked}
                                        aria-label={format!("Add root rotation of connection {} to the plan", c.name)}
                                        onchange={{ let d = props.draft.clone(); Callback::from(move |_: Event| d.dispatch(DraftAction::Toggle(step.clone()))) }} /></td>
                                    <td class="mono">{ c.name.clone() }</td>
                                    <td>{ c.plugin_name.clone() }</td>
                                    <td>{ c.allowed_roles.join(", ") }</td>
                                    <td><HealthBadge health={RotationHealth { max_age_days: props.max_age, ..RotationHealth::default() }} /></td>
                                    <td class="actions">
                                        if is_confirming {
                                            <label for="rot-db-root-confirm">{ format!("Type {} to confirm", c.name) }</label>
                                            <input id="rot-db-root-confirm" type="text" autocomplete="off" value={(*typed).clone()}
                                                aria-label={format!("Type the connection name {} to confirm", c.name)}
                                                oninput={{ let s = typed.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                                            <button type="button" id="rot-db-root-go" class="danger" disabled={!confirmed(&typed, &c.name)}
                                                onclick={{ let (r, n) = (rotate_root.clone(), name.clone()); Callback::from(move |_| r.emit(n.clone())) }}>{ "Rotate root" }</button>
                                            <button type="button" class="ghost" onclick={{ let c = confirming.clone(); Callback::from(move |_| c.set(None)) }}>{ "Keep" }</button>
                                        } else {
                                            <button type="button" class="danger-ghost rot-db-root" aria-label={format!("Rotate the root credential of {}", c.name)}
                                                onclick={{ let (c, t, n) = (confirming.clone(), typed.clone(), name.clone()); Callback::from(move |_| { t.set(String::new()); c.set(Some(n.clone())) }) }}>{ "Rotate root…" }</button>
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                    if confirming.is_some() {
                        <p class="notice warning" id="rot-db-root-warning">{ "After a root rotation only Vault knows the database password. Make sure nothing else logs in with it." }</p>
                    }
                }
                <h2>{ "Static roles" }</h2>
                if t.static_roles.is_empty() {
                    <p class="muted" id="rot-db-no-roles">{ format!("No static roles under {m}/static-roles.") }</p>
                } else {
                    <table class="lease-table" id="rot-db-roles">
                        <thead><tr><th>{ "Plan" }</th><th>{ "Role" }</th><th>{ "Database user" }</th><th>{ "Connection" }</th><th>{ "Period" }</th><th>{ "Last rotated" }</th><th>{ "Actions" }</th></tr></thead>
                        <tbody>
                        { for t.static_roles.iter().map(|r| {
                            let step = RotationStep::StaticRole { mount: m.clone(), role: r.role.name.clone() };
                            let checked = props.draft.0.contains(&step);
                            let name = r.role.name.clone();
                            html! {
                                <tr class="rot-role-row" data-role={r.role.name.clone()} key={r.role.name.clone()}>
                                    <td><input type="checkbox" class="rot-select" checked={checked}
                                        aria-label={format!("Add static role {} to the plan", r.role.name)}
                                        onchange={{ let d = props.draft.clone(); Callback::from(move |_: Event| d.dispatch(DraftAction::Toggle(step.clone()))) }} /></td>
                                    <td class="mono">{ r.role.name.clone() }</td>
                                    <td class="mono">{ r.role.username.clone() }</td>
                                    <td>{ r.role.db_name.clone() }</td>
                                    <td>{ if r.role.rotation_period == 0 { "schedule / none".to_owned() } else { format_ttl(r.role.rotation_period) } }</td>
                                    <td><HealthBadge health={r.health.clone()} /></td>
                                    <td class="actions">
                                        <button type="button" class="rot-role-rotate" aria-label={format!("Rotate static role {} now", r.role.name)}
                                            onclick={{ let (f, n) = (rotate_role.clone(), name.clone()); Callback::from(move |_| f.emit(n.clone())) }}>{ "Rotate now" }</button>
                                    </td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                }
                </>
            }
        }
    };

    html! {
        <section class="rot-section" aria-label="Database rotations">
            <div class="rot-bar">
                <label for="rot-db-mount">{ "Database mount" }</label>
                <input id="rot-db-mount" type="text" value={(*mount).clone()}
                    oninput={{ let s = mount.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                <button type="button" id="rot-db-load" onclick={load}>{ "Load" }</button>
            </div>
            { status_line("rot-db-status", &status) }
            { body }
        </section>
    }
}

// ------------------------------------------------------------------------ transit

#[component]
fn TransitPanel(props: &PanelProps) -> Html {
    let pid = props.profile_id.to_string();
    let MountTargets {
        mount,
        applied,
        reload,
        data,
        load,
    } = {
        let pid = pid.clone();
        use_mount_targets::<ListTransitKeys, _>("transit", props.max_age, move |mount, days| {
            TransitTargetsArgs {
                profile_id: pid.clone(),
                mount,
                max_age_days: days,
            }
        })
    };
    let editing = use_state(|| None::<String>);
    let min_dec = use_state(String::new);
    let min_enc = use_state(String::new);
    let days = props.max_age;
    let status = use_state(|| None::<(bool, String)>);
    let toaster = use_toaster();
    let rotate = {
        let (applied, status, toaster, pid, reload) = (
            applied.clone(),
            status.clone(),
            toaster.clone(),
            pid.clone(),
            reload.clone(),
        );
        Callback::from(move |key: String| {
            let args = RotateTransitKeyArgs {
                profile_id: pid.clone(),
                mount: (*applied).clone(),
                key: key.clone(),
                max_age_days: days,
            };
            let (status, toaster, reload) = (status.clone(), toaster.clone(), reload.clone());
            spawn_local(async move {
                match ipc::call::<RotateTransitKey>(&args).await {
                    Ok(k) => {
                        let msg = format!(
                            "Rotated transit key {key}: now at version {}",
                            k.key.latest_version
                        );
                        toaster.success(msg.clone());
                        status.set(Some((true, msg)));
                        reload.set(*reload + 1);
                    }
                    Err(e) => status.set(Some((false, e.message))),
                }
            });
        })
    };
    let save_min = {
        let (applied, min_dec, min_enc, editing, status, toaster, pid, reload) = (
            applied.clone(),
            min_dec.clone(),
            min_enc.clone(),
            editing.clone(),
            status.clone(),
            toaster.clone(),
            pid.clone(),
            reload.clone(),
        );
        Callback::from(move |(key, latest): (String, u64)| {
            let dec = parse_min_version(&min_dec, latest, "minimum decryption version");
            let enc = parse_min_version(&min_enc, latest, "minimum encryption version");
            let (dec, enc) = match (dec, enc) {
                (Ok(d), Ok(e)) => (d, e),
                (Err(e), _) | (_, Err(e)) => {
                    status.set(Some((false, e)));
                    return;
                }
            };
            if dec.is_none() && enc.is_none() {
                status.set(Some((
                    false,
                    "enter a minimum decryption or encryption version".into(),
                )));
                return;
            }
            let args = TransitMinVersionsArgs {
                profile_id: pid.clone(),
                mount: (*applied).clone(),
                key: key.clone(),
                min_decryption_version: dec,
                min_encryption_version: enc,
                max_age_days: days,
            };
            let (editing, status, toaster, reload) = (
                editing.clone(),
                status.clone(),
                toaster.clone(),
                reload.clone(),
            );
            spawn_local(async move {
                match ipc::call::<SetTransitMinVersions>(&args).await {
                    Ok(k) => {
                        let msg = format!(
                            "Key {key}: decrypts with versions {:?}, encrypts with {:?}",
                            k.decrypt_versions, k.encrypt_versions
                        );
                        toaster.success(msg.clone());
                        status.set(Some((true, msg)));
                        editing.set(None);
                        reload.set(*reload + 1);
                    }
                    Err(e) => status.set(Some((false, e.message))),
                }
            });
        })
    };

    let versions = |v: &[u64]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
        }
    };
    let body = match &*data {
        None => html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) => html! { <ErrorNotice id="rot-transit-error" error={e.clone()} /> },
        Some(Ok(t)) if t.keys.is_empty() => html! {
            <p class="muted" id="rot-transit-empty">{ format!("No keys under {}/keys.", t.mount) }</p>
        },
        Some(Ok(t)) => {
            let m = t.mount.clone();
            html! {
                <table class="lease-table" id="rot-transit-keys">
                    <thead><tr><th>{ "Plan" }</th><th>{ "Key" }</th><th>{ "Type" }</th><th>{ "Latest" }</th><th>{ "Kept" }</th>
                        <th>{ "May decrypt" }</th><th>{ "May encrypt" }</th><th>{ "Last rotated" }</th><th>{ "Actions" }</th></tr></thead>
                    <tbody>
                    { for t.keys.iter().map(|k| {
                        let step = RotationStep::TransitKey { mount: m.clone(), key: k.key.name.clone() };
                        let checked = props.draft.0.contains(&step);
                        let name = k.key.name.clone();
                        let latest = k.key.latest_version;
                        let is_editing = editing.as_deref() == Some(k.key.name.as_str());
                        html! {
                            <>
                            <tr class="rot-transit-row" data-key={k.key.name.clone()} key={k.key.name.clone()}>
                                <td><input type="checkbox" class="rot-select" checked={checked}
                                    aria-label={format!("Add transit key {} to the plan", k.key.name)}
                                    onchange={{ let d = props.draft.clone(); Callback::from(move |_: Event| d.dispatch(DraftAction::Toggle(step.clone()))) }} /></td>
                                <td class="mono">{ k.key.name.clone() }</td>
                                <td>{ k.key.key_type.clone() }</td>
                                <td class="rot-latest">{ k.key.latest_version.to_string() }</td>
                                <td>{ versions(&k.key.versions) }</td>
                                <td class="rot-decrypt">{ versions(&k.decrypt_versions) }</td>
                                <td class="rot-encrypt">{ versions(&k.encrypt_versions) }</td>
                                <td><HealthBadge health={k.health.clone()} /></td>
                                <td class="actions">
                                    <button type="button" class="rot-transit-rotate" aria-label={format!("Rotate transit key {}", k.key.name)}
                                        onclick={{ let (f, n) = (rotate.clone(), name.clone()); Callback::from(move |_| f.emit(n.clone())) }}>{ "Rotate" }</button>
                                    <button type="button" class="rot-transit-min" aria-label={format!("Set minimum versions of {}", k.key.name)}
                                        aria-expanded={is_editing.to_string()}
                                        onclick={{
                                            let (ed, d, e, n) = (editing.clone(), min_dec.clone(), min_enc.clone(), name.clone());
                                            let (cur_d, cur_e) = (k.key.min_decryption_version, k.key.min_encryption_version);
                                            Callback::from(move |_| {
                                                if ed.as_deref() == Some(n.as_str()) { ed.set(None); return; }
                                                d.set(cur_d.to_string());
                                                e.set(cur_e.to_string());
                                                ed.set(Some(n.clone()));
                                            })
                                        }}>{ "Minimum versions…" }</button>
                                </td>
                            </tr>
                            if is_editing {
                                <tr class="rot-min-editor" key={format!("{}-min", k.key.name)}>
                                    <td colspan="9">
                                        <div class="rot-bar">
                                            <label for="rot-min-dec">{ "Minimum decryption version" }</label>
                                            <input id="rot-min-dec" type="number" min="1" max={latest.to_string()} class="rot-narrow" value={(*min_dec).clone()}
                                                oninput={{ let s = min_dec.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                                            <label for="rot-min-enc">{ "Minimum encryption version (0: latest only)" }</label>
                                            <input id="rot-min-enc" type="number" min="0" max={latest.to_string()} class="rot-narrow" value={(*min_enc).clone()}
                                                oninput={{ let s = min_enc.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                                            <button type="button" id="rot-min-save" class="primary"
                                                onclick={{ let (f, n) = (save_min.clone(), name.clone()); Callback::from(move |_| f.emit((n.clone(), latest))) }}>{ "Save" }</button>
                                            <span class="muted">{ "Ciphertexts of versions below the minimum decryption version can no longer be decrypted." }</span>
                                        </div>
                                    </td>
                                </tr>
                            }
                            </>
                        }
                    }) }
                    </tbody>
                </table>
            }
        }
    };

    html! {
        <section class="rot-section" aria-label="Transit rotations">
            <div class="rot-bar">
                <label for="rot-transit-mount">{ "Transit mount" }</label>
                <input id="rot-transit-mount" type="text" value={(*mount).clone()}
                    oninput={{ let s = mount.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                <button type="button" id="rot-transit-load" onclick={load}>{ "Load" }</button>
            </div>
            { status_line("rot-transit-status", &status) }
            { body }
        </section>
    }
}

// ------------------------------------------------------------------------ KV

#[component]
fn KvPanel(props: &PanelProps) -> Html {
    let path = use_state(String::new);
    let target = use_state(|| None::<Result<KvTarget, IpcError>>);
    let chosen = use_state(Vec::<String>::new);
    let length = use_state(|| "32".to_owned());
    let lower = use_state(|| true);
    let upper = use_state(|| true);
    let digits = use_state(|| true);
    let symbols = use_state(|| false);
    let status = use_state(|| None::<(bool, String)>);
    let toaster = use_toaster();
    let pid = props.profile_id.to_string();

    let inspect = {
        let (path, target, chosen, status, pid, days) = (
            path.clone(),
            target.clone(),
            chosen.clone(),
            status.clone(),
            pid.clone(),
            props.max_age,
        );
        Callback::from(move |()| {
            let args = KvTargetArgs {
                profile_id: pid.clone(),
                path: path.trim().to_owned(),
                max_age_days: days,
            };
            let (target, chosen, status) = (target.clone(), chosen.clone(), status.clone());
            spawn_local(async move {
                let r = ipc::call::<GetKvRotationTarget>(&args).await;
                chosen.set(Vec::new());
                status.set(None);
                target.set(Some(r));
            });
        })
    };
    let spec = value_spec(&length, *lower, *upper, *digits, *symbols);
    let current = match &*target {
        Some(Ok(t)) => Some(t.clone()),
        _ => None,
    };
    let step = match (&current, &spec) {
        (Some(t), Ok(spec)) if !chosen.is_empty() => Some(RotationStep::KvValue {
            path: t.path.clone(),
            keys: (*chosen).clone(),
            spec: spec.clone(),
        }),
        _ => None,
    };
    let rotate = {
        let (step, status, toaster, pid, target, days) = (
            step.clone(),
            status.clone(),
            toaster.clone(),
            pid.clone(),
            target.clone(),
            props.max_age,
        );
        Callback::from(move |_: MouseEvent| {
            let Some(RotationStep::KvValue { path, keys, spec }) = step.clone() else {
                return;
            };
            let args = RotateKvValueArgs {
                profile_id: pid.clone(),
                path: path.clone(),
                keys,
                spec,
            };
            let (status, toaster, target, pid) =
                (status.clone(), toaster.clone(), target.clone(), pid.clone());
            spawn_local(async move {
                match ipc::call::<RotateKvValue>(&args).await {
                    Ok(r) => {
                        let v = r.version.unwrap_or_default();
                        let msg = format!(
                            "Wrote version {v} of {} with new values for {}; version {} stays for rollback",
                            r.path,
                            r.keys.join(", "),
                            v.saturating_sub(1)
                        );
                        toaster.success(msg.clone());
                        status.set(Some((true, msg)));
                        let again = KvTargetArgs {
                            profile_id: pid,
                            path,
                            max_age_days: days,
                        };
                        if let Ok(t) = ipc::call::<GetKvRotationTarget>(&again).await {
                            target.set(Some(Ok(t)));
                        }
                    }
                    Err(e) => status.set(Some((false, e.message))),
                }
            });
        })
    };
    let add = {
        let (step, draft, status) = (step.clone(), props.draft.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(s) = step.clone() {
                status.set(Some((true, format!("Added to the plan: {}", s.describe()))));
                draft.dispatch(DraftAction::Add(s));
            }
        })
    };
    let class_box = |id: &'static str, label: &'static str, h: &UseStateHandle<bool>| {
        let h2 = h.clone();
        html! {
            <label class="rot-check" for={id}>
                <input type="checkbox" id={id} checked={**h}
                    onchange={Callback::from(move |e: Event| h2.set(checkbox_checked(&e)))} />
                { label }
            </label>
        }
    };

    html! {
        <section class="rot-section" aria-label="KV value rotations">
            <div class="rot-bar">
                <label for="rot-kv-path">{ "Secret path" }</label>
                <input id="rot-kv-path" type="text" class="rot-wide" placeholder="secret/apps/payments/ledger/db" value={(*path).clone()}
                    oninput={{ let s = path.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }}
                    onkeydown={{ let i = inspect.clone(); Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" { i.emit(()) }) }} />
                <button type="button" id="rot-kv-load" disabled={path.trim().is_empty()} onclick={inspect.reform(|_: MouseEvent| ())}>{ "Inspect" }</button>
            </div>
            { match &*target {
                None => html! { <p class="muted">{ "Choose a KV v2 secret: Vaultdeck reads its key names (never the values), then writes new random values for the keys you pick as a new version, with check-and-set." }</p> },
                Some(Err(e)) => html! { <ErrorNotice id="rot-kv-error" error={e.clone()} /> },
                Some(Ok(t)) => html! {
                    <div id="rot-kv-target" data-version={t.current_version.unwrap_or_default().to_string()}>
                        <p>
                            <span class="mono">{ t.path.clone() }</span>
                            <span id="rot-kv-version">{ format!(" · version {}", t.current_version.unwrap_or_default()) }</span>
                            { " · " }<HealthBadge health={t.health.clone()} />
                        </p>
                        <fieldset class="rot-fieldset">
                            <legend>{ "Keys to rotate" }</legend>
                            { for t.keys.iter().map(|k| {
                                let on = chosen.contains(k);
                                let (c, key) = (chosen.clone(), k.clone());
                                let id = format!("rot-kv-key-{k}");
                                html! {
                                    <label class="rot-check" for={id.clone()}>
                                        <input type="checkbox" id={id} class="rot-kv-key" data-key={k.clone()} checked={on}
                                            onchange={Callback::from(move |e: Event| {
                                                let mut v = (*c).clone();
                                                v.retain(|x| *x != key);
                                                if checkbox_checked(&e) { v.push(key.clone()); }
                                                c.set(parse_keys(&v.join(",")));
                                            })} />
                                        <span class="mono">{ k.clone() }</span>
                                    </label>
                                }
                            }) }
                        </fieldset>
                        <fieldset class="rot-fieldset">
                            <legend>{ "New values" }</legend>
                            <label for="rot-kv-length">{ "Length" }</label>
                            <input id="rot-kv-length" type="number" min="8" max="4096" class="rot-narrow" value={(*length).clone()}
                                oninput={{ let s = length.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                            { class_box("rot-kv-lower", "a–z", &lower) }
                            { class_box("rot-kv-upper", "A–Z", &upper) }
                            { class_box("rot-kv-digits", "0–9", &digits) }
                            { class_box("rot-kv-symbols", "symbols -_.~!@#%^*+=", &symbols) }
                            if let Err(e) = &spec {
                                <span class="rot-inline-error" id="rot-kv-spec-error" role="alert">{ e.clone() }</span>
                            }
                        </fieldset>
                        <div class="rot-bar">
                            <button type="button" id="rot-kv-rotate" class="primary" disabled={step.is_none()} onclick={rotate}>{ "Rotate now" }</button>
                            <button type="button" id="rot-kv-add" disabled={step.is_none()} onclick={add}>{ "Add to plan" }</button>
                            if chosen.is_empty() {
                                <span class="muted">{ "Pick at least one key." }</span>
                            }
                        </div>
                    </div>
                },
            } }
            { status_line("rot-kv-result", &status) }
        </section>
    }
}

// ------------------------------------------------------------------------ cloud

#[derive(Properties, PartialEq)]
struct CloudProps {
    /// Open AWS / Azure connections: profile id, name, cloud.
    connections: Vec<(String, String, CloudProvider)>,
    draft: DraftHandle,
    max_age: u64,
}

/// The open AWS and Azure connections' targets, one section each; the length inputs shape
/// the values of the steps checked afterwards.
#[component]
fn CloudPanel(props: &CloudProps) -> Html {
    let aws_length = use_state(|| "32".to_owned());
    let aws_json_key = use_state(String::new);
    let az_length = use_state(|| "32".to_owned());
    let reload = use_state(|| 0u32);
    let aws = aws_spec(&aws_length);
    let az = value_spec(&az_length, true, true, true, false);
    html! {
        <section class="rot-section" aria-label="Cloud rotations">
            <p class="muted">{ "Secrets and keys of the open AWS Secrets Manager and Azure Key Vault connections. Checked targets join the plan and run on their own connection: an AWS secret gets a new password as AWSCURRENT (the old value stays as AWSPREVIOUS), an Azure key a new version, an Azure secret a new random version." }</p>
            <div class="rot-bar">
                <label for="rot-cloud-aws-length">{ "AWS password length" }</label>
                <input id="rot-cloud-aws-length" type="number" min="4" max="4096" class="rot-narrow" value={(*aws_length).clone()}
                    oninput={{ let s = aws_length.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                <label for="rot-cloud-aws-json-key" title="For a JSON secret value: rotate only this key, keep the others">{ "AWS JSON key" }</label>
                <input id="rot-cloud-aws-json-key" type="text" class="rot-narrow" placeholder="whole value" value={(*aws_json_key).clone()}
                    oninput={{ let s = aws_json_key.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                <label for="rot-cloud-az-length">{ "Azure secret length" }</label>
                <input id="rot-cloud-az-length" type="number" min="8" max="4096" class="rot-narrow" value={(*az_length).clone()}
                    oninput={{ let s = az_length.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                <button type="button" id="rot-cloud-refresh" class="ghost"
                    onclick={{ let r = reload.clone(); Callback::from(move |_| r.set(*r + 1)) }}>{ "Refresh" }</button>
                if let Err(e) = &aws { <span class="rot-inline-error" role="alert">{ e.clone() }</span> }
                if let Err(e) = &az { <span class="rot-inline-error" role="alert">{ e.clone() }</span> }
            </div>
            { for props.connections.iter().map(|(id, name, provider)| html! {
                <CloudConnection key={id.clone()} profile_id={id.clone()} name={name.clone()} provider={*provider}
                    draft={props.draft.clone()} max_age={props.max_age} reload={*reload}
                    aws={aws.clone().ok()} az={az.clone().ok()}
                    aws_json_key={Some(aws_json_key.trim().to_owned()).filter(|k| !k.is_empty())} />
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CloudConnProps {
    profile_id: AttrValue,
    name: AttrValue,
    provider: CloudProvider,
    draft: DraftHandle,
    max_age: u64,
    reload: u32,
    /// The AWS password spec for newly checked AWS secrets (`None`: the input is invalid).
    aws: Option<vaultdeck_types::AwsPasswordSpec>,
    /// The value spec for newly checked Azure secrets (`None`: the input is invalid).
    az: Option<vaultdeck_types::ValueSpec>,
    /// For JSON values: the one key newly checked AWS secrets rotate (`None`: the whole value).
    aws_json_key: Option<String>,
}

/// One AWS or Azure connection's targets with plan checkboxes.
#[component]
fn CloudConnection(props: &CloudConnProps) -> Html {
    let data = use_state(|| None::<Result<CloudTargets, IpcError>>);
    {
        let (data, pid) = (data.clone(), props.profile_id.to_string());
        use_effect_with((props.max_age, props.reload), move |(days, _)| {
            let args = CloudTargetsArgs {
                profile_id: pid,
                max_age_days: *days,
            };
            spawn_local(async move {
                data.set(Some(ipc::call::<ListCloudRotationTargets>(&args).await));
            });
        });
    }
    let pid = props.profile_id.to_string();
    let row = |kind: &'static str, what: &'static str, t: &CloudTarget| {
        let step = match kind {
            "aws_secret" => props.aws.clone().map(|spec| RotationStep::AwsSecret {
                profile_id: pid.clone(),
                name: t.name.clone(),
                spec,
                json_key: props.aws_json_key.clone(),
            }),
            "azure_key" => Some(RotationStep::AzureKey {
                profile_id: pid.clone(),
                name: t.name.clone(),
            }),
            _ => props.az.clone().map(|spec| RotationStep::AzureSecret {
                profile_id: pid.clone(),
                name: t.name.clone(),
                spec,
            }),
        };
        let checked = step.as_ref().is_some_and(|s| props.draft.0.contains(s));
        let toggle = {
            let (d, step) = (props.draft.clone(), step.clone());
            Callback::from(move |_: Event| {
                if let Some(s) = step.clone() {
                    d.dispatch(DraftAction::Toggle(s));
                }
            })
        };
        html! {
            <tr class="rot-cloud-row" data-kind={kind} data-name={t.name.clone()} key={format!("{kind}:{}", t.name)}>
                <td><input type="checkbox" class="rot-select" checked={checked} disabled={step.is_none()}
                    aria-label={format!("Add {what} {} of {} to the plan", t.name, props.name)}
                    onchange={toggle} /></td>
                <td>{ what }</td>
                <td class="mono">{ t.name.clone() }</td>
                <td>{ t.detail.clone() }</td>
                <td><HealthBadge health={t.health.clone()} /></td>
            </tr>
        }
    };
    let label = match props.provider {
        CloudProvider::Aws => "AWS Secrets Manager",
        CloudProvider::Azure => "Azure Key Vault",
    };
    let body = match &*data {
        None => html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) => {
            html! { <ErrorNotice id={format!("rot-cloud-error-{}", props.profile_id)} error={e.clone()} /> }
        }
        Some(Ok(t))
            if t.aws_secrets.is_empty()
                && t.azure_keys.is_empty()
                && t.azure_secrets.is_empty() =>
        {
            html! {
                <p class="muted rot-cloud-empty">{ "Nothing to rotate on this connection." }</p>
            }
        }
        Some(Ok(t)) => html! {
            <table class="lease-table rot-cloud-table">
                <thead><tr><th>{ "Plan" }</th><th>{ "Kind" }</th><th>{ "Name" }</th><th>{ "Details" }</th><th>{ "Last changed" }</th></tr></thead>
                <tbody>
                    { for t.aws_secrets.iter().map(|x| row("aws_secret", "AWS secret", x)) }
                    { for t.azure_keys.iter().map(|x| row("azure_key", "key", x)) }
                    { for t.azure_secrets.iter().map(|x| row("azure_secret", "secret", x)) }
                </tbody>
            </table>
        },
    };
    html! {
        <div class="rot-cloud-conn" data-profile={props.profile_id.clone()} data-provider={label}>
            <h3>{ format!("{} · {label}", props.name) }</h3>
            { body }
        </div>
    }
}

// ------------------------------------------------------------------------ plan

#[derive(Default, Clone, PartialEq)]
struct Run {
    job: Option<String>,
    total: usize,
    /// The connection each step of the running plan runs on, by index.
    connections: Vec<String>,
    results: Vec<StepResult>,
    report: Option<RotationRunReport>,
    error: Option<IpcError>,
}

enum RunAction {
    Start(String, Vec<String>),
    Step(StepResult),
    Done(Result<RotationRunReport, IpcError>),
}

impl Reducible for Run {
    type Action = RunAction;

    fn reduce(self: Rc<Self>, action: RunAction) -> Rc<Self> {
        let mut s = Rc::unwrap_or_clone(self);
        match action {
            RunAction::Start(job, connections) => {
                s = Run {
                    job: Some(job),
                    total: connections.len(),
                    connections,
                    ..Run::default()
                }
            }
            RunAction::Step(r) => {
                s.results.retain(|x| x.index != r.index);
                s.results.push(r);
            }
            RunAction::Done(r) => {
                s.job = None;
                match r {
                    Ok(r) => {
                        s.results = r.results.clone();
                        s.report = Some(r);
                    }
                    Err(e) => s.error = Some(e),
                }
            }
        }
        Rc::new(s)
    }
}

#[derive(Properties, PartialEq)]
struct PlanProps {
    /// The active connection (the report export is audited under it).
    profile_id: AttrValue,
    /// The Vault connection Vault steps run on, if the active one is Vault / OpenBao.
    vault: Option<ConnectionSummary>,
    /// Every open connection (cloud steps run on the one they name).
    open: Vec<ConnectionSummary>,
    draft: DraftHandle,
}

#[component]
fn PlanPanel(props: &PlanProps) -> Html {
    let preview = use_state(|| None::<Result<PlanPreview, IpcError>>);
    let typed = use_state(std::collections::BTreeMap::<String, String>::new);
    let stop_on_error = use_state(|| true);
    let run = use_reducer(Run::default);
    let add_kind = use_state(|| "transit_key".to_owned());
    let add_mount = use_state(|| "transit".to_owned());
    let add_name = use_state(String::new);
    let folder = use_state(String::new);
    let exported = use_state(|| None::<Result<RotationReportFiles, IpcError>>);
    let pid = props.profile_id.to_string();
    let vault_pid = props
        .vault
        .as_ref()
        .map(|v| v.profile_id.clone())
        .unwrap_or_default();
    let draft = props.draft.clone();
    let plan = draft.0.plan();

    // A changed plan invalidates the preview.
    {
        let preview = preview.clone();
        use_effect_with(plan.clone(), move |_| preview.set(None));
    }
    let do_preview = {
        let (preview, plan) = (preview.clone(), plan.clone());
        Callback::from(move |_: MouseEvent| {
            let args = PreviewPlanArgs { plan: plan.clone() };
            let preview = preview.clone();
            spawn_local(async move {
                preview.set(Some(ipc::call::<PreviewRotationPlan>(&args).await));
            });
        })
    };
    let step_conns: Vec<String> = plan
        .steps
        .iter()
        .map(|st| step_connection(st, props.vault.as_ref(), &props.open).0)
        .collect();
    let start = {
        let step_conns = step_conns.clone();
        let (run, plan, typed, stop, pid, exported) = (
            run.clone(),
            plan.clone(),
            typed.clone(),
            stop_on_error.clone(),
            vault_pid.clone(),
            exported.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let job_id = format!("rotations-{}", js_sys::Date::now() as u64);
            run.dispatch(RunAction::Start(job_id.clone(), step_conns.clone()));
            exported.set(None);
            let args = RunPlanArgs {
                profile_id: pid.clone(),
                plan: plan.clone(),
                stop_on_error: *stop,
                job_id,
                confirm_db_roots: typed.values().cloned().collect(),
            };
            let run = run.clone();
            spawn_local(async move {
                let on_step = {
                    let run = run.clone();
                    move |r: StepResult| run.dispatch(RunAction::Step(r))
                };
                let r = ipc::call_with_channel::<RunRotationPlan, StepResult>(
                    &args, "onBatch", on_step,
                )
                .await;
                run.dispatch(RunAction::Done(r));
            });
        })
    };
    let cancel = {
        let job = run.job.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(job_id) = job.clone() {
                spawn_local(async move {
                    let _ = ipc::call::<CancelJob>(&CancelJobArgs { job_id }).await;
                });
            }
        })
    };
    let add_manual = {
        let (kind, mount, name, draft) = (
            add_kind.clone(),
            add_mount.clone(),
            add_name.clone(),
            draft.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (m, n) = (
                mount.trim().trim_matches('/').to_owned(),
                name.trim().to_owned(),
            );
            if n.is_empty() {
                return;
            }
            let step = match kind.as_str() {
                "static_role" => RotationStep::StaticRole { mount: m, role: n },
                "db_root" => RotationStep::DbRoot {
                    mount: m,
                    connection: n,
                },
                _ => RotationStep::TransitKey { mount: m, key: n },
            };
            draft.dispatch(DraftAction::Add(step));
            name.set(String::new());
        })
    };
    let export = {
        let (run, folder, exported, pid) =
            (run.clone(), folder.clone(), exported.clone(), pid.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(report) = run.report.clone() else {
                return;
            };
            let args = ExportRotationReportArgs {
                profile_id: pid.clone(),
                report,
                folder: Some(folder.trim().to_owned()).filter(|f| !f.is_empty()),
            };
            let exported = exported.clone();
            spawn_local(async move {
                exported.set(Some(ipc::call::<ExportRotationReport>(&args).await));
            });
        })
    };

    let running = run.job.is_some();
    let roots = plan.db_root_connections();
    let roots_confirmed = roots
        .iter()
        .all(|c| confirmed(typed.get(c).map(String::as_str).unwrap_or(""), c));
    let (ok, failed, skipped) = counts(&run.results);
    let done = run.results.len();
    let total = run.total.max(done);
    let steps = draft.0.steps().to_vec();
    let n_steps = steps.len();

    html! {
        <section class="rot-section" aria-label="Rotation plan">
            <h2>{ format!("Plan: {} target(s)", n_steps) }</h2>
            if steps.is_empty() {
                <p class="muted" id="rot-plan-empty">{ "Check targets on the other tabs (or add a Vault target by name below) to build a plan." }</p>
            } else {
                <ol id="rot-plan-steps" class="rot-plan-steps">
                    { for steps.iter().enumerate().map(|(i, s)| {
                        let id = s.target_id();
                        let (on, open) = step_connection(s, props.vault.as_ref(), &props.open);
                        html! {
                            <li class="rot-plan-step" data-target={id.clone()} key={id.clone()}>
                                <span class="rot-plan-what">
                                    <span class={classes!("rot-plan-conn", (!open).then_some("closed"))}
                                        data-connection={s.connection_profile().map(str::to_owned).unwrap_or_else(|| vault_pid.clone())}
                                        title="the connection this step runs on">{ on }</span>
                                    { s.describe() }
                                </span>
                                <span class="rot-step-actions">
                                    <button type="button" class="ghost" aria-label={format!("Move step {} up", i + 1)} disabled={i == 0 || running}
                                        onclick={{ let d = draft.clone(); Callback::from(move |_| d.dispatch(DraftAction::Shift(i, true))) }}>{ "↑" }</button>
                                    <button type="button" class="ghost" aria-label={format!("Move step {} down", i + 1)} disabled={i + 1 == n_steps || running}
                                        onclick={{ let d = draft.clone(); Callback::from(move |_| d.dispatch(DraftAction::Shift(i, false))) }}>{ "↓" }</button>
                                    <button type="button" class="ghost rot-plan-remove" aria-label={format!("Remove step {} from the plan", i + 1)} disabled={running}
                                        onclick={{ let (d, id) = (draft.clone(), id.clone()); Callback::from(move |_| d.dispatch(DraftAction::Remove(id.clone()))) }}>{ "Remove" }</button>
                                </span>
                            </li>
                        }
                    }) }
                </ol>
            }
            if props.vault.is_some() {
            <div class="rot-bar" aria-label="Add a target by name">
                <label for="rot-plan-add-kind">{ "Add" }</label>
                <select id="rot-plan-add-kind" onchange={{
                    let (k, m) = (add_kind.clone(), add_mount.clone());
                    Callback::from(move |e: Event| {
                        let v = select_value(&e);
                        m.set(if v == "transit_key" { "transit".into() } else { "database".into() });
                        k.set(v);
                    })
                }}>
                    <option value="transit_key" selected={*add_kind == "transit_key"}>{ "transit key" }</option>
                    <option value="static_role" selected={*add_kind == "static_role"}>{ "static role" }</option>
                    <option value="db_root" selected={*add_kind == "db_root"}>{ "database root" }</option>
                </select>
                <label for="rot-plan-add-mount">{ "mount" }</label>
                <input id="rot-plan-add-mount" type="text" class="rot-narrow-text" value={(*add_mount).clone()}
                    oninput={{ let s = add_mount.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                <label for="rot-plan-add-name">{ "name" }</label>
                <input id="rot-plan-add-name" type="text" value={(*add_name).clone()}
                    oninput={{ let s = add_name.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                <button type="button" id="rot-plan-add" disabled={add_name.trim().is_empty() || running} onclick={add_manual}>{ "Add to plan" }</button>
            </div>
            }
            <div class="rot-bar">
                <button type="button" id="rot-plan-clear" class="ghost" disabled={steps.is_empty() || running}
                    onclick={{ let d = draft.clone(); Callback::from(move |_| d.dispatch(DraftAction::Clear)) }}>{ "Clear plan" }</button>
            </div>
            <div class="rot-bar">
                <button type="button" id="rot-plan-preview" disabled={steps.is_empty()} onclick={do_preview}>{ "Preview (dry run)" }</button>
                <fieldset class="rot-fieldset rot-mode">
                    <legend>{ "When a target fails" }</legend>
                    <label class="rot-check" for="rot-plan-stop">
                        <input type="radio" name="rot-mode" id="rot-plan-stop" checked={*stop_on_error}
                            onchange={{ let s = stop_on_error.clone(); Callback::from(move |_: Event| s.set(true)) }} />
                        { "stop (skip the rest)" }
                    </label>
                    <label class="rot-check" for="rot-plan-continue">
                        <input type="radio" name="rot-mode" id="rot-plan-continue" checked={!*stop_on_error}
                            onchange={{ let s = stop_on_error.clone(); Callback::from(move |_: Event| s.set(false)) }} />
                        { "continue with the others" }
                    </label>
                </fieldset>
                if running {
                    <button type="button" id="rot-plan-cancel" class="danger-ghost" onclick={cancel}>{ "Cancel run" }</button>
                } else {
                    <button type="button" id="rot-plan-run" class="primary" disabled={steps.is_empty() || !roots_confirmed} onclick={start}>
                        { format!("Run {} rotation(s)", n_steps) }</button>
                }
            </div>
            if !roots.is_empty() {
                <div class="notice warning" id="rot-plan-roots">
                    <p>{ "This plan rotates database root credentials: afterwards only Vault knows them. Type each connection name to confirm." }</p>
                    { for roots.iter().map(|c| {
                        let (t, name) = (typed.clone(), c.clone());
                        html! {
                            <label class="rot-check">
                                { format!("{c}: ") }
                                <input type="text" class="rot-plan-confirm" data-connection={c.clone()} autocomplete="off"
                                    aria-label={format!("Type the connection name {c} to confirm")}
                                    value={typed.get(c).cloned().unwrap_or_default()}
                                    oninput={Callback::from(move |e: InputEvent| {
                                        let mut m = (*t).clone();
                                        m.insert(name.clone(), input_text(&e));
                                        t.set(m);
                                    })} />
                            </label>
                        }
                    }) }
                </div>
            }
            { match &*preview {
                None => html! {},
                Some(Err(e)) => html! { <ErrorNotice id="rot-preview-error" error={e.clone()} /> },
                Some(Ok(p)) => html! {
                    <div id="rot-preview" class="rot-preview" data-runnable={p.runnable.to_string()}>
                        <h3>{ "Dry run: nothing has changed yet" }</h3>
                        <ol>
                            { for p.steps.iter().map(|s| html! {
                                <li class={classes!("rot-preview-step", s.problem.is_some().then_some("problem"))} data-target={s.target.clone()}>
                                    <span class="rot-plan-conn">{
                                        match &s.connection {
                                            None => props.vault.as_ref().map(|v| v.name.clone()).unwrap_or_else(|| "no Vault connection".into()),
                                            Some(id) => props.open.iter().find(|c| &c.profile_id == id).map(|c| c.name.clone())
                                                .unwrap_or_else(|| format!("{id} (not open)")),
                                        }
                                    }</span>
                                    { s.description.clone() }
                                    if let Some(pr) = &s.problem {
                                        <span class="rot-inline-error">{ format!(" — cannot run: {pr}") }</span>
                                    }
                                    if s.needs_typed_confirmation {
                                        <span class="muted">{ " (needs the typed connection name)" }</span>
                                    }
                                </li>
                            }) }
                        </ol>
                    </div>
                },
            } }
            if running || !run.results.is_empty() || run.report.is_some() {
                <div id="rot-plan-progress-box" class="lease-progress" role="status"
                    data-done={(!running).to_string()}>
                    <progress id="rot-plan-progress" aria-label="Rotation plan progress" max="100"
                        value={percent(done, total).to_string()} />
                    <span id="rot-plan-progress-text">{ format!("{done} of {total} target(s): {ok} ok, {failed} failed, {skipped} skipped") }</span>
                    if let Some(r) = &run.report {
                        <span id="rot-plan-summary" class="muted" data-ok={r.ok.to_string()} data-failed={r.failed.to_string()} data-skipped={r.skipped.to_string()}>{
                            format!(" · {} in {} ms", if r.cancelled { "cancelled" } else { "finished" }, r.elapsed_ms)
                        }</span>
                    }
                </div>
            }
            if let Some(e) = &run.error {
                <ErrorNotice id="rot-run-error" error={e.clone()} />
            }
            if !run.results.is_empty() {
                <table class="lease-table" id="rot-results">
                    <thead><tr><th>{ "#" }</th><th>{ "Connection" }</th><th>{ "Target" }</th><th>{ "Result" }</th><th>{ "Detail" }</th></tr></thead>
                    <tbody>
                    { for run.results.iter().map(|r| html! {
                        <tr class={classes!("rot-result", r.status.as_str())} data-index={r.index.to_string()} data-status={r.status.as_str()} key={r.index.to_string()}>
                            <td>{ (r.index + 1).to_string() }</td>
                            <td class="rot-result-conn">{ run.connections.get(r.index).cloned().unwrap_or_default() }</td>
                            <td>{ r.description.clone() }</td>
                            <td><span class={classes!("rot-health", match r.status.as_str() { "ok" => "fresh", "failed" => "stale", _ => "unknown" })}>{ r.status.as_str() }</span></td>
                            <td class="mono">{ r.detail.clone() }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
            if run.report.is_some() {
                <div class="rot-bar" aria-label="Export the report">
                    <label for="rot-report-folder">{ "Report folder (empty: the app's data folder)" }</label>
                    <input id="rot-report-folder" type="text" class="rot-wide" value={(*folder).clone()}
                        oninput={{ let s = folder.clone(); Callback::from(move |e: InputEvent| s.set(input_text(&e))) }} />
                    <button type="button" id="rot-report-export" onclick={export}>{ "Export report (Markdown + JSON)" }</button>
                </div>
            }
            { match &*exported {
                None => html! {},
                Some(Ok(f)) => html! {
                    <p id="rot-report-result" role="status" class="rot-status ok">
                        { format!("Wrote {} ({} bytes) and {} ({} bytes)", f.markdown.path, f.markdown.bytes, f.json.path, f.json.bytes) }
                    </p>
                },
                Some(Err(e)) => html! { <p id="rot-report-result" role="alert" class="rot-status warn">{ format!("Could not export: {}", e.message) }</p> },
            } }
        </section>
    }
}

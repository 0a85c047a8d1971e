//! The Secrets screen: KV mounts grouped by engine, a lazily loaded path tree (virtualized, so
//! big folders keep only the visible rows in the DOM) with breadcrumbs and the vault CLI form
//! of the current path, and the secret view (metadata and key names; one key revealed at a
//! time on request, hidden again by a timer).

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use vaultdeck_types::{
    ErrorCode, ListNamespaces, ListSecretMounts, ListSecrets, MountClass, MountInfo, ProfileRef,
    SecretPathArgs, SetNamespaceArgs, SetSecretsNamespace,
};
use vaultdeck_ui::format::group_secret_engines;
use vaultdeck_ui::profile_draft::ProviderKind;
use vaultdeck_ui::secrets_model::{
    breadcrumbs, cli_command, flatten, parent_folder, split_mount, FolderState, TreeRow,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::mounts::MountsList;
use crate::components::notice::NotConnected;
use crate::components::secret_create::NewSecret;
use crate::components::secret_key_search::KeyNameSearch;
use crate::components::secret_search::SecretSearch;
use crate::components::secret_tree::SecretTree;
use crate::components::secret_view::SecretView;
use crate::components::select_value;
use crate::contexts::connections::use_connections;
use crate::hooks::use_command;
use crate::ipc;

/// The Secrets screen.
#[component]
pub fn SecretsPage() -> Html {
    let conns = use_connections();
    let Some(active) = conns.active_summary() else {
        return html! { <NotConnected screen="Secrets" /> };
    };
    // The same screen on every provider, showing what that provider has.
    match ProviderKind::of_label(&active.provider) {
        ProviderKind::Aws => return html! { <crate::pages::aws::AwsPage /> },
        ProviderKind::Azure => return html! { <crate::pages::azure::AzurePage /> },
        ProviderKind::Vault => {}
    }
    html! {
        <section class="page secrets-page">
            <h1>{ "Secrets" }</h1>
            <p class="muted">{ format!("{} · {}", active.name, active.address) }</p>
            <NamespacedExplorer key={active.profile_id.clone()} profile_id={active.profile_id.clone()} />
        </section>
    }
}

/// The namespace picker above the explorer; the explorer re-roots (mounts and tree reload)
/// when another namespace is chosen.
#[component]
fn NamespacedExplorer(props: &ExplorerProps) -> Html {
    let list = use_command::<ListNamespaces>(ProfileRef {
        profile_id: props.profile_id.to_string(),
    });
    let chosen = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);
    // The backend remembers the namespace per profile: start from it.
    let current = (*chosen)
        .clone()
        .or_else(|| list.ok().map(|l| l.current.clone()))
        .or_else(|| list.error().map(|_| String::new()));
    let Some(current) = current else {
        return html! { <p class="muted" role="status">{ "Loading namespaces…" }</p> };
    };
    let namespaces: Vec<String> = list.ok().map(|l| l.namespaces.clone()).unwrap_or_default();
    let onchange = {
        let (chosen, error) = (chosen.clone(), error.clone());
        let pid = props.profile_id.to_string();
        Callback::from(move |e: Event| {
            let args = SetNamespaceArgs {
                profile_id: pid.clone(),
                namespace: select_value(&e),
            };
            let (chosen, error) = (chosen.clone(), error.clone());
            spawn_local(async move {
                match ipc::call::<SetSecretsNamespace>(&args).await {
                    Ok(l) => {
                        error.set(None);
                        chosen.set(Some(l.current));
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };
    html! {
        <>
            if !namespaces.is_empty() || !current.is_empty() {
                <div class="namespace-picker">
                    <label for="namespace-select">{ "Namespace" }</label>
                    <select id="namespace-select" aria-label="Namespace" {onchange}>
                        <option value="" selected={current.is_empty()}>{ "(this profile's namespace)" }</option>
                        { for namespaces.iter().map(|n| html! {
                            <option value={n.clone()} selected={*n == current}>{ n.clone() }</option>
                        }) }
                    </select>
                    if let Some(note) = list.ok().and_then(|l| l.note.clone()) {
                        <span class="muted">{ note }</span>
                    }
                </div>
            }
            if let Some(e) = &*error {
                <p class="error-text" role="alert" id="namespace-error">{ e.clone() }</p>
            }
            <Explorer key={format!("{}|{current}", props.profile_id)} profile_id={props.profile_id.clone()}
                namespace={current.clone()} />
        </>
    }
}

/// Properties of [`Explorer`] and [`SecretEngines`].
#[derive(Properties, PartialEq)]
pub struct ExplorerProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// The namespace being browsed (relative to the profile's; `""` = its own).
    #[prop_or_default]
    pub namespace: String,
}

/// The explorer's state: listed folders, expanded folders, the tree's root and the open
/// secret.
#[derive(Default, Clone, PartialEq)]
struct Tree {
    folders: BTreeMap<String, FolderState>,
    expanded: BTreeSet<String>,
    root: Option<String>,
    selected: Option<String>,
    /// What the breadcrumbs show: the last folder or secret opened.
    focus: Option<String>,
}

enum TreeAction {
    Listed(String, FolderState),
    Toggle(String),
    Root(String),
    Select(String),
    /// A secret is gone: close it and list its folder again.
    Deleted(String),
}

impl Reducible for Tree {
    type Action = TreeAction;

    fn reduce(self: Rc<Self>, action: TreeAction) -> Rc<Self> {
        let mut t = Rc::unwrap_or_clone(self);
        match action {
            TreeAction::Listed(path, state) => {
                t.folders.insert(path, state);
            }
            TreeAction::Toggle(path) => {
                if !t.expanded.remove(&path) {
                    t.expanded.insert(path);
                }
            }
            TreeAction::Root(path) => {
                t.focus = Some(path.clone());
                t.root = Some(path);
            }
            TreeAction::Deleted(path) => {
                let parent = vaultdeck_ui::secrets_model::parent_folder(&path);
                t.folders.remove(&parent);
                t.selected = None;
                t.focus = Some(parent.clone());
                t.root = Some(parent);
            }
            TreeAction::Select(path) => {
                t.focus = Some(path.clone());
                t.selected = Some(path);
            }
        }
        Rc::new(t)
    }
}

/// Lists `folder` unless it is listed (or being listed) already.
fn ensure_listed(profile_id: &str, tree: &UseReducerHandle<Tree>, folder: &str) {
    if tree.folders.contains_key(folder) {
        return;
    }
    let folder = folder.to_owned();
    tree.dispatch(TreeAction::Listed(folder.clone(), FolderState::Loading));
    list_folder(profile_id, tree, folder);
}

/// Lists `folder` (again) and stores the result.
fn list_folder(profile_id: &str, tree: &UseReducerHandle<Tree>, folder: String) {
    let args = SecretPathArgs {
        profile_id: profile_id.to_owned(),
        path: folder.clone(),
    };
    let tree = tree.clone();
    spawn_local(async move {
        let state = match ipc::call::<ListSecrets>(&args).await {
            Ok(entries) => FolderState::Loaded(entries),
            Err(e) if e.code == ErrorCode::PermissionDenied => FolderState::Denied,
            Err(e) if e.code == ErrorCode::NotFound => FolderState::Loaded(Vec::new()),
            Err(e) => FolderState::Failed(e.message),
        };
        tree.dispatch(TreeAction::Listed(folder, state));
    });
}

/// Mounts on the left, the path tree in the middle, the open secret on the right.
#[component]
pub fn Explorer(props: &ExplorerProps) -> Html {
    let mounts = use_command::<ListSecretMounts>(ProfileRef {
        profile_id: props.profile_id.to_string(),
    });
    let tree = use_reducer(Tree::default);
    let creating = use_state(|| false);
    let pid = props.profile_id.to_string();

    let open_folder = {
        let tree = tree.clone();
        let pid = pid.clone();
        Callback::from(move |folder: String| {
            ensure_listed(&pid, &tree, &folder);
            tree.dispatch(TreeAction::Root(folder));
        })
    };
    let toggle = {
        let tree = tree.clone();
        let pid = pid.clone();
        Callback::from(move |folder: String| {
            if !tree.expanded.contains(&folder) {
                ensure_listed(&pid, &tree, &folder);
            }
            tree.dispatch(TreeAction::Toggle(folder));
        })
    };
    let open_secret = {
        let tree = tree.clone();
        Callback::from(move |path: String| tree.dispatch(TreeAction::Select(path)))
    };

    let open_hit = {
        let tree = tree.clone();
        let pid = pid.clone();
        Callback::from(move |path: String| {
            let folder = parent_folder(&path);
            ensure_listed(&pid, &tree, &folder);
            tree.dispatch(TreeAction::Root(folder));
            tree.dispatch(TreeAction::Select(path));
        })
    };

    let mount_list: Vec<MountInfo> = mounts.ok().cloned().unwrap_or_default();
    let kv_paths: Vec<String> = mount_list
        .iter()
        .filter(|m| m.class == MountClass::Secret && m.engine_type == "kv")
        .map(|m| m.path.clone())
        .collect();

    let rows: Rc<Vec<TreeRow>> = Rc::new(match &tree.root {
        Some(root) => flatten(root, &tree.folders, &tree.expanded),
        None => Vec::new(),
    });
    let current = tree.focus.clone();
    let location = current
        .as_deref()
        .and_then(|p| split_mount(p, &kv_paths).map(|(m, r)| (m.to_owned(), r.to_owned())));

    html! {
        <div class="secrets-layout">
            <aside class="secrets-mounts" aria-label="Secret engines">
                <SecretEngines profile_id={props.profile_id.clone()} on_open={open_folder.clone()}
                    active={tree.root.clone().and_then(|r| split_mount(&r, &kv_paths).map(|(m, _)| m.to_owned()))} />
            </aside>
            <div class="secrets-browser">
                <SecretSearch profile_id={props.profile_id.clone()} on_open={open_hit.clone()}
                    walk_root={tree.root.clone().and_then(|r| split_mount(&r, &kv_paths).map(|(m, _)| m.to_owned()))} />
                <KeyNameSearch profile_id={props.profile_id.clone()} on_open={open_hit.clone()}
                    root={tree.root.clone()} />
                <div class="explorer-actions">
                    <button type="button" id="new-secret-open" class="primary" disabled={kv_paths.is_empty()}
                        aria-label="New secret"
                        onclick={{ let c = creating.clone(); Callback::from(move |_| c.set(true)) }}>{ "New secret" }</button>
                </div>
                if let Some((mount, rel)) = location.clone() {
                    <nav id="secret-breadcrumbs" class="breadcrumbs" aria-label="Path">
                        { for breadcrumbs(&mount, &rel).into_iter().map(|(label, path)| {
                            let is_folder = path.ends_with('/');
                            let onclick = if is_folder {
                                let open = open_folder.clone();
                                let p = path.clone();
                                Callback::from(move |_| open.emit(p.clone()))
                            } else {
                                let open = open_secret.clone();
                                let p = path.clone();
                                Callback::from(move |_| open.emit(p.clone()))
                            };
                            html! {
                                <button type="button" class="crumb" data-path={path.clone()}
                                    aria-label={format!("Go to {path}")} {onclick}>{ label }</button>
                            }
                        }) }
                    </nav>
                    <label class="cli-path">
                        <span class="muted">{ "CLI" }</span>
                        <input id="secret-cli-path" readonly=true aria-label="vault CLI command"
                            value={cli_command(&mount, &rel)}
                            onfocus={Callback::from(|e: FocusEvent| {
                                if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { i.select(); }
                            })} />
                    </label>
                }
                if let Some(root) = tree.root.clone() {
                    <SecretTree rows={rows} root={root} selected={tree.selected.clone()}
                        on_toggle={toggle} on_open_folder={open_folder.clone()}
                        on_open_secret={open_secret.clone()} />
                } else {
                    <p class="muted" id="secret-tree-hint">{ "Pick a KV mount to browse its paths." }</p>
                }
            </div>
            if *creating {
                <NewSecret profile_id={props.profile_id.clone()} kv_mounts={kv_paths.clone()}
                    folder={tree.root.clone().unwrap_or_default()}
                    on_close={{ let c = creating.clone(); Callback::from(move |_| c.set(false)) }}
                    on_created={{
                        let (c, tree, pid) = (creating.clone(), tree.clone(), pid.clone());
                        Callback::from(move |path: String| {
                            c.set(false);
                            let folder = parent_folder(&path);
                            list_folder(&pid, &tree, folder.clone());
                            tree.dispatch(TreeAction::Root(folder));
                            tree.dispatch(TreeAction::Select(path));
                        })
                    }} />
            } else if let Some(path) = tree.selected.clone() {
                <SecretView key={path.clone()} profile_id={props.profile_id.clone()}
                    path={path.clone()} on_up={
                        let open = open_folder.clone();
                        let parent = parent_folder(&path);
                        Callback::from(move |_| open.emit(parent.clone()))
                    } on_deleted={{
                        let tree = tree.clone();
                        let pid = pid.clone();
                        let path = path.clone();
                        Callback::from(move |_| {
                            tree.dispatch(TreeAction::Deleted(path.clone()));
                            list_folder(&pid, &tree, parent_folder(&path));
                        })
                    }} />
            }
        </div>
    }
}

/// Properties of [`SecretEngines`].
#[derive(Properties, PartialEq)]
pub struct SecretEnginesProps {
    /// The connection.
    pub profile_id: AttrValue,
    /// Opens a KV mount's root folder.
    pub on_open: Callback<String>,
    /// The mount being browsed.
    #[prop_or_default]
    pub active: Option<String>,
}

/// Secret engines grouped by type (KV mounts open in the tree), then auth methods.
#[component]
pub fn SecretEngines(props: &SecretEnginesProps) -> Html {
    let mounts = use_command::<ListSecretMounts>(ProfileRef {
        profile_id: props.profile_id.to_string(),
    });
    if let Some(err) = mounts.error() {
        return html! {
            <>
                <p class="error-text" role="alert">{ format!("Could not list mounts: {}", err.message) }</p>
                <button type="button" id="mounts-retry" onclick={mounts.reload_callback()}>{ "Retry" }</button>
            </>
        };
    }
    let Some(list) = mounts.ok() else {
        return html! { <p class="muted" role="status">{ "Loading mounts…" }</p> };
    };
    let groups = group_secret_engines(list);
    let auth: Vec<_> = list
        .iter()
        .filter(|m| m.class == MountClass::Auth)
        .cloned()
        .collect();
    html! {
        <div id="secret-engines">
            if groups.is_empty() {
                <p class="muted">{ "This token cannot see any secret engines." }</p>
            }
            { for groups.into_iter().map(|(engine, mounts)| {
                let kv = mounts.iter().all(|m| m.engine_type == "kv");
                html! {
                    <section key={engine.clone()} class="engine-group" data-engine={engine.clone()}>
                        <h2>{ engine.clone() }</h2>
                        if kv {
                            <ul id={format!("engines-{engine}")} class="mounts">
                                { for mounts.iter().map(|m| {
                                    let open = props.on_open.clone();
                                    let path = m.path.clone();
                                    let active = props.active.as_deref() == Some(m.path.as_str());
                                    html! {
                                        <li key={m.path.clone()} class="mount" data-path={m.path.clone()}>
                                            <button type="button" class={classes!("mount-open", active.then_some("active"))}
                                                aria-label={format!("Browse {}", m.path)}
                                                onclick={Callback::from(move |_| open.emit(path.clone()))}>
                                                <code class="mount-path">{ m.path.clone() }</code>
                                            </button>
                                            <span class="badge badge-accent">{ format!("KV v{}", m.kv_version.unwrap_or(1)) }</span>
                                        </li>
                                    }
                                }) }
                            </ul>
                        } else {
                            <MountsList id={format!("engines-{engine}")} mounts={mounts} />
                        }
                    </section>
                }
            }) }
            if !auth.is_empty() {
                <section class="engine-group" data-engine="auth">
                    <h2>{ "Auth methods" }</h2>
                    <MountsList id="auth-methods" mounts={auth} />
                </section>
            }
        </div>
    }
}

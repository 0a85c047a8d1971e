//! Open connections and which one is active. Switching is instant (no IPC); the active one is
//! refreshed every [`REFRESH_MS`] so the status bar's TTL and seal state stay true.

use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use vaultdeck_types::{
    ConnectionSummary, ErrorCode, ListConnections, NoArgs, ProfileRef, RefreshConnection,
};
use wasm_bindgen_futures::spawn_local;
use yew::html::ChildrenProps;
use yew::prelude::*;

use crate::contexts::toasts::use_toaster;
use crate::ipc;

/// How often the active connection is refreshed, in milliseconds.
pub const REFRESH_MS: u32 = 15_000;

/// The open connections.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Connections {
    /// In the order they were opened.
    pub open: Vec<ConnectionSummary>,
    /// Profile id of the active connection.
    pub active: Option<String>,
    /// Last refresh failure per profile id (cleared by the next success).
    pub refresh_errors: BTreeMap<String, String>,
}

impl Connections {
    /// The active connection, if any.
    pub fn active_summary(&self) -> Option<&ConnectionSummary> {
        let id = self.active.as_deref()?;
        self.open.iter().find(|c| c.profile_id == id)
    }

    /// Whether a profile has an open connection.
    pub fn is_open(&self, profile_id: &str) -> bool {
        self.open.iter().any(|c| c.profile_id == profile_id)
    }

    fn upsert(&mut self, summary: ConnectionSummary) {
        self.refresh_errors.remove(&summary.profile_id);
        match self
            .open
            .iter_mut()
            .find(|c| c.profile_id == summary.profile_id)
        {
            Some(slot) => *slot = summary,
            None => self.open.push(summary),
        }
    }

    fn ensure_active(&mut self) {
        let valid = self.active.as_deref().is_some_and(|id| self.is_open(id));
        if !valid {
            self.active = self.open.first().map(|c| c.profile_id.clone());
        }
    }
}

/// A change to the open connections.
pub enum ConnectionsAction {
    /// The backend's full list, replacing ours (after deleting a profile).
    Loaded(Vec<ConnectionSummary>),
    /// Connections the backend already had at startup; added to ours, removing none (a
    /// connection opened while the list was in flight must survive).
    Discovered(Vec<ConnectionSummary>),
    /// A connection was opened: add or replace it and make it active.
    Connected(ConnectionSummary),
    /// Fresh facts about an open connection (refresh, renew).
    Updated(ConnectionSummary),
    /// A connection was closed.
    Closed(String),
    /// Make this profile's connection the active one.
    Activate(String),
    /// A refresh failed with this message; the connection stays open.
    RefreshFailed(String, String),
}

impl Reducible for Connections {
    type Action = ConnectionsAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ConnectionsAction::Loaded(list) => {
                next.open = list;
                next.refresh_errors
                    .retain(|id, _| next.open.iter().any(|c| &c.profile_id == id));
            }
            ConnectionsAction::Discovered(list) => {
                for summary in list {
                    if !next.is_open(&summary.profile_id) {
                        next.open.push(summary);
                    }
                }
            }
            ConnectionsAction::Connected(summary) => {
                next.active = Some(summary.profile_id.clone());
                next.upsert(summary);
            }
            ConnectionsAction::Updated(summary) => {
                if next.is_open(&summary.profile_id) {
                    next.upsert(summary);
                }
            }
            ConnectionsAction::Closed(id) => {
                next.open.retain(|c| c.profile_id != id);
                next.refresh_errors.remove(&id);
            }
            ConnectionsAction::Activate(id) => {
                if next.is_open(&id) {
                    next.active = Some(id);
                }
            }
            ConnectionsAction::RefreshFailed(id, message) => {
                if next.is_open(&id) {
                    next.refresh_errors.insert(id, message);
                }
            }
        }
        next.ensure_active();
        Rc::new(next)
    }
}

/// The open connections; re-renders the caller when they change.
pub type ConnectionsHandle = UseReducerHandle<Connections>;

/// The [`ConnectionsHandle`] of the enclosing [`ConnectionsProvider`].
#[hook]
pub fn use_connections() -> ConnectionsHandle {
    use_context::<ConnectionsHandle>()
        .expect("use_connections must be called under <ConnectionsProvider>")
}

/// Loads the open connections at startup and keeps the active one fresh.
#[component]
pub fn ConnectionsProvider(props: &ChildrenProps) -> Html {
    let state = use_reducer(Connections::default);
    let toaster = use_toaster();

    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            spawn_local(async move {
                // Connections opened before a UI reload are still open in the backend.
                if let Ok(list) = ipc::call::<ListConnections>(&NoArgs {}).await {
                    dispatcher.dispatch(ConnectionsAction::Discovered(list));
                }
            });
        });
    }

    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.active.clone(), move |active| {
            let interval = active.clone().map(|profile_id| {
                Interval::new(REFRESH_MS, move || {
                    let dispatcher = dispatcher.clone();
                    let toaster = toaster.clone();
                    let args = ProfileRef {
                        profile_id: profile_id.clone(),
                    };
                    spawn_local(async move {
                        refresh(args, dispatcher, toaster).await;
                    });
                })
            });
            move || drop(interval)
        });
    }

    html! {
        <ContextProvider<ConnectionsHandle> context={state}>
            { props.children.clone() }
        </ContextProvider<ConnectionsHandle>>
    }
}

async fn refresh(
    args: ProfileRef,
    dispatcher: UseReducerDispatcher<Connections>,
    toaster: crate::contexts::toasts::Toaster,
) {
    match ipc::call::<RefreshConnection>(&args).await {
        Ok(summary) => dispatcher.dispatch(ConnectionsAction::Updated(summary)),
        // The backend no longer has this connection, or its token is gone: it is closed.
        Err(err) if matches!(err.code, ErrorCode::NotFound | ErrorCode::Unauthenticated) => {
            toaster.error(format!("Connection closed: {}", err.message));
            dispatcher.dispatch(ConnectionsAction::Closed(args.profile_id));
        }
        Err(err) => dispatcher.dispatch(ConnectionsAction::RefreshFailed(
            args.profile_id,
            err.message,
        )),
    }
}

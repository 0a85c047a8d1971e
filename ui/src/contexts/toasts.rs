//! Toast notifications: successes fade after a few seconds, errors stay until dismissed.

use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use gloo_timers::callback::Timeout;
use yew::html::ChildrenProps;
use yew::prelude::*;

/// How long a success toast stays, in milliseconds.
const SUCCESS_MS: u32 = 4_000;
/// At most this many toasts are kept; the oldest go first.
const MAX_TOASTS: usize = 6;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Whether a toast reports a success or an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    /// Fades by itself.
    Success,
    /// Stays until dismissed.
    Error,
}

/// One notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    /// Unique id (for dismissing).
    pub id: u64,
    /// Success or error.
    pub kind: ToastKind,
    /// What to say.
    pub text: AttrValue,
}

/// The toasts currently shown.
#[derive(Debug, Default, PartialEq)]
pub struct ToastList {
    /// Oldest first.
    pub items: Vec<Toast>,
}

/// A change to the toast list.
pub enum ToastAction {
    /// Show a toast.
    Push(Toast),
    /// Remove a toast by id.
    Dismiss(u64),
}

impl Reducible for ToastList {
    type Action = ToastAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut items = self.items.clone();
        match action {
            ToastAction::Push(t) => {
                items.push(t);
                let excess = items.len().saturating_sub(MAX_TOASTS);
                items.drain(..excess);
            }
            ToastAction::Dismiss(id) => items.retain(|t| t.id != id),
        }
        Rc::new(ToastList { items })
    }
}

/// Shows toasts from anywhere under [`ToastProvider`]. Cheap to clone and stable across
/// renders, so holding it does not re-render a component when toasts change.
#[derive(Clone, PartialEq)]
pub struct Toaster {
    dispatcher: UseReducerDispatcher<ToastList>,
}

impl Toaster {
    /// Shows a success message that disappears after a few seconds.
    pub fn success(&self, text: impl Into<AttrValue>) {
        let id = self.push(ToastKind::Success, text.into());
        let dispatcher = self.dispatcher.clone();
        Timeout::new(SUCCESS_MS, move || {
            dispatcher.dispatch(ToastAction::Dismiss(id))
        })
        .forget();
    }

    /// Shows an error message that stays until dismissed.
    pub fn error(&self, text: impl Into<AttrValue>) {
        self.push(ToastKind::Error, text.into());
    }

    /// Removes a toast.
    pub fn dismiss(&self, id: u64) {
        self.dispatcher.dispatch(ToastAction::Dismiss(id));
    }

    fn push(&self, kind: ToastKind, text: AttrValue) -> u64 {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        self.dispatcher
            .dispatch(ToastAction::Push(Toast { id, kind, text }));
        id
    }
}

/// The toasts shown; only the toast stack subscribes to it.
pub type ToastListHandle = UseReducerHandle<ToastList>;

/// The [`Toaster`] of the enclosing [`ToastProvider`].
#[hook]
pub fn use_toaster() -> Toaster {
    use_context::<Toaster>().expect("use_toaster must be called under <ToastProvider>")
}

/// Provides a [`Toaster`] (to show toasts) and the [`ToastListHandle`] (to render them) to its
/// children.
#[component]
pub fn ToastProvider(props: &ChildrenProps) -> Html {
    let list = use_reducer(ToastList::default);
    let toaster = Toaster {
        dispatcher: list.dispatcher(),
    };
    html! {
        <ContextProvider<Toaster> context={toaster}>
            <ContextProvider<ToastListHandle> context={list}>
                { props.children.clone() }
            </ContextProvider<ToastListHandle>>
        </ContextProvider<Toaster>>
    }
}

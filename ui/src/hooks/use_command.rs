//! `use_command::<C>(args)`: calls backend command `C` when `args` change, keeps the last
//! result while a newer call runs, and ignores replies that arrive after a newer call started.

use std::rc::Rc;

use vaultdeck_types::{Command, IpcError};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::ipc;

/// The state of a [`use_command`] call.
pub struct UseCommandHandle<T> {
    /// The latest reply; `None` until the first one arrives.
    pub result: Option<Rc<Result<T, IpcError>>>,
    /// A call is in flight.
    pub loading: bool,
    reload: Callback<()>,
}

impl<T> UseCommandHandle<T> {
    /// The latest successful output.
    pub fn ok(&self) -> Option<&T> {
        self.result.as_deref().and_then(|r| r.as_ref().ok())
    }

    /// The latest error.
    pub fn error(&self) -> Option<&IpcError> {
        self.result.as_deref().and_then(|r| r.as_ref().err())
    }

    /// A callback that calls the command again (for buttons).
    pub fn reload_callback<E>(&self) -> Callback<E> {
        let reload = self.reload.clone();
        Callback::from(move |_| reload.emit(()))
    }
}

/// Calls backend command `C` with `args` now and whenever `args` change.
#[hook]
pub fn use_command<C>(args: C::Args) -> UseCommandHandle<C::Output>
where
    C: Command + 'static,
    C::Args: Clone + PartialEq + 'static,
    C::Output: 'static,
{
    let result = use_state(|| None::<Rc<Result<C::Output, IpcError>>>);
    let loading = use_state_eq(|| true);
    let generation = use_mut_ref(|| 0_u64);
    let latest_args = use_mut_ref(|| args.clone());
    *latest_args.borrow_mut() = args.clone();

    let run: Rc<dyn Fn()> = {
        let result = result.clone();
        let loading = loading.clone();
        Rc::new(move || {
            let ticket = {
                let mut g = generation.borrow_mut();
                *g += 1;
                *g
            };
            let args = latest_args.borrow().clone();
            let result = result.clone();
            let loading = loading.clone();
            let generation = generation.clone();
            loading.set(true);
            spawn_local(async move {
                let reply = ipc::call::<C>(&args).await;
                if *generation.borrow() == ticket {
                    result.set(Some(Rc::new(reply)));
                    loading.set(false);
                }
            });
        })
    };

    {
        let run = run.clone();
        use_effect_with(args, move |_| run());
    }

    UseCommandHandle {
        result: (*result).clone(),
        loading: *loading,
        reload: Callback::from(move |()| run()),
    }
}

//! `use_now()`: the current unix time in seconds, re-rendering the caller every second (for
//! local TTL countdowns).

use gloo_timers::callback::Interval;
use yew::prelude::*;

/// The current unix time in seconds.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The current unix time in seconds, updated every second.
#[hook]
pub fn use_now() -> i64 {
    let now = use_state_eq(now_secs);
    {
        let now = now.clone();
        use_effect_with((), move |_| {
            let interval = Interval::new(1_000, move || now.set(now_secs()));
            move || drop(interval)
        });
    }
    *now
}

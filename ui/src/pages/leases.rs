//! The Leases screen (not built yet: says so plainly for the active connection).

use yew::prelude::*;

use crate::components::notice::ScreenUnavailable;

/// The Leases screen.
#[component]
pub fn LeasesPage() -> Html {
    html! {
        <ScreenUnavailable screen="Leases"
            purpose="It will list leases and tokens with their TTLs, and renew or revoke them." />
    }
}

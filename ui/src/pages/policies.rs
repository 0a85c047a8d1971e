//! The Policies screen (not built yet: says so plainly for the active connection).

use yew::prelude::*;

use crate::components::notice::ScreenUnavailable;

/// The Policies screen.
#[component]
pub fn PoliciesPage() -> Html {
    html! {
        <ScreenUnavailable screen="Policies"
            purpose="It will list, edit, lint and simulate ACL policies, and show who can access a path." />
    }
}

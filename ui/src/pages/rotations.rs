//! The Rotations screen (not built yet: says so plainly for the active connection).

use yew::prelude::*;

use crate::components::notice::ScreenUnavailable;

/// The Rotations screen.
#[component]
pub fn RotationsPage() -> Html {
    html! {
        <ScreenUnavailable screen="Rotations"
            purpose="It will rotate database credentials and static secrets, one at a time or in bulk, with progress and cancel." />
    }
}

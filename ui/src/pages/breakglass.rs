//! The Break-glass screen (not built yet: says so plainly for the active connection).

use yew::prelude::*;

use crate::components::notice::ScreenUnavailable;

/// The Break-glass screen.
#[component]
pub fn BreakGlassPage() -> Html {
    html! {
        <ScreenUnavailable screen="Break-glass"
            purpose="It will run seal, unseal and generate-root operations in a separate, locked-down window." />
    }
}

//! Small, focused view components shared by the pages and the shell.

pub mod connect_prompt;
pub mod connection_switcher;
pub mod device_code;
pub mod header;
pub mod identity_panel;
pub mod mounts;
pub mod notice;
pub mod palette;
pub mod profile_form;
pub mod profile_row;
pub mod secret_create;
pub mod secret_editor;
pub mod secret_key_search;
pub mod secret_search;
pub mod secret_tree;
pub mod secret_versions;
pub mod secret_view;
pub mod sidebar;
pub mod statusbar;
pub mod theme_toggle;
pub mod toast;
pub mod warnings;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The text of the `<input>` that fired `e`.
pub fn input_text(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// Whether the checkbox that fired `e` is now checked.
pub fn checkbox_checked(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

/// The value of the `<select>` that fired `e`.
pub fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

//! Reusable hooks: backend calls, a ticking clock, global keyboard shortcuts, select syncing.

pub mod use_command;
pub mod use_global_keydown;
pub mod use_now;
pub mod use_select_value;

pub use use_command::use_command;
pub use use_global_keydown::use_global_keydown;
pub use use_now::use_now;
pub use use_select_value::use_select_value;

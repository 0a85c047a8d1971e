//! App-wide state, one `ContextProvider` per concern: toasts, theme, open connections.
//! Revealed secret values never live here.

pub mod connections;
pub mod theme;
pub mod toasts;

//! One file per screen.

pub mod audit;
pub mod breakglass;
pub mod breakglass_window;
pub mod connections;
pub mod leases;
pub mod policies;
pub mod rotations;
pub mod secrets;
pub mod settings;

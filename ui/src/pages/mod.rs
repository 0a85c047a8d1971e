//! One file per screen.

pub mod audit;
pub mod aws;
pub mod azure;
pub mod breakglass;
pub mod breakglass_window;
pub mod cluster;
pub mod connections;
pub mod leases;
pub mod policies;
pub mod rotations;
pub mod secrets;
pub mod settings;

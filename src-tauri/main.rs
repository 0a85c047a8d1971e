//! Vaultdeck desktop entry point.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    vaultdeck_app::run();
}

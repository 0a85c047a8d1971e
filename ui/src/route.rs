//! The screens and their addresses (hash routing: `index.html#/audit`), which works the same
//! under Tauri's custom protocol and a plain file server.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::pages;

/// A screen of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Routable)]
pub enum Route {
    /// Profiles, sign-in and the active connection (the default screen).
    #[at("/")]
    Connections,
    /// Secret engines and (later) the secrets explorer.
    #[at("/secrets")]
    Secrets,
    /// ACL policies.
    #[at("/policies")]
    Policies,
    /// Leases and tokens.
    #[at("/leases")]
    Leases,
    /// Credential rotations.
    #[at("/rotations")]
    Rotations,
    /// Azure Key Vault: secrets, deleted secrets, keys and rotation policies, certificates.
    #[at("/azure")]
    Azure,
    /// AWS Secrets Manager: secrets, versions and labels, rollback, client-side rotation.
    #[at("/aws")]
    Aws,
    /// Emergency operations.
    #[at("/break-glass")]
    BreakGlass,
    /// Raft peers, HA, autopilot, step-down and snapshot of the active connection's cluster.
    #[at("/cluster")]
    Cluster,
    /// The break-glass window's own page (a separate Tauri window, not in the sidebar).
    #[at("/breakglass-window")]
    BreakglassWindow,
    /// The local audit log.
    #[at("/audit")]
    Audit,
    /// Preferences and app facts.
    #[at("/settings")]
    Settings,
    /// Any other address.
    #[not_found]
    #[at("/not-found")]
    NotFound,
}

impl Route {
    /// The screens in sidebar order.
    pub const SCREENS: [Route; 11] = [
        Route::Connections,
        Route::Secrets,
        Route::Policies,
        Route::Leases,
        Route::Rotations,
        Route::Azure,
        Route::Aws,
        Route::BreakGlass,
        Route::Cluster,
        Route::Audit,
        Route::Settings,
    ];

    /// The screen's name in the sidebar and palette.
    pub fn label(self) -> &'static str {
        match self {
            Route::Connections | Route::NotFound => "Connections",
            Route::Secrets => "Secrets",
            Route::Policies => "Policies",
            Route::Leases => "Leases",
            Route::Rotations => "Rotations",
            Route::Azure => "Azure",
            Route::Aws => "AWS",
            Route::BreakGlass => "Break-glass",
            Route::Cluster => "Cluster",
            Route::BreakglassWindow => "Break-glass window",
            Route::Audit => "Audit",
            Route::Settings => "Settings",
        }
    }

    /// The id of the screen's sidebar link (`nav-<screen>`).
    pub fn nav_id(self) -> &'static str {
        match self {
            Route::Connections | Route::NotFound => "nav-connections",
            Route::Secrets => "nav-secrets",
            Route::Policies => "nav-policies",
            Route::Leases => "nav-leases",
            Route::Rotations => "nav-rotations",
            Route::Azure => "nav-azure",
            Route::Aws => "nav-aws",
            Route::BreakGlass => "nav-breakglass",
            Route::Cluster => "nav-cluster",
            Route::BreakglassWindow => "nav-breakglass-window",
            Route::Audit => "nav-audit",
            Route::Settings => "nav-settings",
        }
    }
}

/// Renders the page of a route (the `Switch` render function).
pub fn switch(route: Route) -> Html {
    match route {
        Route::Connections => html! { <pages::connections::ConnectionsPage /> },
        Route::Secrets => html! { <pages::secrets::SecretsPage /> },
        Route::Policies => html! { <pages::policies::PoliciesPage /> },
        Route::Leases => html! { <pages::leases::LeasesPage /> },
        Route::Rotations => html! { <pages::rotations::RotationsPage /> },
        Route::Azure => html! { <pages::azure::AzurePage /> },
        Route::Aws => html! { <pages::aws::AwsPage /> },
        Route::BreakGlass => html! { <pages::breakglass::BreakGlassPage /> },
        Route::Cluster => html! { <pages::cluster::ClusterPage /> },
        Route::BreakglassWindow => html! { <pages::breakglass_window::BreakglassWindowPage /> },
        Route::Audit => html! { <pages::audit::AuditPage /> },
        Route::Settings => html! { <pages::settings::SettingsPage /> },
        Route::NotFound => html! { <Redirect<Route> to={Route::Connections} /> },
    }
}

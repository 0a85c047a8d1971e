//! The Settings screen: theme, and facts about the app (version, storage, keychain).

use vaultdeck_types::{GetAppInfo, NoArgs};
use vaultdeck_ui::theme::ThemeChoice;
use yew::prelude::*;

use crate::components::select_value;
use crate::contexts::theme::use_theme;
use crate::hooks::{use_command, use_select_value};

/// The Settings screen.
#[component]
pub fn SettingsPage() -> Html {
    html! {
        <section class="page">
            <h1>{ "Settings" }</h1>
            <ThemeSetting />
            <AppInfoPanel />
        </section>
    }
}

/// `#theme-select`: system / light / dark.
#[component]
pub fn ThemeSetting() -> Html {
    let theme = use_theme();
    let node = use_node_ref();
    use_select_value(node.clone(), theme.choice.as_str().to_string());
    let onchange = {
        let theme = theme.clone();
        Callback::from(move |e: Event| theme.set(ThemeChoice::parse(&select_value(&e))))
    };
    html! {
        <section class="panel" aria-labelledby="appearance-title">
            <h2 id="appearance-title">{ "Appearance" }</h2>
            <div class="form-grid">
                <label for="theme-select">{ "Theme" }</label>
                <select id="theme-select" ref={node} {onchange}>
                    { for ThemeChoice::ALL.iter().map(|c| html! {
                        <option value={c.as_str()} selected={*c == theme.choice}>{ c.label() }</option>
                    }) }
                </select>
            </div>
        </section>
    }
}

/// Version, storage locations and keychain status from `GetAppInfo`.
#[component]
pub fn AppInfoPanel() -> Html {
    let info = use_command::<GetAppInfo>(NoArgs {});
    let body = if let Some(i) = info.ok() {
        html! {
            <>
                if !i.keychain_available {
                    <div id="keychain-warning" class="warn-panel" role="alert">
                        <p class="notice-title">
                            { "No OS keychain available: credentials are kept in memory for this session only" }
                        </p>
                        if let Some(msg) = &i.keychain_message {
                            <p>{ msg.clone() }</p>
                        }
                    </div>
                }
                <dl class="facts">
                    <dt>{ "Version" }</dt>
                    <dd id="app-version">{ i.version.clone() }</dd>
                    <dt>{ "Profiles file" }</dt>
                    <dd id="app-profiles-file"><code>{ i.profiles_file.clone() }</code></dd>
                    <dt>{ "Audit log" }</dt>
                    <dd id="app-audit-file"><code>{ i.audit_file.clone() }</code></dd>
                    <dt>{ "OS keychain" }</dt>
                    <dd id="app-keychain">{ if i.keychain_available { "available" } else { "not available" } }</dd>
                    if let Some(demo) = &i.demo_profile_id {
                        <dt>{ "Demo profile" }</dt>
                        <dd id="app-demo-profile"><code>{ demo.clone() }</code></dd>
                    }
                </dl>
            </>
        }
    } else if let Some(err) = info.error() {
        html! {
            <>
                <p class="error-text" role="alert">{ format!("Could not read app information: {}", err.message) }</p>
                <button type="button" id="app-info-retry" onclick={info.reload_callback()}>{ "Retry" }</button>
            </>
        }
    } else {
        html! { <p class="muted" role="status">{ "Loading…" }</p> }
    };
    html! {
        <section class="panel" aria-labelledby="about-title">
            <h2 id="about-title">{ "About this app" }</h2>
            { body }
        </section>
    }
}

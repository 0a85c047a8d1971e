//! The Settings screen: theme, the secrets explorer's reveal and clipboard timeouts (saved in
//! `settings.toml` in the config dir), and facts about the app (version, storage, keychain).

use vaultdeck_types::{
    GetAppInfo, GetSecretSettings, NoArgs, SaveSecretSettings, SaveSecretSettingsArgs,
    SecretSettings, SecretTimeouts,
};
use vaultdeck_ui::theme::ThemeChoice;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::{input_text, select_value};
use crate::contexts::theme::use_theme;
use crate::hooks::{use_command, use_select_value};
use crate::ipc;

/// The Settings screen.
#[component]
pub fn SettingsPage() -> Html {
    html! {
        <section class="page">
            <h1>{ "Settings" }</h1>
            <ThemeSetting />
            <SecretTimeoutsSetting />
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

/// `#secret-timeouts`: how long a revealed value stays visible and a copied one stays in the
/// clipboard. Environment variables, when set, override the saved values (shown as such).
#[component]
pub fn SecretTimeoutsSetting() -> Html {
    let settings = use_state(|| None::<SecretSettings>);
    let reveal = use_state(String::new);
    let clipboard = use_state(String::new);
    let message = use_state(|| None::<(bool, String)>);
    {
        let (settings, reveal, clipboard, message) = (
            settings.clone(),
            reveal.clone(),
            clipboard.clone(),
            message.clone(),
        );
        use_effect_with((), move |_| {
            spawn_local(async move {
                match ipc::call::<GetSecretSettings>(&NoArgs {}).await {
                    Ok(s) => {
                        reveal.set(s.saved.reveal_secs.to_string());
                        clipboard.set(s.saved.clipboard_secs.to_string());
                        settings.set(Some(s));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        });
    }
    let onsubmit = {
        let (settings, reveal, clipboard, message) = (
            settings.clone(),
            reveal.clone(),
            clipboard.clone(),
            message.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let parse = |name: &str, v: &str| {
                v.trim()
                    .parse::<u32>()
                    .map_err(|_| format!("{name} must be a whole number of seconds"))
            };
            let timeouts = match (
                parse("The reveal timeout", &reveal),
                parse("The clipboard timeout", &clipboard),
            ) {
                (Ok(r), Ok(c)) => SecretTimeouts {
                    reveal_secs: r,
                    clipboard_secs: c,
                },
                (Err(m), _) | (_, Err(m)) => return message.set(Some((false, m))),
            };
            if let Err(m) = timeouts.validate() {
                return message.set(Some((false, m)));
            }
            let (settings, message) = (settings.clone(), message.clone());
            spawn_local(async move {
                match ipc::call::<SaveSecretSettings>(&SaveSecretSettingsArgs { timeouts }).await {
                    Ok(s) => {
                        settings.set(Some(s));
                        message.set(Some((true, "Saved.".into())));
                    }
                    Err(e) => message.set(Some((false, e.message))),
                }
            });
        })
    };
    let field =
        |h: UseStateHandle<String>| Callback::from(move |e: InputEvent| h.set(input_text(&e)));
    html! {
        <section class="panel" aria-labelledby="secret-timeouts-title">
            <h2 id="secret-timeouts-title">{ "Secrets: reveal and clipboard" }</h2>
            <form id="secret-timeouts" class="form-grid" novalidate=true {onsubmit}>
                <label for="reveal-secs">{ "Hide a revealed value after (s)" }</label>
                <input id="reveal-secs" type="number" min="1" max="600" value={(*reveal).clone()}
                    oninput={field(reveal.clone())} />
                <label for="clipboard-secs">{ "Clear a copied value after (s)" }</label>
                <input id="clipboard-secs" type="number" min="1" max="600" value={(*clipboard).clone()}
                    oninput={field(clipboard.clone())} />
                <span></span>
                <button type="submit" id="secret-timeouts-save" class="primary">{ "Save timeouts" }</button>
            </form>
            if let Some(s) = &*settings {
                <p class="muted" id="secret-timeouts-effective">{
                    format!("In force: reveal {} s, clipboard {} s.", s.effective.reveal_secs, s.effective.clipboard_secs)
                }</p>
                if !s.env_overrides.is_empty() {
                    <p class="warn-text" id="secret-timeouts-env">{
                        format!("Overridden by the environment: {}.", s.env_overrides.join(", "))
                    }</p>
                }
            }
            if let Some((ok, m)) = (*message).clone() {
                <p id="secret-timeouts-message" role="status" class={if ok { "muted" } else { "error-text" }}>{ m }</p>
            }
        </section>
    }
}

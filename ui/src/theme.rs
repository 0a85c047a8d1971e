//! The theme preference: what the user chose (kept in localStorage) and what it resolves to.

/// The localStorage key holding the [`ThemeChoice`].
pub const THEME_STORAGE_KEY: &str = "vaultdeck.theme";

/// What the user chose in Settings or with the toggle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    /// Follow the OS (`prefers-color-scheme`).
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// The theme actually applied (`html[data-theme]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Light colours.
    Light,
    /// Dark colours.
    Dark,
}

impl ThemeChoice {
    /// Every choice, in the order the Settings select lists them.
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    /// The stored / `<option value>` form: `system`, `light` or `dark`.
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }

    /// Parses a stored value; anything unknown means [`ThemeChoice::System`].
    pub fn parse(value: &str) -> Self {
        match value {
            "light" => ThemeChoice::Light,
            "dark" => ThemeChoice::Dark,
            _ => ThemeChoice::System,
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "Follow the system",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
        }
    }

    /// The theme this choice shows, given whether the OS prefers dark.
    pub fn resolve(self, system_prefers_dark: bool) -> Theme {
        match self {
            ThemeChoice::Light => Theme::Light,
            ThemeChoice::Dark => Theme::Dark,
            ThemeChoice::System if system_prefers_dark => Theme::Dark,
            ThemeChoice::System => Theme::Light,
        }
    }

    /// What the header toggle switches to: the opposite of what is shown now, as an explicit
    /// choice.
    pub fn toggled(self, system_prefers_dark: bool) -> Self {
        match self.resolve(system_prefers_dark) {
            Theme::Light => ThemeChoice::Dark,
            Theme::Dark => ThemeChoice::Light,
        }
    }
}

impl Theme {
    /// The `data-theme` attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_and_defaults_to_system() {
        for c in ThemeChoice::ALL {
            assert_eq!(ThemeChoice::parse(c.as_str()), c);
        }
        assert_eq!(ThemeChoice::parse("purple"), ThemeChoice::System);
    }

    #[test]
    fn system_follows_the_os_and_toggle_flips_what_is_shown() {
        assert_eq!(ThemeChoice::System.resolve(true), Theme::Dark);
        assert_eq!(ThemeChoice::System.resolve(false), Theme::Light);
        assert_eq!(ThemeChoice::Light.resolve(true), Theme::Light);
        assert_eq!(ThemeChoice::System.toggled(true), ThemeChoice::Light);
        assert_eq!(ThemeChoice::System.toggled(false), ThemeChoice::Dark);
        assert_eq!(ThemeChoice::Dark.toggled(false), ThemeChoice::Light);
    }
}

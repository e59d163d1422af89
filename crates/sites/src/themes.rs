//! The themes a person chooses from. Each is the shared structure (`themes/base.css`) plus its
//! own look; the HTML is the same, so every theme inherits its accessibility.

use std::fmt;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Theme {
    #[default]
    Classic,
    Modern,
    Minimal,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown theme {0:?}; the themes are classic, modern and minimal")]
pub struct UnknownTheme(pub String);

const BASE_CSS: &str = include_str!("../themes/base.css");

static CSS: LazyLock<[String; 3]> = LazyLock::new(|| {
    [
        format!("{BASE_CSS}\n{}", include_str!("../themes/classic.css")),
        format!("{BASE_CSS}\n{}", include_str!("../themes/modern.css")),
        format!("{BASE_CSS}\n{}", include_str!("../themes/minimal.css")),
    ]
});

/// A theme's light colours, for the pictures drawn for a site; its stylesheet has the same as
/// custom properties (a test keeps the two alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub bg: &'static str,
    pub fg: &'static str,
    pub muted: &'static str,
    pub accent: &'static str,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Classic, Theme::Modern, Theme::Minimal];

    pub fn name(self) -> &'static str {
        match self {
            Self::Classic => "classic",
            Self::Modern => "modern",
            Self::Minimal => "minimal",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Classic => "Serif type, centred header, quiet rules: a printed CV, online.",
            Self::Modern => "A coloured header band, cards, and a sidebar for skills and languages.",
            Self::Minimal => "One narrow column, monospace details, dates in the margin.",
        }
    }

    pub fn parse(name: &str) -> Result<Self, UnknownTheme> {
        Self::ALL
            .into_iter()
            .find(|t| t.name() == name.trim())
            .ok_or_else(|| UnknownTheme(name.chars().take(40).collect()))
    }

    pub fn palette(self) -> Palette {
        match self {
            Self::Classic => Palette { bg: "#fdfcf9", fg: "#1f2328", muted: "#545c66", accent: "#7a2e12" },
            Self::Modern => Palette { bg: "#f3f5f8", fg: "#1b2430", muted: "#4d5868", accent: "#0b5cad" },
            Self::Minimal => Palette { bg: "#ffffff", fg: "#111111", muted: "#575757", accent: "#111111" },
        }
    }

    pub fn css(self) -> &'static str {
        let index = match self {
            Self::Classic => 0,
            Self::Modern => 1,
            Self::Minimal => 2,
        };
        &CSS[index]
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pictures_use_the_colours_of_the_stylesheet() {
        for theme in Theme::ALL {
            let palette = theme.palette();
            let css = theme.css();
            for (property, colour) in
                [("--bg", palette.bg), ("--fg", palette.fg), ("--muted", palette.muted), ("--accent", palette.accent)]
            {
                assert!(css.contains(&format!("{property}: {colour};")), "{theme}: {property} is not {colour}");
            }
        }
    }
}

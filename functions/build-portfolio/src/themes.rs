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

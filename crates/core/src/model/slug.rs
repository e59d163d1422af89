//! The public address of a published site: `https://…/{slug}/`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

pub const MIN_SLUG_LEN: usize = 3;
pub const MAX_SLUG_LEN: usize = 40;

/// Paths the product uses itself, or that would mislead a visitor. The CDN's path function in
/// template.yaml repeats the list (a test holds them equal).
pub const RESERVED_SLUGS: &[&str] = &[
    "about",
    "account",
    "admin",
    "api",
    "app",
    "assets",
    "auth",
    "billing",
    "blog",
    "checkout",
    "contact",
    "dashboard",
    "docs",
    "errors",
    "help",
    "home",
    "login",
    "logout",
    "mail",
    "news",
    "official",
    "pay",
    "payments",
    "portfolio",
    "portfolios",
    "preview",
    "previews",
    "pricing",
    "privacy",
    "r2w",
    "register",
    "resume2website",
    "root",
    "security",
    "settings",
    "signup",
    "site",
    "sites",
    "static",
    "status",
    "support",
    "system",
    "terms",
    "test",
    "upload",
    "uploads",
    "v1",
    "v2",
    "webhook",
    "webhooks",
    "www",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error(
        "an address is {MIN_SLUG_LEN}-{MAX_SLUG_LEN} characters of a-z, 0-9 and '-', not starting or ending with '-'"
    )]
    Invalid,
    #[error("{0:?} is reserved; choose another address")]
    Reserved(String),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, pattern = "^(?!.*--)[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")]
pub struct Slug(String);

impl Slug {
    pub fn parse(value: impl Into<String>) -> Result<Self, SlugError> {
        let value = value.into();
        let well_formed = (MIN_SLUG_LEN..=MAX_SLUG_LEN).contains(&value.len())
            && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !value.starts_with('-')
            && !value.ends_with('-')
            && !value.contains("--");
        if !well_formed {
            return Err(SlugError::Invalid);
        }
        if RESERVED_SLUGS.contains(&value.as_str()) {
            return Err(SlugError::Reserved(value));
        }
        Ok(Self(value))
    }

    /// A slug made from a person's name in any script ("Dana Lévi" -> "dana-levi",
    /// "דנה לוי" -> a transliteration), or `None` when nothing usable remains.
    pub fn from_name(name: &str) -> Option<Self> {
        let ascii = deunicode::deunicode(name).to_ascii_lowercase();
        let mut slug = String::new();
        for c in ascii.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let mut slug = slug.trim_end_matches('-').to_owned();
        if slug.len() > MAX_SLUG_LEN {
            slug.truncate(MAX_SLUG_LEN);
            slug = slug.trim_end_matches('-').to_owned();
        }
        Self::parse(slug).ok()
    }

    /// The same slug with a number, for when it is taken ("dana-levi-2").
    pub fn numbered(&self, n: u32) -> Option<Self> {
        let suffix = format!("-{n}");
        let base: String = self.0.chars().take(MAX_SLUG_LEN - suffix.len()).collect();
        Self::parse(format!("{}{suffix}", base.trim_end_matches('-'))).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::parse(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_plain_and_not_reserved() {
        assert!(Slug::parse("dana-levi").is_ok());
        for bad in ["da", "-dana", "dana-", "da--na", "Dana", "dana levi", "dana_levi", &"a".repeat(41), "dañа"] {
            assert_eq!(Slug::parse(bad), Err(SlugError::Invalid), "{bad}");
        }
        assert!(matches!(Slug::parse("admin"), Err(SlugError::Reserved(_))));
        assert!(matches!(Slug::parse("api"), Err(SlugError::Reserved(_))));
    }

    #[test]
    fn names_in_any_script_become_slugs() {
        assert_eq!(Slug::from_name("  Dana Lévi-Ørsted ").map(|s| s.0), Some("dana-levi-orsted".into()));
        assert_eq!(Slug::from_name("Zoë O'Brien, PhD").map(|s| s.0), Some("zoe-o-brien-phd".into()));
        let hebrew = Slug::from_name("דנה לוי").expect("transliterated");
        assert!(hebrew.as_str().is_ascii() && hebrew.as_str().contains('-'), "{hebrew}");
        assert!(Slug::from_name("山田 太郎").is_some());
        assert_eq!(Slug::from_name("!!"), None);
        let long = Slug::from_name(&"Maximilian ".repeat(10)).expect("cut");
        assert!(long.as_str().len() <= MAX_SLUG_LEN && !long.as_str().ends_with('-'));
        assert_eq!(Slug::parse("dana-levi").ok().and_then(|s| s.numbered(2)).map(|s| s.0), Some("dana-levi-2".into()));
    }
}

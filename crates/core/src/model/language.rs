//! The language a CV is written in, which decides how its site reads (`lang`, `dir`).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A well-formed BCP 47 language tag of the common shape: a 2-3 letter primary language, then
/// optional subtags of 1-8 letters or digits ("en", "he", "pt-BR", "zh-Hant-TW"). Stored in
/// canonical case (language lower, region upper, script title).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LanguageTag(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid language tag {0:?}: expected BCP 47 such as \"en\" or \"pt-BR\"")]
pub struct LanguageTagError(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextDirection {
    Ltr,
    Rtl,
}

impl TextDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ltr => "ltr",
            Self::Rtl => "rtl",
        }
    }
}

/// Languages whose usual script runs right to left.
const RTL_LANGUAGES: &[&str] = &["ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr", "ug", "ur", "yi"];
/// Scripts that run right to left, which win over the language (e.g. "az-Arab").
const RTL_SCRIPTS: &[&str] = &["Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg"];

impl LanguageTag {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    pub fn direction(&self) -> TextDirection {
        let mut subtags = self.0.split('-');
        let primary = subtags.next().unwrap_or_default();
        if let Some(script) = subtags.find(|s| s.len() == 4 && s.starts_with(|c: char| c.is_ascii_alphabetic())) {
            if RTL_SCRIPTS.contains(&script) {
                return TextDirection::Rtl;
            }
            if script.chars().all(|c| c.is_ascii_alphabetic()) {
                return TextDirection::Ltr;
            }
        }
        if RTL_LANGUAGES.contains(&primary) { TextDirection::Rtl } else { TextDirection::Ltr }
    }
}

impl FromStr for LanguageTag {
    type Err = LanguageTagError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let bad = || LanguageTagError(input.chars().take(40).collect());
        let mut canonical = Vec::new();
        for (i, subtag) in input.split(['-', '_']).enumerate() {
            let alnum = subtag.bytes().all(|b| b.is_ascii_alphanumeric());
            if !alnum || subtag.is_empty() || subtag.len() > 8 {
                return Err(bad());
            }
            let part = if i == 0 {
                if !(2..=3).contains(&subtag.len()) || !subtag.bytes().all(|b| b.is_ascii_alphabetic()) {
                    return Err(bad());
                }
                subtag.to_ascii_lowercase()
            } else if subtag.len() == 2 && subtag.bytes().all(|b| b.is_ascii_alphabetic()) {
                subtag.to_ascii_uppercase()
            } else if subtag.len() == 4 && subtag.bytes().all(|b| b.is_ascii_alphabetic()) {
                let lower = subtag.to_ascii_lowercase();
                lower[..1].to_ascii_uppercase() + &lower[1..]
            } else {
                subtag.to_ascii_lowercase()
            };
            canonical.push(part);
        }
        Ok(Self(canonical.join("-")))
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for LanguageTag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for LanguageTag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Cow::<str>::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for LanguageTag {
    fn schema_name() -> Cow<'static, str> {
        "LanguageTag".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "BCP 47 language tag of the CV's own language, e.g. \"en\", \"he\", \"pt-BR\".",
            "pattern": "^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalises_case_and_separator() {
        let tag: LanguageTag = "PT_br".parse().expect("valid");
        assert_eq!(tag.as_str(), "pt-BR");
        let tag: LanguageTag = "zh-hant-tw".parse().expect("valid");
        assert_eq!(tag.as_str(), "zh-Hant-TW");
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "e", "english", "en--US", "en-", "12", "en-US<script>"] {
            assert!(bad.parse::<LanguageTag>().is_err(), "{bad}");
        }
    }

    #[test]
    fn direction_follows_language_and_script() {
        let dir = |s: &str| s.parse::<LanguageTag>().expect(s).direction();
        assert_eq!(dir("he"), TextDirection::Rtl);
        assert_eq!(dir("ar-EG"), TextDirection::Rtl);
        assert_eq!(dir("fa"), TextDirection::Rtl);
        assert_eq!(dir("en"), TextDirection::Ltr);
        assert_eq!(dir("az-Arab"), TextDirection::Rtl);
        assert_eq!(dir("ug-Latn"), TextDirection::Ltr);
        assert_eq!(dir("ja"), TextDirection::Ltr);
    }
}

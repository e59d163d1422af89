//! An e-mail address in its normalised form: the only way to make one is [`Email::parse`], so a
//! held `Email` is trimmed, lower-cased and shaped like an address. Two spellings of one address
//! (`Ada@Example.com`, ` ada@example.COM`) are one `Email`, which is what keeps accounts unique.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// RFC 5321's limits: 64 characters before the `@`, 254 in all.
const MAX_LOCAL_LEN: usize = 64;
const MAX_LEN: usize = 254;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EmailError(&'static str);

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, format = Email)]
pub struct Email(String);

impl Email {
    pub fn parse(value: impl AsRef<str>) -> Result<Self, EmailError> {
        let value = value.as_ref().trim().to_lowercase();
        if value.len() > MAX_LEN {
            return Err(EmailError("an e-mail address has at most 254 characters"));
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return Err(EmailError("an e-mail address looks like name@example.com"));
        };
        let well_formed_local = !local.is_empty()
            && local.len() <= MAX_LOCAL_LEN
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let well_formed_domain = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty() && !label.starts_with('-') && !label.ends_with('-') && label.len() <= 63
            })
            && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let forbidden = |c: char| c.is_whitespace() || c.is_control() || "@<>()[]\\,;:\"".contains(c);
        if !well_formed_local || !well_formed_domain || local.chars().any(forbidden) {
            return Err(EmailError("an e-mail address looks like name@example.com"));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::parse(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_address_are_one_email() {
        let a = Email::parse("  Ada.Lovelace@Example.COM ").expect("valid");
        assert_eq!(a.as_str(), "ada.lovelace@example.com");
        assert_eq!(a, Email::parse("ada.lovelace@example.com").expect("valid"));
        assert_eq!(Email::parse("zoë@exämple.de").expect("unicode is fine").as_str(), "zoë@exämple.de");
    }

    #[test]
    fn what_is_not_an_address_is_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "a da@example.com",
            "ada@exa mple.com",
            ".ada@example.com",
            "ada..l@example.com",
            "ada@-example.com",
            "ada@example..com",
            "<ada>@example.com",
            "ada\n@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(Email::parse(long_local).is_err());
        let long = format!("a@{}.com", "b".repeat(250));
        assert!(Email::parse(long).is_err());
    }
}

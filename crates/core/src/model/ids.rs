//! Identifiers that end up inside table keys and object keys. Their constructors are the only
//! way in, so a held id never carries a key separator (`#`, `/`) or anything a URL must escape.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// At most this many characters of `A-Z a-z 0-9 - _`.
pub const MAX_ID_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} must be 1-{MAX_ID_LEN} characters of A-Z, a-z, 0-9, '-' and '_'")]
pub struct IdError {
    pub kind: &'static str,
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(value: impl Into<String>) -> Result<Self, IdError> {
                let value = value.into();
                if is_valid_id(&value) { Ok(Self(value)) } else { Err(IdError { kind: $kind }) }
            }

            /// A fresh random id (a UUID v4 without dashes).
            pub fn random() -> Self {
                Self(uuid::Uuid::new_v4().simple().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        // In the OpenAPI document: a string of the id alphabet.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::openapi::id_schema($kind)
            }
        }

        impl utoipa::ToSchema for $name {}

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Self::parse(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// A person with an account.
    UserId,
    "a user id"
);
id_type!(
    /// One run of the pipeline over one upload.
    JobId,
    "a job id"
);
id_type!(
    /// One uploaded file (its original is `uploads/{user}/{upload}/original`).
    UploadId,
    "an upload id"
);
id_type!(
    /// One CV (its versions share the id).
    CvId,
    "a CV id"
);

id_type!(
    /// A portfolio site made from one CV.
    PortfolioId,
    "a portfolio id"
);

id_type!(
    /// One purchase: a Stripe Checkout Session we created and what became of its payment.
    OrderId,
    "an order id"
);

fn is_valid_id(value: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_refuse_key_separators_and_oversize() {
        assert!(UserId::parse("user-1_A").is_ok());
        for bad in ["", "a#b", "a/b", "a b", "é", &"x".repeat(MAX_ID_LEN + 1)] {
            assert!(UserId::parse(bad).is_err(), "{bad:?} accepted");
        }
        let parsed: Result<JobId, _> = serde_json::from_str("\"JOB#x\"");
        assert!(parsed.is_err(), "deserialising goes through the same check");
        assert_eq!(JobId::random().as_str().len(), 32);
    }
}

//! Single-use tokens sent by mail (verify an address, reset a password, confirm a new address)
//! or handed out between the two steps of a two-factor sign-in. Only the SHA-256 of a token is
//! stored (a token has 256 random bits, so no salt or stretching is needed), the item expires
//! by TTL, and redeeming deletes it under a version condition: of two concurrent redemptions,
//! one wins.
//!
//! Tokens carry the owner in the owner index, so deleting an account deletes them.

use std::sync::Arc;
use std::time::Duration;

use r2w_core::Error;
use r2w_core::clock::Clock;
use r2w_core::model::{Email, UserId};
use r2w_core::records::owner_index;
use r2w_core::store::{Expect, Item, ItemKey, Table, TableError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::sessions::random_token;

/// What a token is for; a token works only for its purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Purpose {
    /// Proves `email` is the account's address (it must still be when redeemed).
    VerifyEmail {
        email: Email,
    },
    /// Moves the account to `email`, proven by this token reaching it.
    ChangeEmail {
        email: Email,
    },
    ResetPassword,
    /// The second step of a sign-in whose password (or provider) was right.
    SecondFactor,
}

/// A purpose without its details, to say which tokens a route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    VerifyEmail,
    ChangeEmail,
    ResetPassword,
    SecondFactor,
}

impl Purpose {
    pub fn kind(&self) -> Kind {
        match self {
            Self::VerifyEmail { .. } => Kind::VerifyEmail,
            Self::ChangeEmail { .. } => Kind::ChangeEmail,
            Self::ResetPassword => Kind::ResetPassword,
            Self::SecondFactor => Kind::SecondFactor,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Redeemed {
    pub user_id: UserId,
    pub purpose: Purpose,
}

/// Makes a token recognisable wherever it should not be (the secrets scan looks for it in logs).
const TOKEN_PREFIX: &str = "r2w_ot_";

pub const VERIFY_EMAIL_LIFETIME: Duration = Duration::from_secs(24 * 3600);
pub const RESET_PASSWORD_LIFETIME: Duration = Duration::from_secs(30 * 60);
pub const SECOND_FACTOR_LIFETIME: Duration = Duration::from_secs(5 * 60);

pub struct OneTimeTokens {
    table: Arc<dyn Table>,
    clock: Arc<dyn Clock>,
}

impl OneTimeTokens {
    pub fn new(table: Arc<dyn Table>, clock: Arc<dyn Clock>) -> Self {
        Self { table, clock }
    }

    /// A new token for `user` that works once, for `lifetime`.
    pub async fn issue(&self, user: &UserId, purpose: Purpose, lifetime: Duration) -> Result<String, Error> {
        let token = format!("{TOKEN_PREFIX}{}", random_token()?);
        let key = key(&token);
        let index = owner_index(user, &format!("ONETIME#{}", key.pk.trim_start_matches("ONETIME#")));
        let item = Item::with_data(key, &Redeemed { user_id: user.clone(), purpose })?
            .expiring_at(self.clock.unix_now() + lifetime.as_secs() as i64)
            .in_index(index);
        self.table.put(item, Expect::Absent).await?;
        Ok(token)
    }

    /// What `token` is for, without spending it; `None` when it is unknown, spent, expired or
    /// meant for none of `kinds`.
    pub async fn peek(&self, token: &str, kinds: &[Kind]) -> Result<Option<Redeemed>, Error> {
        Ok(self.live(token, kinds).await?.map(|(_, redeemed)| redeemed))
    }

    /// Spends `token`: what it was for, once. `None` as for [`Self::peek`], and for the loser
    /// of two concurrent redemptions.
    pub async fn redeem(&self, token: &str, kinds: &[Kind]) -> Result<Option<Redeemed>, Error> {
        let Some((item, redeemed)) = self.live(token, kinds).await? else { return Ok(None) };
        match self.table.delete(&item.key, Expect::Version(item.version)).await {
            Ok(()) => Ok(Some(redeemed)),
            Err(TableError::ConditionFailed { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn live(&self, token: &str, kinds: &[Kind]) -> Result<Option<(Item, Redeemed)>, Error> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        let now = self.clock.unix_now();
        let Some(item) = self.table.get(&key(token)).await?.filter(|item| !item.is_expired(now)) else {
            return Ok(None);
        };
        let redeemed: Redeemed = item.data_as()?;
        Ok(kinds.contains(&redeemed.purpose.kind()).then_some((item, redeemed)))
    }
}

fn key(token: &str) -> ItemKey {
    let digest: String = Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    ItemKey::new(format!("ONETIME#{digest}"), "ONETIME")
}

#[cfg(test)]
mod tests {
    use r2w_core::clock::ManualClock;
    use r2w_embedded::SqliteTable;
    use time::OffsetDateTime;

    use super::*;

    #[tokio::test]
    async fn a_token_works_once_for_its_purpose_until_it_expires() {
        let clock = Arc::new(ManualClock::at(OffsetDateTime::now_utc()));
        let tokens = OneTimeTokens::new(Arc::new(SqliteTable::in_memory().expect("table")), clock.clone());
        let user = UserId::random();
        let token = tokens.issue(&user, Purpose::ResetPassword, RESET_PASSWORD_LIFETIME).await.expect("issued");
        assert_eq!(tokens.peek(&token, &[Kind::SecondFactor]).await.expect("peek"), None, "another purpose");
        let redeemed = tokens.redeem(&token, &[Kind::ResetPassword]).await.expect("redeem").expect("valid");
        assert_eq!(redeemed.user_id, user);
        assert_eq!(tokens.redeem(&token, &[Kind::ResetPassword]).await.expect("redeem"), None, "spent");

        let late = tokens.issue(&user, Purpose::ResetPassword, RESET_PASSWORD_LIFETIME).await.expect("issued");
        clock.advance(RESET_PASSWORD_LIFETIME + Duration::from_secs(1));
        assert_eq!(tokens.redeem(&late, &[Kind::ResetPassword]).await.expect("redeem"), None, "expired");
        assert_eq!(tokens.redeem("", &[Kind::ResetPassword]).await.expect("redeem"), None);
    }
}

//! Sessions: a short-lived access token (JWT, 15 minutes) plus an opaque refresh token that
//! lasts 7 days and is replaced every time it is used.
//!
//! Each sign-in starts a family: `USER#{user}/FAMILY#{family}`. A refresh token is 256 random
//! bits; only its SHA-256 is stored (`REFRESH#{hash}`), with its family, and it works once.
//! Presenting a token that was already used means two parties hold it (one of them a thief),
//! so the whole family is revoked and both must sign in again. Signing out revokes the family;
//! signing out everywhere revokes every family and every access token issued until then.
//!
//! A family remembers when it signed in, when it was last refreshed and the browser's
//! `User-Agent`, so its owner can list their sessions and end one. Ending one stops its
//! refresh token at once; its last access token lives out its 15 minutes.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use r2w_core::Error;
use r2w_core::auth_token::{AccessTokens, SessionClaims};
use r2w_core::clock::{Clock, unix_rfc3339};
use r2w_core::model::UserId;
use r2w_core::records::{owner_index, owner_pk, user_pk, users};
use r2w_core::store::{Expect, Item, ItemKey, Query, Table, TableError, TransactOp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How long a session lasts without being used.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);
const REFRESH_TOKEN_PREFIX: &str = "r2w_rt_";

/// What a successful sign-in or refresh answers.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    /// Absent when a browser app keeps it in the session cookie (`R2W-Session: cookie`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub token_type: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RefreshRecord {
    user_id: UserId,
    family_id: String,
    used: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FamilyRecord {
    started_at: i64,
    #[serde(default)]
    last_used_at: Option<i64>,
    #[serde(default)]
    user_agent: Option<String>,
}

/// A signed-in session as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignedInSession {
    pub id: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339: the last time it refreshed its tokens (or signed in).
    pub last_used_at: String,
    pub user_agent: Option<String>,
    /// The session this request comes from.
    pub current: bool,
}

/// The longest `User-Agent` kept (browsers send about 150 characters).
const MAX_USER_AGENT: usize = 300;

pub struct Sessions {
    table: Arc<dyn Table>,
    tokens: Arc<AccessTokens>,
    clock: Arc<dyn Clock>,
}

impl Sessions {
    pub fn new(table: Arc<dyn Table>, tokens: Arc<AccessTokens>, clock: Arc<dyn Clock>) -> Self {
        Self { table, tokens, clock }
    }

    /// A new session (family) for `user`, from a browser that says it is `user_agent`.
    pub async fn start(&self, user: &UserId, user_agent: Option<&str>) -> Result<TokenPair, Error> {
        let account =
            users::load(self.table.as_ref(), user).await?.filter(|a| !a.deleting).ok_or(Error::Unauthorized)?;
        let family = random_token()?;
        let now = self.clock.unix_now();
        let user_agent = user_agent.map(|ua| ua.chars().filter(|c| !c.is_control()).take(MAX_USER_AGENT).collect());
        let record = FamilyRecord { started_at: now, last_used_at: Some(now), user_agent };
        let family_item =
            Item::with_data(family_key(user, &family), &record)?.expiring_at(now + SESSION_LIFETIME.as_secs() as i64);
        let (refresh_token, token_item) = self.new_refresh_token(user, &family, now)?;
        self.table
            .transact(vec![TransactOp::Put(family_item, Expect::Absent), TransactOp::Put(token_item, Expect::Absent)])
            .await?;
        self.pair(&account, refresh_token, now, &SessionClaims { id: family, signed_in_at: now })
    }

    /// `user`'s live sessions, most recently used first; `current` names the caller's.
    pub async fn list(&self, user: &UserId, current: Option<&str>) -> Result<Vec<SignedInSession>, Error> {
        let now = self.clock.unix_now();
        let families = self.table.query(Query::partition(user_pk(user), "FAMILY#").limit(1000)).await?;
        let mut views = Vec::new();
        for item in families.items.into_iter().filter(|item| !item.is_expired(now)) {
            let id = item.key.sk.trim_start_matches("FAMILY#").to_owned();
            let record: FamilyRecord = item.data_as()?;
            views.push(SignedInSession {
                current: current == Some(id.as_str()),
                created_at: unix_rfc3339(record.started_at),
                last_used_at: unix_rfc3339(record.last_used_at.unwrap_or(record.started_at)),
                user_agent: record.user_agent,
                id,
            });
        }
        views.sort_by(|a, b| b.last_used_at.cmp(&a.last_used_at));
        Ok(views)
    }

    /// Ends one of `user`'s sessions; `false` when it had no such live session.
    pub async fn revoke(&self, user: &UserId, session: &str) -> Result<bool, Error> {
        if session.is_empty() || session.len() > 64 || session.contains('#') {
            return Ok(false);
        }
        let key = family_key(user, session);
        if self.table.get(&key).await?.is_none() {
            return Ok(false);
        }
        self.revoke_family(user, session).await?;
        let tokens = self.table.query(Query::gsi1(owner_pk(user), format!("REFRESH#{session}")).limit(1000)).await?;
        for token in tokens.items {
            self.table.delete(&token.key, Expect::Anything).await?;
        }
        Ok(true)
    }

    /// Swaps a refresh token for a new pair. An unknown, expired or revoked token is
    /// [`Error::Unauthorized`]; so is a used one, which also revokes its family.
    pub async fn refresh(&self, refresh_token: &str) -> Result<(UserId, TokenPair), Error> {
        let key = token_key(refresh_token);
        let now = self.clock.unix_now();
        let item = self.live(&key, now).await?.ok_or(Error::Unauthorized)?;
        let record: RefreshRecord = item.data_as()?;
        if record.used {
            tracing::warn!(user = %record.user_id, "a refresh token was used twice; its session is revoked");
            self.revoke_family(&record.user_id, &record.family_id).await?;
            return Err(Error::Unauthorized);
        }
        let account = users::load(self.table.as_ref(), &record.user_id)
            .await?
            .filter(|a| !a.deleting)
            .ok_or(Error::Unauthorized)?;
        let family =
            self.live(&family_key(&record.user_id, &record.family_id), now).await?.ok_or(Error::Unauthorized)?;

        let expires_at = now + SESSION_LIFETIME.as_secs() as i64;
        let used = RefreshRecord { used: true, ..record };
        let mut used_item = Item::with_data(key, &used)?.at_version(item.version + 1);
        used_item.gsi1 = item.gsi1.clone();
        used_item.expires_at = item.expires_at;
        let family_record = FamilyRecord { last_used_at: Some(now), ..family.data_as::<FamilyRecord>()? };
        let session = SessionClaims { id: used.family_id.clone(), signed_in_at: family_record.started_at };
        let mut family_item = Item::with_data(family.key.clone(), &family_record)?.at_version(family.version + 1);
        family_item.expires_at = Some(expires_at);
        let (new_token, new_item) = self.new_refresh_token(&used.user_id, &used.family_id, now)?;
        let ops = vec![
            TransactOp::Put(used_item, Expect::Version(item.version)),
            TransactOp::Put(family_item, Expect::Version(family.version)),
            TransactOp::Put(new_item, Expect::Absent),
        ];
        match self.table.transact(ops).await {
            Ok(()) => Ok((used.user_id.clone(), self.pair(&account, new_token, now, &session)?)),
            Err(TableError::ConditionFailed { .. }) => {
                tracing::warn!(user = %used.user_id, "a refresh token was used twice at once; its session is revoked");
                self.revoke_family(&used.user_id, &used.family_id).await?;
                Err(Error::Unauthorized)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Signs out the session `refresh_token` belongs to. Unknown tokens are ignored: the
    /// outcome the caller wants (that token no longer works) already holds.
    pub async fn end(&self, refresh_token: &str) -> Result<(), Error> {
        if let Some(item) = self.table.get(&token_key(refresh_token)).await? {
            let record: RefreshRecord = item.data_as()?;
            self.revoke_family(&record.user_id, &record.family_id).await?;
        }
        Ok(())
    }

    /// Signs `user` out everywhere: every session, and every access token issued until now.
    pub async fn end_all(&self, user: &UserId) -> Result<(), Error> {
        users::update(self.table.as_ref(), user, |account| users::UserRecord {
            session_epoch: account.session_epoch.wrapping_add(1),
            ..account
        })
        .await?;
        let families = self.table.query(Query::partition(user_pk(user), "FAMILY#").limit(1000)).await?;
        for family in families.items {
            self.table.delete(&family.key, Expect::Anything).await?;
        }
        let tokens = self.table.query(Query::gsi1(owner_pk(user), "REFRESH#").limit(1000)).await?;
        for token in tokens.items {
            self.table.delete(&token.key, Expect::Anything).await?;
        }
        Ok(())
    }

    /// The item at `key` unless it has expired by our clock (the table's purge may lag).
    async fn live(&self, key: &ItemKey, now: i64) -> Result<Option<Item>, Error> {
        Ok(self.table.get(key).await?.filter(|item| !item.is_expired(now)))
    }

    /// Revokes a family: its item goes, so none of its tokens can be swapped again. The
    /// tokens themselves stay until they expire, so a replayed one is still recognised.
    async fn revoke_family(&self, user: &UserId, family: &str) -> Result<(), Error> {
        Ok(self.table.delete(&family_key(user, family), Expect::Anything).await?)
    }

    fn new_refresh_token(&self, user: &UserId, family: &str, now: i64) -> Result<(String, Item), Error> {
        let token = format!("{REFRESH_TOKEN_PREFIX}{}", random_token()?);
        let record = RefreshRecord { user_id: user.clone(), family_id: family.to_owned(), used: false };
        let item = Item::with_data(token_key(&token), &record)?
            .expiring_at(now + SESSION_LIFETIME.as_secs() as i64)
            .in_index(owner_index(user, &format!("REFRESH#{family}")));
        Ok((token, item))
    }

    fn pair(
        &self,
        account: &users::UserRecord,
        refresh_token: String,
        now: i64,
        session: &SessionClaims,
    ) -> Result<TokenPair, Error> {
        Ok(TokenPair {
            access_token: self.tokens.issue_in(&account.id, account.session_epoch, now, Some(session))?,
            refresh_token: Some(refresh_token),
            expires_in: self.tokens.lifetime().as_secs(),
            token_type: "Bearer".into(),
        })
    }
}

fn family_key(user: &UserId, family: &str) -> ItemKey {
    ItemKey::new(user_pk(user), format!("FAMILY#{family}"))
}

/// Only the hash is stored: a leaked table does not hand out sessions. The token has 256 bits
/// of entropy, so a plain SHA-256 (no salt, no stretching) is enough.
fn token_key(token: &str) -> ItemKey {
    let digest: String = Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    ItemKey::new(format!("REFRESH#{digest}"), "REFRESH")
}

/// 256 random bits, base64url.
pub(crate) fn random_token() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::internal("no randomness", e))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

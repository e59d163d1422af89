//! Accounts. A user's profile sits in their own partition; the two ways to find it from outside
//! — an e-mail address and an OAuth identity — are items of their own, written in the same
//! transaction, so an address (in any spelling) or an identity belongs to one account at most.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::versioned::{self, Attempt};
use super::{owner_index, user_pk};
use crate::model::{Email, UserId};
use crate::store::{Expect, Item, ItemKey, Table, TableError, TransactOp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserRecord {
    pub id: UserId,
    pub email: Email,
    /// Proven by an OAuth provider or by a link mailed to it; an address typed at
    /// registration is not, until its link is opened.
    pub email_verified: bool,
    pub full_name: String,
    /// An argon2id PHC string; `None` for accounts that only sign in with a provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identities: Vec<Identity>,
    /// Raised to sign out everywhere: access tokens carry the epoch they were issued in, and
    /// only the current one is accepted (no clock involved, so no same-second loophole).
    #[serde(default)]
    pub session_epoch: u32,
    /// Set when deletion starts: the account accepts nothing more while it is being erased.
    #[serde(default)]
    pub deleting: bool,
    /// Two-factor sign-in (TOTP) is on; the secret is an item of its own.
    #[serde(default)]
    pub two_factor: bool,
    /// The language the person's mail is written in (BCP 47 primary tag), from the browser
    /// they registered with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Where an account imported from the original app came from (docs/migration.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported: Option<ImportedAccount>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl UserRecord {
    /// A new account with no password and no identities yet.
    pub fn new(id: UserId, email: Email, full_name: impl Into<String>, now: OffsetDateTime) -> Self {
        Self {
            id,
            email,
            email_verified: false,
            full_name: full_name.into(),
            password_hash: None,
            identities: Vec::new(),
            session_epoch: 0,
            deleting: false,
            two_factor: false,
            language: None,
            imported: None,
            created_at: now,
            updated_at: now,
        }
    }
}

/// The original app's account this one was imported from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportedAccount {
    pub legacy_user_id: String,
    pub password: ImportedPassword,
}

/// What became of the original app's password hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportedPassword {
    /// Kept; checked as bcrypt and replaced by argon2id at the first sign-in.
    Bcrypt,
    /// An unsalted SHA-256 (an old scheme, or the random password of an OAuth sign-up): not
    /// kept. The account signs in through a provider, never with that hash.
    UnsaltedSha256Dropped,
    /// Missing or of no known form: not kept.
    None,
}

/// An account at a sign-in provider (`google`, `linkedin`, `github`) and its stable subject id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Identity {
    pub provider: String,
    pub subject: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Pointer {
    user_id: UserId,
}

pub fn key(user: &UserId) -> ItemKey {
    ItemKey::new(user_pk(user), "PROFILE")
}

fn email_key(email: &Email) -> ItemKey {
    ItemKey::new(format!("EMAIL#{email}"), "EMAIL")
}

fn identity_key(identity: &Identity) -> ItemKey {
    ItemKey::new(format!("IDENTITY#{}#{}", identity.provider, identity.subject), "IDENTITY")
}

fn email_item(user: &UserRecord) -> Result<Item, TableError> {
    Ok(Item::with_data(email_key(&user.email), &Pointer { user_id: user.id.clone() })?
        .in_index(owner_index(&user.id, "EMAIL")))
}

fn identity_item(user: &UserId, identity: &Identity) -> Result<Item, TableError> {
    Ok(Item::with_data(identity_key(identity), &Pointer { user_id: user.clone() })?
        .in_index(owner_index(user, &format!("IDENTITY#{}", identity.provider))))
}

/// Stores a new account. `Ok(false)` when its e-mail address (or identity) already belongs to
/// another account; nothing is written then.
pub async fn create(table: &dyn Table, user: &UserRecord) -> Result<bool, TableError> {
    let mut ops = vec![
        TransactOp::Put(Item::with_data(key(&user.id), user)?, Expect::Absent),
        TransactOp::Put(email_item(user)?, Expect::Absent),
    ];
    for identity in &user.identities {
        ops.push(TransactOp::Put(identity_item(&user.id, identity)?, Expect::Absent));
    }
    match table.transact(ops).await {
        Ok(()) => Ok(true),
        Err(TableError::ConditionFailed { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

pub async fn load(table: &dyn Table, user: &UserId) -> Result<Option<UserRecord>, TableError> {
    table.get(&key(user)).await?.map(|item| item.data_as()).transpose()
}

async fn follow(table: &dyn Table, pointer: &ItemKey) -> Result<Option<UserRecord>, TableError> {
    let Some(item) = table.get(pointer).await? else { return Ok(None) };
    load(table, &item.data_as::<Pointer>()?.user_id).await
}

pub async fn by_email(table: &dyn Table, email: &Email) -> Result<Option<UserRecord>, TableError> {
    follow(table, &email_key(email)).await
}

pub async fn by_identity(table: &dyn Table, identity: &Identity) -> Result<Option<UserRecord>, TableError> {
    follow(table, &identity_key(identity)).await
}

/// Read-modify-write of the profile, retried while other writers get there first. `None` when
/// the account does not exist.
pub async fn update(
    table: &dyn Table,
    user: &UserId,
    change: impl Fn(UserRecord) -> UserRecord,
) -> Result<Option<UserRecord>, TableError> {
    versioned::update(table, &key(user), format!("user {user}"), |read| {
        let Some(read) = read else { return Ok(Attempt::Done(None)) };
        let next = change(read.data_as()?);
        let item = Item::with_data(key(user), &next)?;
        Ok(Attempt::replace(Some(&read), item, Some(next)))
    })
    .await
}

/// Moves the account to `email`: its claim on the old address goes and the new one is taken in
/// the same transaction, with `change` applied to the profile. `Ok(None)` when the new address
/// belongs to another account (or the account is gone).
pub async fn change_email(
    table: &dyn Table,
    user: &UserId,
    email: &Email,
    change: impl Fn(UserRecord) -> UserRecord,
) -> Result<Option<UserRecord>, TableError> {
    let moved = versioned::update(table, &key(user), format!("user {user}"), |read| {
        let Some(read) = read else { return Ok(Attempt::Done(None)) };
        let current: UserRecord = read.data_as()?;
        let old = current.email.clone();
        let next = UserRecord { email: email.clone(), ..change(current) };
        let profile = Item::with_data(key(user), &next)?.at_version(read.version + 1);
        let mut ops = vec![TransactOp::Put(profile, Expect::Version(read.version))];
        if old != *email {
            ops.push(TransactOp::Delete(email_key(&old), Expect::Anything));
            ops.push(TransactOp::Put(email_item(&next)?, Expect::Absent));
        }
        Ok(Attempt::Write { ops, answer: Some(next) })
    })
    .await;
    taken_is_none(moved)
}

/// Adds a provider identity to an existing account, applying `change` to the profile in the
/// same transaction. `Ok(None)` when the identity already belongs to an account.
pub async fn link_identity(
    table: &dyn Table,
    user: &UserId,
    identity: &Identity,
    change: impl Fn(UserRecord) -> UserRecord,
) -> Result<Option<UserRecord>, TableError> {
    let linked = versioned::update(table, &key(user), format!("user {user}"), |read| {
        let Some(read) = read else { return Ok(Attempt::Done(None)) };
        let mut next = change(read.data_as()?);
        next.identities.push(identity.clone());
        let profile = Item::with_data(key(user), &next)?.at_version(read.version + 1);
        let ops = vec![
            TransactOp::Put(profile, Expect::Version(read.version)),
            TransactOp::Put(identity_item(user, identity)?, Expect::Absent),
        ];
        Ok(Attempt::Write { ops, answer: Some(next) })
    })
    .await;
    taken_is_none(linked)
}

/// A claim's condition refused (the address or identity is someone else's): no change.
fn taken_is_none(written: Result<Option<UserRecord>, TableError>) -> Result<Option<UserRecord>, TableError> {
    match written {
        Err(TableError::ConditionFailed { .. }) => Ok(None),
        other => other,
    }
}

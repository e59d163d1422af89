//! Accounts: registering with a password, signing in with one, and signing in with a provider
//! (which finds the account by identity, links it by verified e-mail, or creates it).

use std::sync::Arc;

use r2w_core::Error;
use r2w_core::clock::Clock;
use r2w_core::model::{Email, UserId};
use r2w_core::records::users::{self, Identity, UserRecord};
use r2w_core::store::Table;
use secrecy::SecretString;
use serde::Serialize;

use crate::mail::messages::Lang;
use crate::password::Passwords;

pub const MAX_NAME_LENGTH: usize = 200;

/// An account as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: UserId,
    pub email: Email,
    pub email_verified: bool,
    pub full_name: String,
    pub has_password: bool,
    /// Sign-in asks for a code from an authenticator after the password.
    pub two_factor: bool,
    /// The providers the account can sign in with.
    pub providers: Vec<String>,
    pub created_at: String,
}

impl From<&UserRecord> for UserView {
    fn from(user: &UserRecord) -> Self {
        Self {
            id: user.id.clone(),
            email: user.email.clone(),
            email_verified: user.email_verified,
            full_name: user.full_name.clone(),
            has_password: user.password_hash.is_some(),
            two_factor: user.two_factor,
            providers: user.identities.iter().map(|i| i.provider.clone()).collect(),
            created_at: r2w_core::clock::rfc3339(user.created_at),
        }
    }
}

/// The account a provider sign-in opened.
#[derive(Debug)]
pub struct ProviderSignIn {
    pub account: UserRecord,
    /// The account's address had never been proven and its password is gone: every session
    /// it had must end (the caller ends them, then signs the owner in).
    pub took_over: bool,
}

/// What a provider vouches for after a successful sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderProfile {
    pub identity: Identity,
    pub email: Email,
    pub email_verified: bool,
    pub full_name: Option<String>,
}

pub struct Accounts {
    table: Arc<dyn Table>,
    clock: Arc<dyn Clock>,
    passwords: Passwords,
}

impl Accounts {
    pub fn new(table: Arc<dyn Table>, clock: Arc<dyn Clock>, passwords: Passwords) -> Self {
        Self { table, clock, passwords }
    }

    pub async fn register(
        &self,
        email: &Email,
        password: SecretString,
        full_name: &str,
        language: Lang,
    ) -> Result<UserRecord, Error> {
        let full_name = clean_name(full_name)?;
        check_strength(&password, email, &full_name)?;
        let user = UserRecord {
            password_hash: Some(self.passwords.hash(password).await?),
            language: Some(language.tag().to_owned()),
            ..UserRecord::new(UserId::random(), email.clone(), full_name, self.clock.now())
        };
        if users::create(self.table.as_ref(), &user).await? {
            tracing::info!(user = %user.id, "account registered");
            Ok(user)
        } else {
            Err(Error::Conflict("an account with this e-mail address already exists".into()))
        }
    }

    /// Whether `password` is `account`'s (false for an account without one), after the same
    /// work either way.
    pub async fn password_matches(&self, account: &UserRecord, password: SecretString) -> Result<bool, Error> {
        self.passwords.verify(password, account.password_hash.as_deref()).await
    }

    /// Whether `password` may become `account`'s (strong enough, not made of its name).
    pub fn check_new_password(&self, account: &UserRecord, password: &SecretString) -> Result<(), Error> {
        check_strength(password, &account.email, &account.full_name)
    }

    /// Gives `user` a new password (as strong as at sign-up) and applies `change` to the
    /// profile in the same write. The caller ends the sessions that must end.
    pub async fn set_password(
        &self,
        user: &UserId,
        password: SecretString,
        change: impl Fn(UserRecord) -> UserRecord,
    ) -> Result<UserRecord, Error> {
        let account = users::load(self.table.as_ref(), user).await?.ok_or(Error::Unauthorized)?;
        check_strength(&password, &account.email, &account.full_name)?;
        let hash = self.passwords.hash(password).await?;
        let now = self.clock.now();
        users::update(self.table.as_ref(), user, |u| UserRecord {
            password_hash: Some(hash.clone()),
            updated_at: now,
            ..change(u)
        })
        .await?
        .ok_or(Error::Unauthorized)
    }

    /// The account `email` and `password` open, or `None` — the same `None`, after the same
    /// work, whether the address is unknown or the password wrong.
    pub async fn login(&self, email: &Email, password: SecretString) -> Result<Option<UserRecord>, Error> {
        let account = users::by_email(self.table.as_ref(), email).await?.filter(|u| !u.deleting);
        let hash = account.as_ref().and_then(|u| u.password_hash.clone());
        let keep = password.clone();
        if !self.passwords.verify(password, hash.as_deref()).await? {
            return Ok(None);
        }
        let Some(account) = account else { return Ok(None) };
        if hash.as_deref().is_some_and(Passwords::needs_rehash) {
            let rehashed = self.passwords.hash(keep).await?;
            users::update(self.table.as_ref(), &account.id, |u| UserRecord {
                password_hash: Some(rehashed.clone()),
                ..u
            })
            .await?;
        }
        Ok(Some(account))
    }

    /// The account a provider sign-in opens: the one linked to the identity; else the one with
    /// the same (provider-verified) address, now linked; else a new one.
    ///
    /// Linking by address takes over an account whose address was never proven: whoever
    /// registered it with a password may not own the address (a pre-hijacking attempt), so
    /// that password is removed and every session of the account ends.
    pub async fn sign_in_with(&self, profile: ProviderProfile) -> Result<ProviderSignIn, Error> {
        let table = self.table.as_ref();
        if let Some(account) = users::by_identity(table, &profile.identity).await? {
            return if account.deleting {
                Err(Error::Unauthorized)
            } else {
                Ok(ProviderSignIn { account, took_over: false })
            };
        }
        if !profile.email_verified {
            return Err(Error::Forbidden);
        }
        let now = self.clock.now();
        if let Some(account) = users::by_email(table, &profile.email).await? {
            if account.deleting {
                return Err(Error::Unauthorized);
            }
            let unproven = !account.email_verified;
            let linked = users::link_identity(table, &account.id, &profile.identity, |u| UserRecord {
                email_verified: true,
                password_hash: if unproven { None } else { u.password_hash.clone() },
                updated_at: now,
                ..u
            })
            .await?
            .ok_or_else(|| Error::Conflict("this sign-in is already linked to another account".into()))?;
            tracing::info!(user = %linked.id, provider = %profile.identity.provider, unproven, "identity linked");
            return Ok(ProviderSignIn { account: linked, took_over: unproven });
        }
        let name = profile.full_name.as_deref().and_then(|n| clean_name(n).ok()).unwrap_or_default();
        let user = UserRecord {
            email_verified: true,
            identities: vec![profile.identity.clone()],
            ..UserRecord::new(UserId::random(), profile.email.clone(), name, now)
        };
        if users::create(table, &user).await? {
            tracing::info!(user = %user.id, provider = %profile.identity.provider, "account created by a provider");
            Ok(ProviderSignIn { account: user, took_over: false })
        } else {
            Err(Error::Conflict("the account changed while signing in; please try again".into()))
        }
    }
}

/// zxcvbn's verdict, told the person's own name and address so a password made of them fails.
fn check_strength(password: &SecretString, email: &Email, full_name: &str) -> Result<(), Error> {
    let mut personal: Vec<&str> = full_name.split_whitespace().collect();
    personal.push(email.as_str());
    personal.extend(email.as_str().split(['@', '.']));
    Passwords::check_strength(password, &personal)
}

fn clean_name(name: &str) -> Result<String, Error> {
    let name: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().any(char::is_control) || name.chars().count() > MAX_NAME_LENGTH {
        return Err(Error::Validation(format!("the name must be at most {MAX_NAME_LENGTH} printable characters")));
    }
    if name.is_empty() {
        return Err(Error::Validation("the name must not be empty".into()));
    }
    Ok(name)
}

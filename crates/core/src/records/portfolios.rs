//! Portfolios: a private preview (an unguessable folder in the sites store, replaced on each
//! build) and, once paid for, a public site at its slug. A slug belongs to one portfolio at a
//! time: claiming it is a conditional write on its own item.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::user_pk;
use super::versioned::{self, Attempt};
use crate::domains::{DnsRecord, DomainState, HostName};
use crate::model::{CvId, PortfolioId, Slug, UserId};
use crate::store::{Expect, Item, ItemKey, Query, Table, TableError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortfolioRecord {
    pub id: PortfolioId,
    pub user_id: UserId,
    pub cv_id: CvId,
    /// The CV version the current files were built from.
    pub cv_version: u64,
    pub theme: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<PreviewSite>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<PublishedSite>,
    /// The address chosen (and claimed) before publishing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<Slug>,
    /// Whom the site is about (the CV's name when it was last built), to tell CVs apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The person gave a photo for this site (kept with their uploads).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub photo: bool,
    /// The person's own domain in front of the published site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_domain: Option<CustomDomain>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreviewSite {
    /// `previews/{portfolio}/{expiry}-{token}`: the folder this build was written to; the
    /// expiry (Unix seconds) in its name is what the CDN and the local server refuse it after.
    pub prefix: String,
    #[serde(with = "time::serde::rfc3339")]
    pub built_at: OffsetDateTime,
    /// The files are removed by the store's lifecycle rule after this.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// The other themes this build was also drawn in, under `{prefix}/themes/{name}/`, for the
    /// person to compare with their own data (none for previews built before there were any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<String>,
}

impl PreviewSite {
    /// The folder for a preview of `portfolio` that expires at `expires_at`: its name carries
    /// the expiry, so whoever serves it needs no record to know when it is gone.
    pub fn folder(portfolio: &PortfolioId, expires_at: OffsetDateTime, token: &str) -> String {
        format!("{PREVIEWS}{portfolio}/{}-{token}", expires_at.unix_timestamp())
    }

    /// Whether it can no longer be seen at `now` (a folder named before previews carried their
    /// expiry is never served).
    pub fn expired(&self, now: OffsetDateTime) -> bool {
        now >= self.expires_at || preview_expiry(&self.prefix).is_none()
    }

    /// Where the preview is seen, under the sites URL (the CDN in the cloud).
    pub fn url(&self, sites_url: &url::Url) -> Option<String> {
        sites_url.join(&format!("{}/index.html", self.prefix)).ok().map(String::from)
    }

    /// Where the same CV is seen in another theme, if this build drew it.
    pub fn sample_url(&self, sites_url: &url::Url, theme: &str) -> Option<String> {
        self.samples
            .iter()
            .any(|t| t == theme)
            .then(|| sites_url.join(&format!("{}/themes/{theme}/index.html", self.prefix)).ok().map(String::from))
            .flatten()
    }
}

/// Where previews live in the sites store.
pub const PREVIEWS: &str = "previews/";

/// When the preview holding `key` (a store key or a path under the sites URL, without its
/// leading slash) expires, in Unix seconds: `None` for a key that is not in a preview folder
/// named as [`PreviewSite::folder`] names them, which is never served.
pub fn preview_expiry(key: &str) -> Option<i64> {
    let rest = key.strip_prefix(PREVIEWS)?;
    let (portfolio, rest) = rest.split_once('/')?;
    if portfolio.is_empty() {
        return None;
    }
    let folder = rest.split('/').next()?;
    let (expiry, token) = folder.split_once('-')?;
    if expiry.len() != 10 || !expiry.bytes().all(|b| b.is_ascii_digit()) || token.is_empty() {
        return None;
    }
    expiry.parse().ok()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublishedSite {
    pub slug: Slug,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
}

/// A custom domain as last seen at the CDN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomDomain {
    pub host: HostName,
    /// The CDN's handle for it (a distribution tenant's id in the cloud).
    pub handle: String,
    pub state: DomainState,
    pub records: Vec<DnsRecord>,
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub checked_at: OffsetDateTime,
}

/// Who holds a slug (or a custom domain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SlugClaim {
    pub portfolio_id: PortfolioId,
    pub user_id: UserId,
}

pub fn key(user: &UserId, portfolio: &PortfolioId) -> ItemKey {
    ItemKey::new(user_pk(user), format!("PORTFOLIO#{portfolio}"))
}

pub fn slug_key(slug: &Slug) -> ItemKey {
    ItemKey::new(format!("SLUG#{slug}"), "SLUG")
}

pub async fn load(
    table: &dyn Table,
    user: &UserId,
    portfolio: &PortfolioId,
) -> Result<Option<PortfolioRecord>, TableError> {
    table.get(&key(user, portfolio)).await?.map(|item| item.data_as()).transpose()
}

/// The user's portfolios (at most `limit`), in id order.
pub async fn list(table: &dyn Table, user: &UserId, limit: u32) -> Result<Vec<PortfolioRecord>, TableError> {
    let page = table.query(Query::partition(user_pk(user), "PORTFOLIO#").limit(limit)).await?;
    page.items.iter().map(Item::data_as).collect()
}

/// Writes `record` whole: created when absent, else replaced, retrying `change` on
/// concurrent writes. `change` sees the stored record (or `None`) and returns the new one.
pub async fn upsert(
    table: &dyn Table,
    user: &UserId,
    portfolio: &PortfolioId,
    mut change: impl FnMut(Option<PortfolioRecord>) -> PortfolioRecord,
) -> Result<PortfolioRecord, TableError> {
    let key = key(user, portfolio);
    versioned::update(table, &key, format!("portfolio {portfolio}"), |read| {
        let current = read.as_ref().map(Item::data_as::<PortfolioRecord>).transpose()?;
        let next = change(current);
        let item = Item::with_data(key.clone(), &next)?;
        Ok(Attempt::replace(read.as_ref(), item, next))
    })
    .await
}

pub async fn delete(table: &dyn Table, user: &UserId, portfolio: &PortfolioId) -> Result<(), TableError> {
    table.delete(&key(user, portfolio), Expect::Anything).await
}

/// Claims `slug` for the portfolio. `Ok(false)` when another portfolio holds it; claiming a
/// slug the portfolio already holds succeeds.
pub async fn claim_slug(table: &dyn Table, slug: &Slug, claim: &SlugClaim) -> Result<bool, TableError> {
    claim_name(table, slug_key(slug), claim).await
}

pub async fn slug_holder(table: &dyn Table, slug: &Slug) -> Result<Option<SlugClaim>, TableError> {
    holder(table, &slug_key(slug)).await
}

/// Gives a slug up, only if `claim` still holds it.
pub async fn release_slug(table: &dyn Table, slug: &Slug, claim: &SlugClaim) -> Result<(), TableError> {
    release_name(table, slug_key(slug), claim).await
}

async fn claim_name(table: &dyn Table, key: ItemKey, claim: &SlugClaim) -> Result<bool, TableError> {
    match table.put(Item::with_data(key.clone(), claim)?, Expect::Absent).await {
        Ok(()) => Ok(true),
        Err(TableError::ConditionFailed { .. }) => Ok(holder(table, &key).await?.as_ref() == Some(claim)),
        Err(e) => Err(e),
    }
}

async fn holder(table: &dyn Table, key: &ItemKey) -> Result<Option<SlugClaim>, TableError> {
    table.get(key).await?.map(|item| item.data_as()).transpose()
}

async fn release_name(table: &dyn Table, key: ItemKey, claim: &SlugClaim) -> Result<(), TableError> {
    let Some(item) = table.get(&key).await? else { return Ok(()) };
    if item.data_as::<SlugClaim>()? != *claim {
        return Ok(());
    }
    match table.delete(&key, Expect::Version(item.version)).await {
        Ok(()) | Err(TableError::ConditionFailed { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

pub fn domain_key(host: &HostName) -> ItemKey {
    ItemKey::new(format!("DOMAIN#{host}"), "DOMAIN")
}

/// Claims `host` for the portfolio, as [`claim_slug`] claims a slug: one portfolio per domain.
pub async fn claim_domain(table: &dyn Table, host: &HostName, claim: &SlugClaim) -> Result<bool, TableError> {
    claim_name(table, domain_key(host), claim).await
}

pub async fn domain_holder(table: &dyn Table, host: &HostName) -> Result<Option<SlugClaim>, TableError> {
    holder(table, &domain_key(host)).await
}

/// Gives a domain up, only if `claim` still holds it.
pub async fn release_domain(table: &dyn Table, host: &HostName, claim: &SlugClaim) -> Result<(), TableError> {
    release_name(table, domain_key(host), claim).await
}

//! Deleting an account: everything the person owns goes, in the table and in both object stores.
//!
//! [`delete_everything`] is the one routine for it, and it finds what to delete by convention
//! rather than by a list each feature must remember to extend:
//! - every item in the user's partition `USER#{user}` (jobs, CV heads, portfolios, refresh-token
//!   families, orders...) is deleted; the kinds that point at more data are followed first
//!   (a CV's versions, a job's original, a portfolio's preview, public site, address and
//!   custom domain, which the CDN stops serving);
//! - every item elsewhere that carries `gsi1 = OWNER#{user}` (the e-mail and identity claims,
//!   refresh tokens) is deleted, except orders: accounting keeps them, without the link to the
//!   person or their portfolio (and so out of the owner index);
//! - every object under `uploads/{user}/` is erased with all its earlier versions, and the
//!   extractions the original app made of those files go with them (Claude's extractions for
//!   the person are theirs in the owner index, above);
//! - the table is then told to forget what was deleted (SQLite overwrites the freed pages and
//!   empties its write-ahead log), so the bytes are gone too, not only the items.
//!
//! A feature that stores something new follows one of those conventions and is covered. The
//! routine is idempotent: the profile is marked `deleting` first (the account then accepts
//! nothing) and removed last, so a run that fails half-way is finished by running it again.

use crate::App;
use crate::error::Error;
use crate::model::{CvId, Job, PortfolioId, UserId};
use crate::records::portfolios::{self, PortfolioRecord, SlugClaim};
use crate::records::{cvs, extractions, orders, owner_pk, uploads, user_pk, users};
use crate::store::{BlobError, BlobKey, Expect, Item, ItemKey, Query, Table};

/// How much was removed, for the log line an operator reads after a deletion request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Erased {
    pub items: usize,
    pub objects: usize,
}

pub async fn delete_everything(app: &App, user: &UserId) -> Result<Erased, Error> {
    let table = app.table.as_ref();
    users::update(table, user, |profile| users::UserRecord { deleting: true, ..profile }).await?;
    let mut erased = Erased::default();

    let profile_key = users::key(user);
    for item in all(table, Query::partition(user_pk(user), "")).await? {
        if item.key == profile_key {
            continue;
        }
        follow(app, user, &item, &mut erased).await?;
        table.delete(&item.key, Expect::Anything).await?;
        erased.items += 1;
    }
    for item in all(table, Query::gsi1(owner_pk(user), "")).await? {
        if orders::is_order(&item.key) {
            let order: orders::OrderRecord = item.data_as()?;
            let now = time::OffsetDateTime::now_utc();
            orders::update(table, &order.id, now, |order| *order = orders::anonymize(order.clone())).await?;
        } else {
            table.delete(&item.key, Expect::Anything).await?;
        }
        erased.items += 1;
    }
    let originals = format!("uploads/{user}/");
    for object in app.uploads.list(&originals).await? {
        erased.items += forget_extractions_of(app, &object.key).await?;
    }
    erased.objects += app.uploads.erase(&originals).await?;
    table.delete(&profile_key, Expect::Anything).await?;
    table.forget_deleted().await?;
    tracing::info!(user = %user, items = erased.items, objects = erased.objects, "account deleted");
    Ok(erased)
}

/// Deletes one CV and everything made from it: its versions, the upload's job and original
/// (with any extraction kept of it), its portfolio's preview, public site and address. Orders
/// stay for accounting, as in [`delete_everything`]. `None`: the user has no such CV.
pub async fn delete_cv(app: &App, user: &UserId, cv: &CvId) -> Result<Option<Erased>, Error> {
    let table = app.table.as_ref();
    let head = cvs::key(user, cv);
    let Some(head_item) = table.get(&head).await? else { return Ok(None) };
    let mut erased = Erased::default();
    // Its jobs: the upload it came from, and every rebuild after an edit.
    let mut made_from = Vec::new();
    for item in all(table, Query::partition(user_pk(user), "JOB#")).await? {
        let job: Job = item.data_as()?;
        if job.cv_id.as_ref() == Some(cv) {
            made_from.push(item);
        }
    }
    // A portfolio shares its CV's id.
    if let Ok(portfolio) = PortfolioId::parse(cv.as_str())
        && let Some(item) = table.get(&portfolios::key(user, &portfolio)).await?
    {
        made_from.push(item);
    }
    // The uploads those jobs were made from.
    let originals: Vec<String> = made_from.iter().filter_map(|item| item.data_as::<Job>().ok()?.upload_key).collect();
    for item in all(table, Query::partition(user_pk(user), "UPLOAD#")).await? {
        let upload: uploads::UploadRecord = item.data_as()?;
        if originals.contains(&upload.object_key()) {
            made_from.push(item);
        }
    }
    for item in made_from {
        follow(app, user, &item, &mut erased).await?;
        table.delete(&item.key, Expect::Anything).await?;
        erased.items += 1;
    }
    // The head goes last: a run that fails half-way is finished by asking again.
    follow(app, user, &head_item, &mut erased).await?;
    table.delete(&head, Expect::Anything).await?;
    erased.items += 1;
    table.forget_deleted().await?;
    tracing::info!(user = %user, cv = %cv, items = erased.items, objects = erased.objects, "CV deleted");
    Ok(Some(erased))
}

/// Deletes what `item` points at outside the user's partition.
async fn follow(app: &App, user: &UserId, item: &Item, erased: &mut Erased) -> Result<(), Error> {
    let table = app.table.as_ref();
    if let Some(cv) = item.key.sk.strip_prefix("CV#") {
        let cv = CvId::parse(cv).map_err(|e| Error::internal(format!("item {}", item.key), e))?;
        let versions = format!("{}#CV#{cv}", user_pk(user));
        for version in all(table, Query::partition(versions, "")).await? {
            table.delete(&version.key, Expect::Anything).await?;
            erased.items += 1;
        }
    } else if item.key.sk.starts_with("JOB#") {
        let job: Job = item.data_as()?;
        if let Some(key) = job.upload_key.and_then(|k| BlobKey::parse(k).ok()) {
            erased.items += forget_extractions_of(app, &key).await?;
            erased.objects += app.uploads.erase(key.as_str()).await?;
        }
    } else if item.key.sk.starts_with("PORTFOLIO#") {
        let portfolio: PortfolioRecord = item.data_as()?;
        erased.objects += app.sites.erase(&format!("previews/{}/", portfolio.id)).await?;
        erased.objects += app.uploads.erase(&format!("uploads/{user}/photos/{}/", portfolio.id)).await?;
        let claim = SlugClaim { portfolio_id: portfolio.id.clone(), user_id: user.clone() };
        if let Some(domain) = &portfolio.custom_domain {
            crate::domains::take_off(app.domains.as_ref(), table, domain, &claim).await?;
        }
        for slug in portfolio.published.map(|p| p.slug).into_iter().chain(portfolio.slug) {
            erased.objects += app.sites.erase(&format!("sites/{slug}/")).await?;
            portfolios::release_slug(table, &slug, &claim).await?;
        }
    }
    Ok(())
}

async fn all(table: &dyn Table, query: Query) -> Result<Vec<Item>, Error> {
    let mut items = Vec::new();
    let mut query = query.limit(500);
    loop {
        let page = table.query(query.clone()).await?;
        items.extend(page.items);
        match page.next {
            Some(next) => query = query.after(Some(next)),
            None => return Ok(items),
        }
    }
}

/// Deletes the original app's extractions of the file at `key`, read to learn its hash.
async fn forget_extractions_of(app: &App, key: &BlobKey) -> Result<usize, Error> {
    match app.uploads.get(key).await {
        Ok(original) => Ok(extractions::forget_imported(app.table.as_ref(), &original.body).await?),
        Err(BlobError::NotFound(_)) => Ok(0),
        Err(e) => Err(e.into()),
    }
}

/// The item keys an account's deletion must leave behind: none. Exposed for tests of features
/// that add data, so each can assert its own items are covered.
pub async fn remaining_items(table: &dyn Table, user: &UserId) -> Result<Vec<ItemKey>, Error> {
    let mut keys: Vec<ItemKey> =
        all(table, Query::partition(user_pk(user), "")).await?.into_iter().map(|i| i.key).collect();
    keys.extend(all(table, Query::gsi1(owner_pk(user), "")).await?.into_iter().map(|i| i.key));
    Ok(keys)
}

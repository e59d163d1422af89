//! Where rendered sites live in the sites store, and how they change without a visitor ever
//! seeing half of one.
//!
//! - A preview is written to a fresh unguessable folder, `previews/{portfolio}/{token}/`; only
//!   when every file is there does the portfolio record switch to it, and then the previous
//!   folder is removed. The token is the capability: whoever has the link may look, nobody can
//!   guess it, and each rebuild revokes the last link. Pages say `noindex`. It expires after
//!   24 h: the folder's name carries the time, after which the CDN (and the local server)
//!   answer 410 Gone; the store's lifecycle rule (the local server's sweep) removes the files.
//! - A published site lives at `sites/{slug}/`. Its stylesheet is content-hashed, so a rebuild
//!   writes the new stylesheet and side files first and `index.html` (the page that points at
//!   them) last, each object replaced whole; files the new build no longer has are removed
//!   after that. A visitor sees the old site or the new one.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use r2w_core::clock::Clock;
use r2w_core::domains::{DomainCheck, DomainState, HostName, take_off};
use r2w_core::model::{PortfolioId, Slug, UserId};
use r2w_core::records::cvs::{self, CvRecord};
use r2w_core::records::orders;
use r2w_core::records::portfolios::{self, CustomDomain, PortfolioRecord, PreviewSite, PublishedSite, SlugClaim};
use r2w_core::store::{BlobError, BlobKey, PresignPut, PresignedRequest, PutOptions};
use r2w_core::{App, Error};
use url::Url;

use crate::photo;
use crate::render::{ERROR_PAGES_FOLDER, Site, SiteOptions, error_pages, render};
use crate::themes::Theme;

pub const PREVIEW_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// A default slug taken by someone else is tried with -2, -3... up to this number.
const MAX_SLUG_SUFFIX: u32 = 50;

pub struct Sites {
    app: App,
    clock: Arc<dyn Clock>,
    /// The store's error page is written with the first publication of each process.
    error_pages_written: AtomicBool,
}

impl Sites {
    pub fn new(app: App, clock: Arc<dyn Clock>) -> Self {
        Self { app, clock, error_pages_written: AtomicBool::new(false) }
    }

    /// Where a preview is seen.
    pub fn preview_url(&self, preview: &PreviewSite) -> Option<String> {
        preview.url(&self.app.config.sites_url)
    }

    /// Where the preview is seen in `theme`, when the build drew it.
    pub fn sample_url(&self, preview: &PreviewSite, theme: &str) -> Option<String> {
        preview.sample_url(&self.app.config.sites_url, theme)
    }

    /// Where a published site is seen: on its own host when the sites have a domain.
    pub fn public_url(&self, slug: &Slug) -> Option<Url> {
        self.app.config.site_url(slug)
    }

    /// Where the site at `slug` is seen: at the person's own domain once that is active.
    pub fn address(&self, slug: &Slug, domain: Option<&CustomDomain>) -> Option<Url> {
        match domain.filter(|d| d.state == DomainState::Active) {
            Some(domain) => self.app.config.sites_url_at(domain.host.as_str()),
            None => self.public_url(slug),
        }
    }

    /// Puts `host` in front of the published portfolio: claimed for it (one portfolio per
    /// domain), handed to the CDN and checked once. A domain it had before is taken off.
    pub async fn add_domain(
        &self,
        user: &UserId,
        portfolio: &PortfolioId,
        host: HostName,
    ) -> Result<PortfolioRecord, Error> {
        let table = self.app.table.as_ref();
        let record = self.existing(user, portfolio).await?;
        let Some(published) = &record.published else {
            return Err(Error::Conflict("publish the site before giving it a domain".into()));
        };
        let ours = [self.app.config.sites_domain.as_deref(), self.app.config.public_url.host_str()];
        if ours.into_iter().flatten().any(|domain| host.is_within(domain)) {
            return Err(Error::Validation(format!("{host} is one of this service's own addresses")));
        }
        if record.custom_domain.as_ref().is_some_and(|d| d.host == host) {
            return self.check_domain(user, portfolio).await;
        }
        let claim = SlugClaim { portfolio_id: portfolio.clone(), user_id: user.clone() };
        if !portfolios::claim_domain(table, &host, &claim).await? {
            return Err(Error::Conflict(format!("{host} is already the domain of another site")));
        }
        let handle = match self.app.domains.attach(&host, &published.slug).await {
            Ok(handle) => handle,
            Err(e) => {
                portfolios::release_domain(table, &host, &claim).await?;
                return Err(e.into());
            }
        };
        let now = self.clock.now();
        let check = self.app.domains.check(&handle, &host).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "a new custom domain could not be checked yet");
            DomainCheck { state: DomainState::Pending, records: Vec::new() }
        });
        let domain =
            CustomDomain { host, handle, state: check.state, records: check.records, added_at: now, checked_at: now };
        let mut previous = None;
        let updated = portfolios::upsert(table, user, portfolio, |stored| {
            let stored = stored.unwrap_or_else(|| record.clone());
            previous = stored.custom_domain.clone();
            PortfolioRecord { custom_domain: Some(domain.clone()), updated_at: now, ..stored }
        })
        .await?;
        let was_active = previous.as_ref().is_some_and(|old| old.state == DomainState::Active);
        if let Some(old) = previous.filter(|old| old.handle != domain.handle) {
            take_off(self.app.domains.as_ref(), table, &old, &claim).await?;
        }
        // The site's links move only when the address it is seen at changes.
        if was_active || domain.state == DomainState::Active {
            self.readdress(&updated).await?;
        }
        Ok(updated)
    }

    /// Asks the CDN where the portfolio's domain stands; once it turns active, the site is
    /// rewritten with its links at that domain.
    pub async fn check_domain(&self, user: &UserId, portfolio: &PortfolioId) -> Result<PortfolioRecord, Error> {
        let table = self.app.table.as_ref();
        let record = self.existing(user, portfolio).await?;
        let Some(domain) = record.custom_domain.clone() else {
            return Err(Error::NotFound("custom domain".into()));
        };
        let check = self.app.domains.check(&domain.handle, &domain.host).await?;
        let now = self.clock.now();
        let updated = portfolios::upsert(table, user, portfolio, |stored| {
            let stored = stored.unwrap_or_else(|| record.clone());
            let custom_domain = stored
                .custom_domain
                .clone()
                .filter(|d| d.handle == domain.handle)
                .map(|d| CustomDomain { state: check.state, records: check.records.clone(), checked_at: now, ..d });
            PortfolioRecord { custom_domain, ..stored }
        })
        .await?;
        if domain.state != check.state {
            tracing::info!(portfolio = %portfolio, state = ?check.state, "custom domain changed state");
            self.readdress(&updated).await?;
        }
        Ok(updated)
    }

    /// Takes the portfolio's domain off: the CDN stops serving it and the name is free again.
    pub async fn remove_domain(&self, user: &UserId, portfolio: &PortfolioId) -> Result<PortfolioRecord, Error> {
        let table = self.app.table.as_ref();
        let record = self.existing(user, portfolio).await?;
        let Some(domain) = record.custom_domain.clone() else { return Ok(record) };
        let claim = SlugClaim { portfolio_id: portfolio.clone(), user_id: user.clone() };
        take_off(self.app.domains.as_ref(), table, &domain, &claim).await?;
        let now = self.clock.now();
        let updated = portfolios::upsert(table, user, portfolio, |stored| PortfolioRecord {
            custom_domain: None,
            updated_at: now,
            ..stored.unwrap_or_else(|| record.clone())
        })
        .await?;
        if domain.state == DomainState::Active {
            self.readdress(&updated).await?;
        }
        Ok(updated)
    }

    /// The user's portfolio, which must exist.
    async fn existing(&self, user: &UserId, portfolio: &PortfolioId) -> Result<PortfolioRecord, Error> {
        portfolios::load(self.app.table.as_ref(), user, portfolio)
            .await?
            .ok_or_else(|| Error::NotFound("portfolio".into()))
    }

    /// Rewrites the published site with its links at its address now.
    async fn readdress(&self, record: &PortfolioRecord) -> Result<(), Error> {
        let Some(published) = &record.published else { return Ok(()) };
        let user = &record.user_id;
        let cv = cvs::load(self.app.table.as_ref(), user, &record.cv_id)
            .await?
            .ok_or_else(|| Error::NotFound("CV".into()))?;
        let canonical = self.address(&published.slug, record.custom_domain.as_ref());
        let theme = Theme::parse(&record.theme).unwrap_or_default();
        let photo = self.photo(user, &record.id).await?;
        self.write_public(&published.slug, canonical, photo, &cv, theme).await
    }

    /// Renders the CV with `theme` as the portfolio's new preview (and, when the portfolio is
    /// published, as its public site too: an edit or a theme change shows there as well).
    pub async fn build_preview(
        &self,
        portfolio: &PortfolioId,
        cv: &CvRecord,
        theme: Theme,
    ) -> Result<PortfolioRecord, Error> {
        let photo = self.photo(&cv.user_id, portfolio).await?;
        let options = SiteOptions::preview(theme).with_photo(photo.clone());
        let site = render(&cv.cv, &options).map_err(|e| Error::internal("rendering the site", e))?;
        let now = self.clock.now();
        let expires_at = now + PREVIEW_LIFETIME;
        let prefix = PreviewSite::folder(portfolio, expires_at, &unguessable_token()?);
        // The other themes too, so the person compares them with their own data (a millisecond
        // each; they go with the preview).
        let mut samples = Vec::new();
        for other in Theme::ALL.iter().copied().filter(|t| *t != theme) {
            let options = SiteOptions::preview(other).with_photo(photo.clone());
            let sample = render(&cv.cv, &options).map_err(|e| Error::internal("rendering the site", e))?;
            self.write(&format!("{prefix}/themes/{}", other.name()), &sample).await?;
            samples.push(other.name().to_owned());
        }
        self.write(&prefix, &site).await?;

        let preview = PreviewSite { prefix: prefix.clone(), built_at: now, expires_at, samples };
        let mut replaced = None;
        let record = portfolios::upsert(self.app.table.as_ref(), &cv.user_id, portfolio, |current| {
            replaced = current.as_ref().and_then(|c| c.preview.as_ref()).map(|p| p.prefix.clone());
            let base = current.unwrap_or_else(|| PortfolioRecord {
                id: portfolio.clone(),
                user_id: cv.user_id.clone(),
                cv_id: cv.id.clone(),
                cv_version: cv.version,
                theme: theme.name().to_owned(),
                preview: None,
                published: None,
                slug: None,
                name: None,
                photo: false,
                custom_domain: None,
                created_at: now,
                updated_at: now,
            });
            PortfolioRecord {
                cv_id: cv.id.clone(),
                cv_version: cv.version,
                theme: theme.name().to_owned(),
                preview: Some(preview.clone()),
                name: cv.cv.hero.full_name.clone(),
                updated_at: now,
                ..base
            }
        })
        .await?;
        if let Some(old) = replaced.filter(|old| *old != prefix) {
            self.remove_folder(&old).await;
        }
        if let Some(published) = &record.published {
            let canonical = self.address(&published.slug, record.custom_domain.as_ref());
            self.write_public(&published.slug, canonical, photo, cv, theme).await?;
        }
        Ok(record)
    }

    /// Publishes the portfolio at `requested` (or its current address, or one made from the
    /// person's name). A slug someone else holds is a conflict when asked for by name.
    pub async fn publish(
        &self,
        user: &UserId,
        portfolio: &PortfolioId,
        requested: Option<Slug>,
    ) -> Result<PortfolioRecord, Error> {
        let table = self.app.table.as_ref();
        let record = self.existing(user, portfolio).await?;
        let cv = cvs::load(table, user, &record.cv_id).await?.ok_or_else(|| Error::NotFound("CV".into()))?;
        let theme = Theme::parse(&record.theme).unwrap_or_default();
        let claim = SlugClaim { portfolio_id: portfolio.clone(), user_id: user.clone() };
        let current = record.published.as_ref().map(|p| p.slug.clone());

        let slug = match requested.or_else(|| current.clone()).or_else(|| record.slug.clone()) {
            Some(slug) => {
                if !portfolios::claim_slug(table, &slug, &claim).await? {
                    return Err(Error::Conflict(format!("the address {slug} is taken; choose another")));
                }
                slug
            }
            None => self.claim_default_slug(&cv, portfolio, &claim).await?,
        };
        let photo = self.photo(user, portfolio).await?;
        self.write_public(&slug, self.address(&slug, record.custom_domain.as_ref()), photo, &cv, theme).await?;

        let now = self.clock.now();
        let record = portfolios::upsert(table, user, portfolio, |stored| {
            let stored = stored.unwrap_or_else(|| record.clone());
            let published_at = stored.published.as_ref().map_or(now, |p| p.published_at);
            PortfolioRecord {
                published: Some(PublishedSite { slug: slug.clone(), published_at }),
                updated_at: now,
                ..stored
            }
        })
        .await?;
        if let Some(old) = current.filter(|old| *old != slug) {
            if let Some(domain) = &record.custom_domain {
                self.app.domains.repoint(&domain.handle, &slug).await?;
            }
            self.remove_folder(&format!("sites/{old}")).await;
            portfolios::release_slug(table, &old, &claim).await?;
        }
        Ok(record)
    }

    /// Makes the portfolio public or private as its orders say (`orders::publication_due`):
    /// paid and not revoked -> published (at its chosen address, else one made from the name),
    /// otherwise not. Idempotent; a portfolio not built yet is published by its first build.
    pub async fn reconcile_publication(
        &self,
        user: &UserId,
        portfolio: &PortfolioId,
    ) -> Result<Option<PortfolioRecord>, Error> {
        let table = self.app.table.as_ref();
        let Some(record) = portfolios::load(table, user, portfolio).await? else { return Ok(None) };
        let due = orders::publication_due(table, user, portfolio).await?;
        let record = match (due, record.published.is_some()) {
            (true, false) => self.publish(user, portfolio, None).await?,
            (false, true) => self.unpublish(user, portfolio).await?,
            _ => record,
        };
        Ok(Some(record))
    }

    /// Changes the portfolio's address: a published site moves there, an unpublished one
    /// keeps it for when it is published. A slug someone else holds is a conflict.
    pub async fn choose_slug(
        &self,
        user: &UserId,
        portfolio: &PortfolioId,
        slug: Slug,
    ) -> Result<PortfolioRecord, Error> {
        let table = self.app.table.as_ref();
        let record = self.existing(user, portfolio).await?;
        if record.published.is_some() {
            return self.publish(user, portfolio, Some(slug)).await;
        }
        let claim = SlugClaim { portfolio_id: portfolio.clone(), user_id: user.clone() };
        if !portfolios::claim_slug(table, &slug, &claim).await? {
            return Err(Error::Conflict(format!("the address {slug} is taken; choose another")));
        }
        let now = self.clock.now();
        let updated = portfolios::upsert(table, user, portfolio, |stored| PortfolioRecord {
            slug: Some(slug.clone()),
            updated_at: now,
            ..stored.unwrap_or_else(|| record.clone())
        })
        .await?;
        if let Some(old) = record.slug.filter(|old| *old != slug) {
            portfolios::release_slug(table, &old, &claim).await?;
        }
        Ok(updated)
    }

    /// A presigned upload of the person's photo for `portfolio`; [`Self::take_photo`] reads it
    /// once it is there.
    pub async fn photo_upload(
        &self,
        user: &UserId,
        portfolio: &PortfolioId,
        content_type: &str,
        size: u64,
    ) -> Result<PresignedRequest, Error> {
        if !photo::PHOTO_TYPES.contains(&content_type) {
            return Err(Error::UnsupportedMediaType(format!(
                "{content_type} is not accepted; the photo must be a JPEG, PNG or WebP image"
            )));
        }
        if size == 0 || size > photo::MAX_PHOTO_BYTES {
            return Err(Error::PayloadTooLarge(format!("the photo must be 1 to {} bytes", photo::MAX_PHOTO_BYTES)));
        }
        let request = PresignPut {
            content_type: content_type.to_owned(),
            content_length: size,
            expires_in: PHOTO_UPLOAD_LIFETIME,
        };
        Ok(self.app.uploads.presign_put(&BlobKey::parse(incoming_photo_key(user, portfolio))?, request).await?)
    }

    /// Takes the photo just uploaded: decoded, cut square and encoded afresh (no EXIF), kept
    /// privately, and the preview (and the public site) rebuilt with it. The upload itself is
    /// removed whatever became of it.
    pub async fn take_photo(&self, user: &UserId, portfolio: &PortfolioId) -> Result<PortfolioRecord, Error> {
        let record = self.existing(user, portfolio).await?;
        let incoming = BlobKey::parse(incoming_photo_key(user, portfolio))?;
        let uploaded = match self.app.uploads.get(&incoming).await {
            Ok(blob) => blob.body,
            Err(BlobError::NotFound(_)) => return Err(Error::NotFound("an uploaded photo (upload it first)".into())),
            Err(e) => return Err(e.into()),
        };
        let processed = photo::process(&uploaded);
        self.app.uploads.delete(&incoming).await?;
        let processed = processed.map_err(|e| Error::Validation(e.to_string()))?;
        let options = PutOptions::new("image/jpeg");
        self.app.uploads.put(&BlobKey::parse(photo_key(user, portfolio))?, Bytes::from(processed), options).await?;
        self.set_photo(user, portfolio, &record, true).await
    }

    /// Takes the photo off the site and deletes it.
    pub async fn remove_photo(&self, user: &UserId, portfolio: &PortfolioId) -> Result<PortfolioRecord, Error> {
        let record = self.existing(user, portfolio).await?;
        self.app.uploads.erase(&photos_folder(user, portfolio)).await?;
        self.set_photo(user, portfolio, &record, false).await
    }

    async fn set_photo(
        &self,
        user: &UserId,
        portfolio: &PortfolioId,
        record: &PortfolioRecord,
        photo: bool,
    ) -> Result<PortfolioRecord, Error> {
        let table = self.app.table.as_ref();
        let now = self.clock.now();
        portfolios::upsert(table, user, portfolio, |stored| PortfolioRecord {
            photo,
            updated_at: now,
            ..stored.unwrap_or_else(|| record.clone())
        })
        .await?;
        let cv = cvs::load(table, user, &record.cv_id).await?.ok_or_else(|| Error::NotFound("CV".into()))?;
        self.build_preview(portfolio, &cv, Theme::parse(&record.theme).unwrap_or_default()).await
    }

    /// The person's photo for `portfolio`, as processed, if they gave one.
    async fn photo(&self, user: &UserId, portfolio: &PortfolioId) -> Result<Option<Vec<u8>>, Error> {
        match self.app.uploads.get(&BlobKey::parse(photo_key(user, portfolio))?).await {
            Ok(blob) => Ok(Some(blob.body.to_vec())),
            Err(BlobError::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes the portfolio: its public site, its preview, its photo, its address and its
    /// record.
    pub async fn delete(&self, user: &UserId, portfolio: &PortfolioId) -> Result<(), Error> {
        let table = self.app.table.as_ref();
        let record = self.unpublish(user, portfolio).await?;
        self.app.uploads.erase(&photos_folder(user, portfolio)).await?;
        if let Some(preview) = &record.preview {
            self.remove_folder(&preview.prefix).await;
        }
        if let Some(slug) = &record.slug {
            let claim = SlugClaim { portfolio_id: portfolio.clone(), user_id: user.clone() };
            portfolios::release_slug(table, slug, &claim).await?;
        }
        portfolios::delete(table, user, portfolio).await?;
        Ok(())
    }

    /// Takes the public site down and frees its address; the preview stays.
    pub async fn unpublish(&self, user: &UserId, portfolio: &PortfolioId) -> Result<PortfolioRecord, Error> {
        let table = self.app.table.as_ref();
        let record = self.existing(user, portfolio).await?;
        let Some(published) = record.published.clone() else { return Ok(record) };
        let claim = SlugClaim { portfolio_id: portfolio.clone(), user_id: user.clone() };
        if let Some(domain) = &record.custom_domain {
            take_off(self.app.domains.as_ref(), table, domain, &claim).await?;
        }
        self.remove_folder(&format!("sites/{}", published.slug)).await;
        let now = self.clock.now();
        let record = portfolios::upsert(table, user, portfolio, |stored| PortfolioRecord {
            published: None,
            slug: None,
            custom_domain: None,
            updated_at: now,
            ..stored.unwrap_or_else(|| record.clone())
        })
        .await?;
        portfolios::release_slug(table, &published.slug, &claim).await?;
        Ok(record)
    }

    async fn claim_default_slug(
        &self,
        cv: &CvRecord,
        portfolio: &PortfolioId,
        claim: &SlugClaim,
    ) -> Result<Slug, Error> {
        let fallback = format!("portfolio-{}", portfolio.as_str().chars().take(8).collect::<String>().to_lowercase());
        // The address is public: made from the name only while the page shows it.
        let shown_name = cv.cv.without_hidden().ok().and_then(|shown| shown.hero.full_name);
        let base = shown_name
            .as_deref()
            .and_then(Slug::from_name)
            .or_else(|| Slug::parse(fallback).ok())
            .ok_or_else(|| Error::Internal("no default address could be made".into()))?;
        let candidates = std::iter::once(Some(base.clone())).chain((2..=MAX_SLUG_SUFFIX).map(|n| base.numbered(n)));
        for slug in candidates.flatten() {
            if portfolios::claim_slug(self.app.table.as_ref(), &slug, claim).await? {
                return Ok(slug);
            }
        }
        Err(Error::Conflict("no free address near the name; choose one".into()))
    }

    /// Writes the public site at `slug`, its links (canonical, sitemap, card, QR) absolute at
    /// `canonical_url`, with the person's `photo` as processed.
    async fn write_public(
        &self,
        slug: &Slug,
        canonical_url: Option<Url>,
        photo: Option<Vec<u8>>,
        cv: &CvRecord,
        theme: Theme,
    ) -> Result<(), Error> {
        let options = SiteOptions { canonical_url, photo, ..SiteOptions::preview(theme) };
        let site = render(&cv.cv, &options).map_err(|e| Error::internal("rendering the site", e))?;
        let prefix = format!("sites/{slug}");
        self.write(&prefix, &site).await?;
        let fresh: BTreeSet<String> = site.files.iter().map(|f| format!("{prefix}/{}", f.path)).collect();
        let stored = self.app.sites.list(&format!("{prefix}/")).await?;
        for stale in stored.iter().filter(|o| !fresh.contains(o.key.as_str())) {
            if let Err(e) = self.app.sites.delete(&stale.key).await {
                tracing::warn!(error = %e, key = %stale.key, "could not remove a file the site no longer has");
            }
        }
        self.write_error_pages().await;
        Ok(())
    }

    /// What the CDN answers for a path with nothing stored under it. Best effort: a visitor of a
    /// missing page would see the CDN's plain 404 until the next publication writes it.
    async fn write_error_pages(&self) {
        if self.error_pages_written.load(Ordering::Relaxed) {
            return;
        }
        let written = match error_pages(&self.app.config.sites_url) {
            Ok(site) => self.write(ERROR_PAGES_FOLDER, &site).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match written {
            Ok(()) => self.error_pages_written.store(true, Ordering::Relaxed),
            Err(e) => tracing::warn!(error = %e, "could not write the error page"),
        }
    }

    /// Every file under `prefix/`, the pages that link the others last.
    async fn write(&self, prefix: &str, site: &Site) -> Result<(), Error> {
        let mut files: Vec<_> = site.files.iter().collect();
        files.sort_by_key(|f| (f.path == "index.html", f.path.ends_with(".html")));
        for file in files {
            let key = BlobKey::parse(format!("{prefix}/{}", file.path))?;
            let options = PutOptions::new(file.content_type).cache_control(file.cache_control);
            self.app.sites.put(&key, Bytes::from(file.body.clone()), options).await?;
        }
        Ok(())
    }

    /// Removes the files of every preview expired by now, and returns how many went. In the
    /// cloud the store's lifecycle rule does this (a day or two late: the CDN refuses them from
    /// the second they expire); on one machine `r2w serve` calls it every few minutes.
    pub async fn remove_expired_previews(&self) -> Result<usize, Error> {
        let now = self.clock.now().unix_timestamp();
        let mut removed = 0;
        for object in self.app.sites.list(portfolios::PREVIEWS).await? {
            if portfolios::preview_expiry(object.key.as_str()).is_none_or(|expiry| expiry <= now) {
                self.app.sites.delete(&object.key).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Best effort: what is left behind expires with the store's lifecycle rule.
    async fn remove_folder(&self, prefix: &str) {
        match self.app.sites.list(&format!("{prefix}/")).await {
            Ok(objects) => {
                for object in objects {
                    if let Err(e) = self.app.sites.delete(&object.key).await {
                        tracing::warn!(error = %e, key = %object.key, "could not remove an old file");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, prefix, "could not list an old folder"),
        }
    }
}

/// How long a photo upload's presigned URL works.
const PHOTO_UPLOAD_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// Where a portfolio's photo is kept: with the person's originals, private, and erased with
/// their account (`uploads/{user}/` goes whole).
pub fn photos_folder(user: &UserId, portfolio: &PortfolioId) -> String {
    format!("uploads/{user}/photos/{portfolio}/")
}

fn photo_key(user: &UserId, portfolio: &PortfolioId) -> String {
    format!("{}photo.jpg", photos_folder(user, portfolio))
}

fn incoming_photo_key(user: &UserId, portfolio: &PortfolioId) -> String {
    format!("{}incoming", photos_folder(user, portfolio))
}

/// 128 random bits, hex: the part of a preview's address nobody can guess.
fn unguessable_token() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::internal("no randomness", e))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

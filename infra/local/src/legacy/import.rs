//! The import itself, through the ports: the same code fills the embedded default or AWS,
//! whichever the configuration names.
//!
//! Every id is the original's (or made from it), and every write is "create if absent", so a
//! second run finds everything in place and writes nothing, and a run that was interrupted
//! continues where it stopped. Within one CV the writes go in an order a stop can never harm:
//! the original, the audit copy of the old JSON, the CV, the preview, and last the upload and
//! its completed job (the S3 event of an imported original finds nothing to start, or a job
//! already done).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;
use r2w_core::clock::Clock;
use r2w_core::files::{self, FileKind};
use r2w_core::model::{CvData, CvId, Email, Job, JobId, JobStatus, PortfolioId, Step, UploadId, UserId};
use r2w_core::records::cvs::{self, CvRecord};
use r2w_core::records::jobs;
use r2w_core::records::portfolios;
use r2w_core::records::uploads::{self, UploadRecord};
use r2w_core::records::users::{self, ImportedAccount, ImportedPassword, UserRecord};
use r2w_core::store::{BlobError, BlobKey, PutOptions, TableError};
use r2w_core::{App, Error};
use r2w_extract::cache::{ExtractionCache, sha256_hex};
use r2w_sites::sites::Sites;
use r2w_sites::themes::Theme;
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::cv::convert;
use super::source::{LegacyDatabase, LegacyUpload, LegacyUser, OriginalFile, SourceError, UploadFolder};

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Read and decide everything, write nothing.
    pub dry_run: bool,
    /// Also keep uploads of `anonymous_…` owners that no account ever claimed.
    pub include_anonymous: bool,
}

/// What a run read, wrote, left alone and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub read: Counts,
    pub imported: Counts,
    /// Already imported by an earlier run.
    pub unchanged: Counts,
    /// Reason -> how many.
    pub skipped: BTreeMap<String, usize>,
    /// Accounts not imported because their address is another account's.
    pub conflicts: Vec<Conflict>,
    /// Things imported with a remark (an original missing, a hash that differs...).
    pub notes: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub users: usize,
    pub cvs: usize,
    pub originals: usize,
    pub previews: usize,
    pub cached_extractions: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The legacy account left out.
    pub legacy_user_id: String,
    /// Which account has the address: another legacy row, or one already here.
    pub address_belongs_to: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Store(#[from] Error),
}

impl From<TableError> for ImportError {
    fn from(e: TableError) -> Self {
        Self::Store(e.into())
    }
}

impl From<BlobError> for ImportError {
    fn from(e: BlobError) -> Self {
        Self::Store(e.into())
    }
}

/// Where a legacy upload goes: its own account, or no account (kept unclaimed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Account,
    Unclaimed,
}

pub struct Importer {
    app: App,
    clock: Arc<dyn Clock>,
    sites: Sites,
    cache: ExtractionCache,
    options: ImportOptions,
}

impl Importer {
    pub fn new(app: App, clock: Arc<dyn Clock>, options: ImportOptions) -> Self {
        let sites = Sites::new(app.clone(), Arc::clone(&clock));
        let cache = ExtractionCache::new(Arc::clone(&app.table));
        Self { app, clock, sites, cache, options }
    }

    pub async fn run(&self, database: &LegacyDatabase, uploads_dir: &Path) -> Result<Report, ImportError> {
        let mut report = Report::default();
        let legacy_users = database.users()?;
        let legacy_uploads = database.uploads()?;
        let cache_rows = database.extraction_cache()?;
        report.read = Counts {
            users: legacy_users.len(),
            cvs: legacy_uploads.len(),
            originals: 0,
            previews: 0,
            cached_extractions: cache_rows.len(),
        };

        let folder = UploadFolder::scan(uploads_dir)?;
        let accounts = self.import_users(&legacy_users, &mut report).await?;
        let latest = latest_upload_per_owner(&legacy_uploads);
        // One owner's uploads in order (the preview goes with the latest), owners side by side:
        // against DynamoDB and S3 each write is a round trip, and they overlap.
        let mut by_owner: Vec<(&str, Vec<&LegacyUpload>)> = Vec::new();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for upload in &legacy_uploads {
            let at = *position.entry(upload.user_id.as_str()).or_insert_with(|| {
                by_owner.push((upload.user_id.as_str(), Vec::new()));
                by_owner.len() - 1
            });
            by_owner[at].1.push(upload);
        }
        let (folder, accounts, latest) = (&folder, &accounts, &latest);
        let mut owners = futures::stream::iter(by_owner)
            .map(|(owner_id, uploads)| async move {
                let mut part = Report::default();
                let owner = match accounts.get(owner_id) {
                    Some(owner) => *owner,
                    None if owner_id.starts_with("anonymous_") && !self.options.include_anonymous => {
                        for _ in &uploads {
                            skip(&mut part, "an anonymous upload nobody claimed (--include-anonymous keeps it)");
                        }
                        return Ok::<_, ImportError>(part);
                    }
                    None => Owner::Unclaimed,
                };
                for upload in uploads {
                    let is_latest = latest.get(owner_id) == Some(&upload.job_id.as_str());
                    self.import_upload(upload, owner, is_latest, folder, &mut part).await?;
                }
                Ok(part)
            })
            .buffer_unordered(OWNERS_AT_ONCE);
        while let Some(part) = owners.next().await {
            report.absorb(part?);
        }
        for row in &cache_rows {
            let cv = match serde_json::from_str::<Value>(&row.cv_data) {
                Ok(json) => convert(&json),
                Err(_) => {
                    skip(&mut report, "a cached extraction that is not JSON");
                    continue;
                }
            };
            let model = row.extraction_model.as_deref().unwrap_or("unknown");
            let filed = self.options.dry_run
                || self.cache.put_imported(&row.file_hash, model, &cv, self.clock.unix_now()).await?;
            if filed {
                report.imported.cached_extractions += 1;
            } else {
                report.unchanged.cached_extractions += 1;
            }
        }
        Ok(report)
    }

    /// Every legacy account that can be one here; the answer says where each legacy owner's
    /// uploads go.
    async fn import_users(
        &self,
        legacy: &[LegacyUser],
        report: &mut Report,
    ) -> Result<HashMap<String, Owner>, ImportError> {
        let table = self.app.table.as_ref();
        let mut owners = HashMap::new();
        // The first account (oldest row) to use an address keeps it; the original compared
        // addresses case-sensitively, we do not.
        let mut holder_of: HashMap<String, String> = HashMap::new();
        for user in legacy {
            owners.insert(user.user_id.clone(), Owner::Unclaimed);
            let Ok(id) = UserId::parse(user.user_id.clone()) else {
                skip(report, "an account id that is not usable here");
                continue;
            };
            let Some(email) = user.email.as_deref().and_then(|e| Email::parse(e.trim()).ok()) else {
                skip(report, "an account without a valid e-mail address");
                continue;
            };
            let folded = email.as_str().to_lowercase();
            if let Some(holder) = holder_of.get(&folded) {
                report.conflicts.push(Conflict {
                    legacy_user_id: user.user_id.clone(),
                    address_belongs_to: format!("legacy account {holder}"),
                });
                continue;
            }
            holder_of.insert(folded, user.user_id.clone());

            if users::load(table, &id).await?.is_some() {
                report.unchanged.users += 1;
                owners.insert(user.user_id.clone(), Owner::Account);
                continue;
            }
            if let Some(existing) = users::by_email(table, &email).await? {
                report.conflicts.push(Conflict {
                    legacy_user_id: user.user_id.clone(),
                    address_belongs_to: format!("account {} here", existing.id),
                });
                continue;
            }
            let (password_hash, password) = password(user.password_hash.as_deref());
            let now = self.clock.now();
            let record = UserRecord {
                password_hash,
                imported: Some(ImportedAccount { legacy_user_id: user.user_id.clone(), password }),
                created_at: user.created_at.as_deref().and_then(naive_utc).unwrap_or(now),
                ..UserRecord::new(id, email, user.name.clone().unwrap_or_default(), now)
            };
            if password == ImportedPassword::UnsaltedSha256Dropped {
                note(report, "an account whose unsalted SHA-256 password was dropped (signs in through a provider)");
            }
            if self.options.dry_run || users::create(table, &record).await? {
                report.imported.users += 1;
                owners.insert(user.user_id.clone(), Owner::Account);
            } else {
                report.conflicts.push(Conflict {
                    legacy_user_id: user.user_id.clone(),
                    address_belongs_to: "an account created here during the import".into(),
                });
            }
        }
        Ok(owners)
    }

    async fn import_upload(
        &self,
        legacy: &LegacyUpload,
        owner: Owner,
        is_latest: bool,
        folder: &UploadFolder,
        report: &mut Report,
    ) -> Result<(), ImportError> {
        let (Ok(user), Some(job_id), Some(upload_id)) = (
            UserId::parse(legacy.user_id.clone()),
            id_from::<JobId>(&legacy.job_id),
            id_from::<UploadId>(&legacy.upload_id),
        ) else {
            skip(report, "an upload whose ids are not usable here");
            return Ok(());
        };
        let table = self.app.table.as_ref();
        let files = folder.originals(&legacy.user_id, &legacy.job_id);
        report.read.originals += files.len();
        // The job is written last: when it is there, so is everything before it.
        if let Some(done) = jobs::load(table, &user, &job_id).await? {
            report.unchanged.cvs += usize::from(done.cv_id.is_some());
            report.unchanged.originals += files.len();
            return Ok(());
        }
        let uploaded_at = legacy.upload_date.as_deref().and_then(naive_utc).unwrap_or_else(|| self.clock.now());

        // 1. The originals, byte for byte.
        if files.is_empty() && legacy.cv_data.is_some() {
            note(report, "an upload whose original file is missing from the folder (its CV data is imported)");
        }
        let mut stored = Vec::new();
        for (n, file) in files.iter().enumerate() {
            let upload = if n == 0 { upload_id.clone() } else { part_id(&upload_id, n) };
            stored.push(self.store_original(&user, &upload, &job_id, file, legacy, report).await?);
        }

        // 2. The old JSON, kept as it was, beside the original.
        let cv_json = legacy.cv_data.as_deref();
        if let (Some(raw), false) = (cv_json, self.options.dry_run) {
            let key = BlobKey::parse(format!("uploads/{user}/{upload_id}/legacy-cv-data.json"))?;
            if self.app.uploads.head(&key).await.is_err() {
                self.app.uploads.put(&key, Bytes::from(raw.to_owned()), PutOptions::new("application/json")).await?;
            }
        }

        // 3. The CV in our sections.
        let cv = cv_json.map(|raw| match serde_json::from_str::<Value>(raw) {
            Ok(json) => convert(&json),
            Err(_) => CvData { unclassified_text: Some(raw.to_owned()), ..CvData::default() },
        });
        let cv_id = id_from::<CvId>(&legacy.job_id);
        let mut record = None;
        if let (Some(cv), Some(cv_id)) = (cv, &cv_id) {
            let cv_record = CvRecord {
                id: cv_id.clone(),
                user_id: user.clone(),
                version: 1,
                job_id: Some(job_id.clone()),
                cv,
                created_at: uploaded_at,
                updated_at: uploaded_at,
            };
            record = Some(if self.options.dry_run { cv_record } else { cvs::create(table, cv_record).await? });
            report.imported.cvs += 1;
        }

        // 4. A preview of each account's latest CV.
        let mut portfolio = None;
        if let (Some(record), Owner::Account, true) = (&record, owner, is_latest) {
            let id = PortfolioId::parse(record.id.to_string()).map_err(|e| Error::internal("a portfolio id", e))?;
            if portfolios::load(table, &user, &id).await?.is_none() {
                if !self.options.dry_run {
                    self.sites.build_preview(&id, record, Theme::default()).await?;
                }
                report.imported.previews += 1;
            }
            portfolio = Some(id);
        }

        // 5. The upload and its job, done.
        let Some(first) = stored.first().cloned() else {
            if record.is_none() {
                skip(report, "an upload with neither an original nor CV data");
            }
            return self.record_job(&user, &job_id, record.as_ref(), portfolio, legacy, uploaded_at).await;
        };
        let job = self.job(&user, &job_id, Some(&first), record.as_ref(), portfolio, legacy, uploaded_at);
        if self.options.dry_run {
            return Ok(());
        }
        for part in stored.iter().skip(1) {
            uploads::add_to_job(table, part).await?;
        }
        match uploads::create(table, &first, &job).await {
            Ok(()) | Err(TableError::ConditionFailed { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Copies one original into the uploads store (unless it is there) and describes it.
    async fn store_original(
        &self,
        user: &UserId,
        upload: &UploadId,
        job: &JobId,
        file: &OriginalFile,
        legacy: &LegacyUpload,
        report: &mut Report,
    ) -> Result<UploadRecord, ImportError> {
        let bytes = std::fs::read(&file.path)
            .map_err(|error| SourceError::Folder { path: file.path.display().to_string(), error })?;
        let sha256 = sha256_hex(&bytes);
        if legacy.file_hash.as_deref().is_some_and(|h| !h.eq_ignore_ascii_case(&sha256)) && file.name.is_none() {
            note(report, "an original whose bytes differ from the hash the original app recorded");
        }
        let content_type = match files::sniff(&bytes) {
            Ok(kind) => kind.content_type().to_owned(),
            Err(_) => legacy
                .file_type
                .as_deref()
                .filter(|t| t.contains('/') && FileKind::from_content_type(t).is_some())
                .unwrap_or("application/octet-stream")
                .to_owned(),
        };
        let key = BlobKey::parse(uploads::object_key(user, upload))?;
        if !self.options.dry_run {
            let there = match self.app.uploads.head(&key).await {
                Ok(meta) => meta.size == bytes.len() as u64,
                Err(BlobError::NotFound(_)) => false,
                Err(e) => return Err(e.into()),
            };
            if !there {
                self.app.uploads.put(&key, Bytes::from(bytes.clone()), PutOptions::new(content_type.clone())).await?;
            }
        }
        report.imported.originals += 1;
        let filename = file
            .name
            .clone()
            .or_else(|| legacy.filename.clone())
            .unwrap_or_else(|| file.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        Ok(UploadRecord {
            id: upload.clone(),
            user_id: user.clone(),
            job_id: job.clone(),
            filename,
            content_type,
            size: bytes.len() as u64,
            sha256: Some(sha256),
            created_at: legacy.upload_date.as_deref().and_then(naive_utc).unwrap_or_else(|| self.clock.now()),
        })
    }

    /// A job with no original to hang on (its file is lost): recorded on its own.
    async fn record_job(
        &self,
        user: &UserId,
        job_id: &JobId,
        cv: Option<&CvRecord>,
        portfolio: Option<PortfolioId>,
        legacy: &LegacyUpload,
        at: OffsetDateTime,
    ) -> Result<(), ImportError> {
        if self.options.dry_run || cv.is_none() {
            return Ok(());
        }
        let job = self.job(user, job_id, None, cv, portfolio, legacy, at);
        match jobs::create(self.app.table.as_ref(), &job).await {
            Ok(()) | Err(TableError::ConditionFailed { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The job as the original app left it: done when it produced CV data, failed otherwise.
    #[allow(clippy::too_many_arguments)]
    fn job(
        &self,
        user: &UserId,
        job_id: &JobId,
        upload: Option<&UploadRecord>,
        cv: Option<&CvRecord>,
        portfolio: Option<PortfolioId>,
        legacy: &LegacyUpload,
        at: OffsetDateTime,
    ) -> Job {
        let mut job = match upload {
            Some(upload) => Job::queued(job_id.clone(), user.clone(), upload.object_key(), at),
            None => Job { upload_key: None, ..Job::queued(job_id.clone(), user.clone(), "", at) },
        };
        job.start_step(Step::Upload, at);
        job.finish_step(Step::Upload, Vec::new(), false, at);
        job.start_step(Step::Extract, at);
        match cv {
            Some(cv) => {
                job.finish_step(Step::Extract, vec![IMPORTED_NOTE.into()], portfolio.is_none(), at);
                job.cv_id = Some(cv.id.clone());
                if let Some(portfolio) = portfolio {
                    let now = self.clock.now();
                    job.start_step(Step::BuildPortfolio, now);
                    job.finish_step(Step::BuildPortfolio, Vec::new(), true, now);
                    job.portfolio_id = Some(portfolio);
                }
                job.status = JobStatus::Succeeded;
            }
            None => {
                let how = legacy.status.as_deref().unwrap_or("unknown");
                job.fail_step(
                    Step::Extract,
                    "Import.NotExtracted",
                    format!("The original app did not finish reading this CV (its status was {how}). Upload it again."),
                    at,
                );
            }
        }
        job
    }
}

const IMPORTED_NOTE: &str = "Imported from the original Resume2Website.";

/// How many owners' uploads are imported at once.
const OWNERS_AT_ONCE: usize = 16;

/// What the original app's hash becomes: bcrypt is kept, the rest is not.
fn password(hash: Option<&str>) -> (Option<String>, ImportedPassword) {
    match hash.map(str::trim) {
        Some(h) if r2w_auth::password::is_bcrypt(h) => (Some(h.to_owned()), ImportedPassword::Bcrypt),
        Some(h) if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            (None, ImportedPassword::UnsaltedSha256Dropped)
        }
        _ => (None, ImportedPassword::None),
    }
}

/// The original's naive UTC timestamps (`2025-03-01T10:20:30.123456`, or with a space).
fn naive_utc(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim().replace(' ', "T");
    let text = text.trim_end_matches('Z');
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let at = time::PrimitiveDateTime::parse(whole, format)
        .or_else(|_| {
            time::Date::parse(whole, time::macros::format_description!("[year]-[month]-[day]")).map(|d| d.midnight())
        })
        .ok()?;
    let nanos = format!("{fraction:0<9}").get(..9).and_then(|n| n.parse::<u32>().ok()).unwrap_or(0);
    Some(at.assume_utc().replace_nanosecond(nanos).unwrap_or(at.assume_utc()))
}

/// The original's id when it is one here, else one made from it (the same every run).
fn id_from<T: FromLegacy>(legacy: &str) -> Option<T> {
    T::parse_legacy(legacy).or_else(|| {
        let digest: String = Sha256::digest(legacy.as_bytes()).iter().take(16).map(|b| format!("{b:02x}")).collect();
        T::parse_legacy(&format!("legacy{digest}"))
    })
}

fn part_id(upload: &UploadId, n: usize) -> UploadId {
    UploadId::parse(format!("{upload}-{n:02}")).unwrap_or_else(|_| UploadId::random())
}

trait FromLegacy: Sized {
    fn parse_legacy(value: &str) -> Option<Self>;
}

macro_rules! from_legacy {
    ($($id:ty),*) => {$(
        impl FromLegacy for $id {
            fn parse_legacy(value: &str) -> Option<Self> {
                <$id>::parse(value.to_owned()).ok()
            }
        }
    )*};
}
from_legacy!(JobId, UploadId, CvId);

/// The job id of each owner's most recent upload with CV data.
fn latest_upload_per_owner(uploads: &[LegacyUpload]) -> HashMap<&str, &str> {
    let mut latest: HashMap<&str, (&str, &str)> = HashMap::new();
    for upload in uploads.iter().filter(|u| u.cv_data.is_some()) {
        let date = upload.upload_date.as_deref().unwrap_or_default();
        let entry = latest.entry(upload.user_id.as_str()).or_insert((date, upload.job_id.as_str()));
        if date >= entry.0 {
            *entry = (date, upload.job_id.as_str());
        }
    }
    latest.into_iter().map(|(owner, (_, job))| (owner, job)).collect()
}

fn skip(report: &mut Report, reason: &str) {
    *report.skipped.entry(reason.to_owned()).or_default() += 1;
}

fn note(report: &mut Report, remark: &str) {
    *report.notes.entry(remark.to_owned()).or_default() += 1;
}

impl Report {
    /// Adds what another part of the run found.
    fn absorb(&mut self, other: Report) {
        self.read.absorb(other.read);
        self.imported.absorb(other.imported);
        self.unchanged.absorb(other.unchanged);
        for (reason, n) in other.skipped {
            *self.skipped.entry(reason).or_default() += n;
        }
        for (remark, n) in other.notes {
            *self.notes.entry(remark).or_default() += n;
        }
        self.conflicts.extend(other.conflicts);
    }
}

impl Counts {
    fn absorb(&mut self, other: Counts) {
        self.users += other.users;
        self.cvs += other.cvs;
        self.originals += other.originals;
        self.previews += other.previews;
        self.cached_extractions += other.cached_extractions;
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<22} {:>8} {:>9} {:>10}", "", "read", "imported", "unchanged")?;
        let rows = [
            ("accounts", self.read.users, self.imported.users, self.unchanged.users),
            ("CVs", self.read.cvs, self.imported.cvs, self.unchanged.cvs),
            ("originals", self.read.originals, self.imported.originals, self.unchanged.originals),
            ("previews", self.read.previews, self.imported.previews, self.unchanged.previews),
            (
                "cached extractions",
                self.read.cached_extractions,
                self.imported.cached_extractions,
                self.unchanged.cached_extractions,
            ),
        ];
        for (what, read, imported, unchanged) in rows {
            writeln!(f, "{what:<22} {read:>8} {imported:>9} {unchanged:>10}")?;
        }
        if !self.skipped.is_empty() {
            writeln!(f, "\nskipped:")?;
            for (reason, n) in &self.skipped {
                writeln!(f, "  {n:>6}  {reason}")?;
            }
        }
        if !self.notes.is_empty() {
            writeln!(f, "\nimported, with a remark:")?;
            for (remark, n) in &self.notes {
                writeln!(f, "  {n:>6}  {remark}")?;
            }
        }
        if !self.conflicts.is_empty() {
            writeln!(
                f,
                "\nconflicts ({}): accounts left out because their e-mail address is taken",
                self.conflicts.len()
            )?;
            for conflict in &self.conflicts {
                writeln!(
                    f,
                    "  legacy account {} -> the address belongs to {}",
                    conflict.legacy_user_id, conflict.address_belongs_to
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_originals_timestamps_are_naive_utc() {
        let at = |text: &str| naive_utc(text).map(|t| (t.unix_timestamp(), t.nanosecond()));
        assert_eq!(at("2025-01-05T09:15:00.123456"), Some((1_736_068_500, 123_456_000)));
        assert_eq!(at("2025-01-05 09:15:00"), Some((1_736_068_500, 0)), "isoformat(' ') as well");
        assert_eq!(at("2025-01-05"), Some((1_736_035_200, 0)));
        assert_eq!(at("yesterday"), None);
    }

    #[test]
    fn only_bcrypt_hashes_are_kept() {
        let bcrypt = "$2b$12$KIXQJtq5Lw0uQ3u0m4H9Ue4o3L7lKc5mYJrX6Q0b7e1k2m3n4o5p6";
        assert_eq!(bcrypt.len(), 60);
        assert_eq!(password(Some(bcrypt)), (Some(bcrypt.to_owned()), ImportedPassword::Bcrypt));
        let sha = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
        assert_eq!(password(Some(sha)), (None, ImportedPassword::UnsaltedSha256Dropped));
        assert_eq!(password(Some("plaintext?")), (None, ImportedPassword::None));
        assert_eq!(password(None), (None, ImportedPassword::None));
    }

    #[test]
    fn an_id_that_is_not_one_here_becomes_the_same_one_every_run() {
        let job = "8f0c9a51-2f0e-4d7e-9b61-5a1d0c3e7a01";
        assert_eq!(id_from::<JobId>(job).map(|j| j.to_string()).as_deref(), Some(job), "kept when usable");
        let odd = "job with spaces/and slashes";
        let first = id_from::<JobId>(odd).expect("made");
        assert_eq!(id_from::<JobId>(odd), Some(first.clone()));
        assert!(first.as_str().starts_with("legacy"));
    }
}

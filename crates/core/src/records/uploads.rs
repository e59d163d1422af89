//! Uploads: what a person said they would send (name, type, size) and the job it starts. The
//! original itself is `uploads/{user}/{upload}/original` in the uploads store.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::user_pk;
use crate::model::{JobId, UploadId, UserId};
use crate::store::{Expect, Item, ItemKey, Table, TableError, TransactOp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadRecord {
    pub id: UploadId,
    pub user_id: UserId,
    pub job_id: JobId,
    /// As the person's device named it; shown back to them, never used as a path.
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    /// SHA-256 of the original (hex), where it was known when recorded (an imported one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl UploadRecord {
    /// Where the original is kept.
    pub fn object_key(&self) -> String {
        object_key(&self.user_id, &self.id)
    }
}

pub fn object_key(user: &UserId, upload: &UploadId) -> String {
    format!("uploads/{user}/{upload}/original")
}

/// The user and upload an object key names, if it is an original's key.
pub fn parse_object_key(key: &str) -> Option<(UserId, UploadId)> {
    let rest = key.strip_prefix("uploads/")?;
    let (user, rest) = rest.split_once('/')?;
    let upload = rest.strip_suffix("/original")?;
    Some((UserId::parse(user).ok()?, UploadId::parse(upload).ok()?))
}

pub fn key(user: &UserId, upload: &UploadId) -> ItemKey {
    ItemKey::new(user_pk(user), format!("UPLOAD#{upload}"))
}

/// Stores the upload and its job together. The ids are new, so finding them taken means a
/// retried attempt met its own first one (whose reply was lost): that is success.
pub async fn create(table: &dyn Table, upload: &UploadRecord, job: &crate::model::Job) -> Result<(), TableError> {
    let written = table
        .transact(vec![
            TransactOp::Put(Item::with_data(key(&upload.user_id, &upload.id), upload)?, Expect::Absent),
            TransactOp::Put(Item::with_data(super::jobs::key(&job.user_id, &job.id), job)?, Expect::Absent),
        ])
        .await;
    match written {
        Err(TableError::ConditionFailed { .. }) => match load(table, &upload.user_id, &upload.id).await? {
            Some(stored) if stored.job_id == upload.job_id && stored.created_at == upload.created_at => Ok(()),
            _ => Err(TableError::ConditionFailed { op: None }),
        },
        other => other,
    }
}

/// Stores an upload that belongs to a job already recorded (a further file of an imported
/// multi-file upload). `Ok(false)` when it is there already.
pub async fn add_to_job(table: &dyn Table, upload: &UploadRecord) -> Result<bool, TableError> {
    match table.put(Item::with_data(key(&upload.user_id, &upload.id), upload)?, Expect::Absent).await {
        Ok(()) => Ok(true),
        Err(TableError::ConditionFailed { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

pub async fn load(table: &dyn Table, user: &UserId, upload: &UploadId) -> Result<Option<UploadRecord>, TableError> {
    table.get(&key(user, upload)).await?.map(|item| item.data_as()).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_keys_name_their_owner_and_upload() {
        let (user, upload) = (UserId::random(), UploadId::random());
        let key = object_key(&user, &upload);
        assert_eq!(parse_object_key(&key), Some((user, upload)));
        for other in ["uploads/u/x/other", "sites/u/x/original", "uploads/u#1/x/original", "uploads/u/original"] {
            assert_eq!(parse_object_key(other), None, "{other}");
        }
    }
}

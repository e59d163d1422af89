//! CVs: the latest version under the owner's partition, every version kept beside it so an
//! edit can be undone and a published site names exactly what it was built from.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::user_pk;
use super::versioned::{self, Attempt};
use crate::model::{CvData, CvId, JobId, UserId};
use crate::store::{Expect, Item, ItemKey, Table, TableError, TransactOp};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CvRecord {
    pub id: CvId,
    pub user_id: UserId,
    /// 1 for the extracted CV, one more for each saved edit.
    pub version: u64,
    /// The job that extracted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<JobId>,
    pub cv: CvData,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

pub fn key(user: &UserId, cv: &CvId) -> ItemKey {
    ItemKey::new(user_pk(user), format!("CV#{cv}"))
}

pub fn version_key(user: &UserId, cv: &CvId, version: u64) -> ItemKey {
    ItemKey::new(format!("{}#CV#{cv}", user_pk(user)), format!("V#{version:08}"))
}

/// Stores a CV's first version. Idempotent: when the CV already exists (a retried step),
/// the stored record is returned unchanged and `record` is dropped.
pub async fn create(table: &dyn Table, record: CvRecord) -> Result<CvRecord, TableError> {
    let first = CvRecord { version: 1, ..record };
    let head = Item::with_data(key(&first.user_id, &first.id), &first)?;
    let version = Item::with_data(version_key(&first.user_id, &first.id, 1), &first)?;
    match table.transact(vec![TransactOp::Put(head, Expect::Absent), TransactOp::Put(version, Expect::Absent)]).await {
        Ok(()) => Ok(first),
        Err(TableError::ConditionFailed { .. }) => load(table, &first.user_id, &first.id)
            .await?
            .ok_or_else(|| TableError::Backend(format!("CV {} was half written", first.id).into())),
        Err(e) => Err(e),
    }
}

pub async fn load(table: &dyn Table, user: &UserId, cv: &CvId) -> Result<Option<CvRecord>, TableError> {
    table.get(&key(user, cv)).await?.map(|item| item.data_as()).transpose()
}

/// Saves `cv` as the next version of an existing CV (the head moves; every version is kept).
/// `None` when the CV does not exist.
pub async fn save_version(
    table: &dyn Table,
    user: &UserId,
    cv: &CvId,
    data: CvData,
    now: OffsetDateTime,
) -> Result<Option<CvRecord>, TableError> {
    versioned::update(table, &key(user, cv), format!("CV {cv}"), |read| {
        let Some(read) = read else { return Ok(Attempt::Done(None)) };
        let current: CvRecord = read.data_as()?;
        let next = CvRecord { version: current.version + 1, cv: data.clone(), updated_at: now, ..current };
        let head = Item::with_data(key(user, cv), &next)?.at_version(read.version + 1);
        let version = Item::with_data(version_key(user, cv, next.version), &next)?;
        let ops = vec![TransactOp::Put(head, Expect::Version(read.version)), TransactOp::Put(version, Expect::Absent)];
        Ok(Attempt::Write { ops, answer: Some(next) })
    })
    .await
}

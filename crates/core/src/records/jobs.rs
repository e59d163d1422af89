//! Jobs: created queued by the upload trigger, then moved along by each pipeline step.

use time::OffsetDateTime;

use super::user_pk;
use super::versioned::{self, Attempt};
use crate::model::{Job, JobId, UserId};
use crate::store::{Expect, Item, ItemKey, Table, TableError};

pub fn key(user: &UserId, job: &JobId) -> ItemKey {
    ItemKey::new(user_pk(user), format!("JOB#{job}"))
}

/// Records a new job; fails with `ConditionFailed` when the id is taken.
pub async fn create(table: &dyn Table, job: &Job) -> Result<(), TableError> {
    table.put(Item::with_data(key(&job.user_id, &job.id), job)?, Expect::Absent).await
}

pub async fn load(table: &dyn Table, user: &UserId, job: &JobId) -> Result<Option<Job>, TableError> {
    table.get(&key(user, job)).await?.map(|item| item.data_as()).transpose()
}

/// Applies `change` to the stored job and writes it back, retrying on concurrent writes.
/// `None` when there is no such job.
pub async fn update(
    table: &dyn Table,
    user: &UserId,
    job: &JobId,
    now: OffsetDateTime,
    mut change: impl FnMut(&mut Job),
) -> Result<Option<Job>, TableError> {
    let key = key(user, job);
    versioned::update(table, &key, format!("job {job}"), |read| {
        let Some(read) = read else { return Ok(Attempt::Done(None)) };
        let mut job: Job = read.data_as()?;
        change(&mut job);
        job.updated_at = now;
        let item = Item::with_data(key.clone(), &job)?;
        Ok(Attempt::replace(Some(&read), item, Some(job)))
    })
    .await
}

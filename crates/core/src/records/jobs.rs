//! Jobs: created queued by the upload trigger, then moved along by each pipeline step.

use time::OffsetDateTime;

use super::{MAX_WRITE_ATTEMPTS, user_pk};
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
    for _ in 0..MAX_WRITE_ATTEMPTS {
        let Some(item) = table.get(&key).await? else { return Ok(None) };
        let mut job: Job = item.data_as()?;
        change(&mut job);
        job.updated_at = now;
        let next = Item::with_data(key.clone(), &job)?.at_version(item.version + 1);
        match table.put(next, Expect::Version(item.version)).await {
            Ok(()) => return Ok(Some(job)),
            Err(TableError::ConditionFailed { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(TableError::Unavailable(format!("job {job} kept changing under concurrent writes")))
}

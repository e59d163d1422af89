//! The versioned read-modify-write every record that changes in place uses: read the item,
//! decide what to write, write it on the condition that nobody wrote in between, and start over
//! when somebody did. Conditions are the table's item versions, so two writers never lose one
//! another's change, on DynamoDB as on SQLite.

use crate::store::{Expect, Item, ItemKey, Table, TableError, TransactOp};

/// Conflicting writers retry a read-modify-write this many times before giving up.
const MAX_WRITE_ATTEMPTS: usize = 8;

/// What one attempt decided, having read the stored item.
pub enum Attempt<T> {
    /// Nothing to write: this is the answer.
    Done(T),
    /// Write `ops` — the first conditioned on what was read — and answer `answer` once they land.
    Write { ops: Vec<TransactOp>, answer: T },
}

impl<T> Attempt<T> {
    /// The one write of `item` in place of `read`: its next version, on the condition that the
    /// stored version is still `read`'s (or, with nothing read, that there is still nothing).
    pub fn replace(read: Option<&Item>, item: Item, answer: T) -> Self {
        let (version, expect) = match read {
            Some(read) => (read.version + 1, Expect::Version(read.version)),
            None => (1, Expect::Absent),
        };
        Self::Write { ops: vec![TransactOp::Put(item.at_version(version), expect)], answer }
    }
}

/// Runs `attempt` over the item at `key` until its writes land. A write refused by its first
/// condition (someone wrote the item since it was read) is tried again on a fresh read; a
/// transaction refused by a later condition answers that refusal
/// (`TableError::ConditionFailed` with its op), which the caller reads as "taken". After
/// [`MAX_WRITE_ATTEMPTS`] lost races the answer is `Unavailable`, naming `what`.
pub async fn update<T, E: From<TableError>>(
    table: &dyn Table,
    key: &ItemKey,
    what: String,
    mut attempt: impl FnMut(Option<Item>) -> Result<Attempt<T>, E>,
) -> Result<T, E> {
    for _ in 0..MAX_WRITE_ATTEMPTS {
        let read = table.get(key).await?;
        let (mut ops, answer) = match attempt(read)? {
            Attempt::Done(answer) => return Ok(answer),
            Attempt::Write { ops, answer } => (ops, answer),
        };
        let written = match (ops.len(), ops.pop()) {
            (1, Some(TransactOp::Put(item, expect))) => table.put(item, expect).await,
            (_, Some(last)) => {
                ops.push(last);
                table.transact(ops).await
            }
            (_, None) => return Ok(answer),
        };
        match written {
            Ok(()) => return Ok(answer),
            Err(TableError::ConditionFailed { op: None | Some(0) }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(TableError::Unavailable(format!("{what} kept changing under concurrent writes").into()).into())
}

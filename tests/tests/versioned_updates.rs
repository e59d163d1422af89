//! `r2w_core::records::versioned::update`, the read-modify-write every record uses: racing
//! writers lose no change, a later condition's refusal is answered, endless races give up.

use std::sync::Arc;

use async_trait::async_trait;
use r2w_core::records::versioned::{self, Attempt};
use r2w_core::store::{Expect, Item, ItemKey, Page, Query, Table, TableError, TransactOp};
use r2w_embedded::SqliteTable;
use serde_json::json;

fn count(item: &Item) -> u64 {
    item.data.get("n").and_then(|n| n.as_u64()).unwrap_or(0)
}

async fn increment(table: &dyn Table, key: &ItemKey) -> Result<u64, TableError> {
    versioned::update(table, key, "the counter".into(), |read| {
        let next = read.as_ref().map_or(0, count) + 1;
        let item = Item::with_data(key.clone(), &json!({ "n": next }))?;
        Ok::<_, TableError>(Attempt::replace(read.as_ref(), item, next))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_writers_lose_no_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let table: Arc<dyn Table> = Arc::new(SqliteTable::open(&dir.path().join("t.sqlite3")).expect("table"));
    let key = ItemKey::new("COUNTER", "C");
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let (table, key) = (Arc::clone(&table), key.clone());
            tokio::spawn(async move {
                let mut done = 0;
                for _ in 0..10 {
                    // Eight lost races in a row is possible under this contention: try again.
                    while increment(table.as_ref(), &key).await.is_err() {}
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for writer in writers {
        total += writer.await.expect("writer");
    }
    let stored = table.get(&key).await.expect("get").expect("the counter");
    assert_eq!((total, count(&stored)), (40, 40), "every increment landed once");
    assert_eq!(stored.version, 40);
}

#[tokio::test]
async fn a_refused_later_condition_is_answered_not_retried() {
    let table = SqliteTable::in_memory().expect("table");
    let (head, claim) = (ItemKey::new("HEAD", "H"), ItemKey::new("CLAIM", "C"));
    table.put(Item::new(claim.clone()), Expect::Absent).await.expect("someone else's claim");
    let mut attempts = 0;
    let outcome = versioned::update(&table, &head, "the head".into(), |read| {
        attempts += 1;
        let mut attempt = Attempt::replace(read.as_ref(), Item::new(head.clone()), ());
        if let Attempt::Write { ops, .. } = &mut attempt {
            ops.push(TransactOp::Put(Item::new(claim.clone()), Expect::Absent));
        }
        Ok::<_, TableError>(attempt)
    })
    .await;
    assert!(matches!(outcome, Err(TableError::ConditionFailed { op: Some(1) })), "{outcome:?}");
    assert_eq!(attempts, 1);
    assert!(table.get(&head).await.expect("get").is_none(), "nothing of the transaction was written");
}

/// A table on which every write loses its race.
struct AlwaysRaced;

#[async_trait]
impl Table for AlwaysRaced {
    async fn get(&self, _: &ItemKey) -> Result<Option<Item>, TableError> {
        Ok(None)
    }
    async fn put(&self, _: Item, _: Expect) -> Result<(), TableError> {
        Err(TableError::ConditionFailed { op: None })
    }
    async fn delete(&self, _: &ItemKey, _: Expect) -> Result<(), TableError> {
        Err(TableError::ConditionFailed { op: None })
    }
    async fn query(&self, _: Query) -> Result<Page, TableError> {
        Ok(Page { items: Vec::new(), next: None })
    }
    async fn transact(&self, _: Vec<TransactOp>) -> Result<(), TableError> {
        Err(TableError::ConditionFailed { op: Some(0) })
    }
    fn backend(&self) -> &'static str {
        "always-raced"
    }
}

#[tokio::test]
async fn endless_races_give_up_as_unavailable() {
    let key = ItemKey::new("COUNTER", "C");
    let mut attempts = 0;
    let outcome = versioned::update(&AlwaysRaced, &key, "the counter".into(), |read| {
        attempts += 1;
        Ok::<_, TableError>(Attempt::replace(read.as_ref(), Item::new(key.clone()), ()))
    })
    .await;
    match outcome {
        Err(TableError::Unavailable(message)) => {
            assert!(message.to_string().contains("the counter kept changing"), "{message}")
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_eq!(attempts, 8, "eight tries");
}

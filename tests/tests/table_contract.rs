//! The Table contract, run against both adapters: `sqlite::*` (embedded) and `dynamodb::*`
//! (DynamoDB API, served by a local moto server). Each test name says which adapter it ran on.

use std::collections::BTreeSet;
use std::sync::Arc;

use r2w_aws::DynamoTable;
use r2w_core::store::{Cursor, Expect, IndexKey, Item, ItemKey, Query, Table, TableError, TransactOp, unix_now};
use r2w_embedded::SqliteTable;
use serde_json::json;

/// One adapter under test; the temp dir (SQLite) lives as long as the test.
struct Subject {
    table: Arc<dyn Table>,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite() -> Subject {
    let dir = tempfile::tempdir().expect("tempdir");
    let table = SqliteTable::open(&dir.path().join("table.sqlite3")).expect("open sqlite");
    Subject { table: Arc::new(table), _dir: Some(dir) }
}

async fn dynamodb() -> Subject {
    let client = aws_sdk_dynamodb::Client::new(&r2w_tests::emulator_sdk(&r2w_tests::emulator()).await);
    let table = DynamoTable::new(client, r2w_tests::unique("table"));
    table.ensure_table().await.expect("create table in moto");
    Subject { table: Arc::new(table), _dir: None }
}

macro_rules! contract {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let subject = super::sqlite().await;
                assert_eq!(subject.table.backend(), "sqlite");
                super::$test(subject.table.clone()).await;
            })*
        }
        mod dynamodb {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let subject = super::dynamodb().await;
                assert_eq!(subject.table.backend(), "dynamodb");
                super::$test(subject.table.clone()).await;
            })*
        }
    };
}

contract!(
    a_missing_item_is_none,
    an_item_reads_back_exactly_as_written,
    put_if_absent_claims_a_key_once,
    versions_stop_lost_updates,
    put_if_exists_never_creates,
    conditional_deletes,
    expired_items_do_not_exist,
    queries_select_by_prefix_in_order_across_pages,
    the_secondary_index_is_queried_and_paginated,
    a_cursor_only_works_in_its_own_partition,
    transactions_apply_all_or_nothing,
    racing_claims_on_one_key_have_one_winner,
    oversized_items_are_refused,
);

fn key(pk: &str, sk: &str) -> ItemKey {
    ItemKey::new(pk, sk)
}

fn item(pk: &str, sk: &str, data: serde_json::Value) -> Item {
    Item::with_data(key(pk, sk), &data).expect("object data")
}

async fn a_missing_item_is_none(table: Arc<dyn Table>) {
    assert_eq!(table.get(&key("USER#nobody", "PROFILE")).await.expect("get"), None);
}

async fn an_item_reads_back_exactly_as_written(table: Arc<dyn Table>) {
    let data = json!({
        "fullName": "Dana לוי-Øster 山田",
        "count": 42, "ratio": 0.5, "negative": -7, "ok": true, "none": null,
        "tags": ["a", "b", ""], "nested": {"deep": {"list": [1, {"x": "y"}]}},
        "empty": "", "emptyList": [], "emptyMap": {},
    });
    let written = item("USER#u1", "PROFILE", data)
        .in_index(IndexKey::new("EMAIL#dana@example.com", "USER#u1"))
        .expiring_at(unix_now() + 3600)
        .at_version(3);
    table.put(written.clone(), Expect::Anything).await.expect("put");
    let read = table.get(&written.key).await.expect("get").expect("present");
    assert_eq!(read, written);
}

async fn put_if_absent_claims_a_key_once(table: Arc<dyn Table>) {
    let claim = item("EMAIL#dana@example.com", "CLAIM", json!({"userId": "u1"}));
    table.put(claim.clone(), Expect::Absent).await.expect("first claim");
    let again = item("EMAIL#dana@example.com", "CLAIM", json!({"userId": "u2"}));
    let err = table.put(again, Expect::Absent).await.expect_err("second claim must fail");
    assert!(err.is_condition_failed(), "{err:?}");
    let stored = table.get(&claim.key).await.expect("get").expect("present");
    assert_eq!(stored.data["userId"], "u1", "the first claim is kept");
}

async fn versions_stop_lost_updates(table: Arc<dyn Table>) {
    let v1 = item("JOB#j1", "JOB", json!({"status": "queued"})).at_version(1);
    table.put(v1.clone(), Expect::Absent).await.expect("create");
    // Two writers read version 1; the first to write wins, the second must re-read.
    let first = item("JOB#j1", "JOB", json!({"status": "extracting"})).at_version(2);
    let second = item("JOB#j1", "JOB", json!({"status": "failed"})).at_version(2);
    table.put(first, Expect::Version(1)).await.expect("first writer");
    let err = table.put(second, Expect::Version(1)).await.expect_err("stale writer");
    assert!(err.is_condition_failed());
    let stored = table.get(&v1.key).await.expect("get").expect("present");
    assert_eq!((stored.version, stored.data["status"].as_str()), (2, Some("extracting")));
    let missing = item("JOB#none", "JOB", json!({})).at_version(2);
    assert!(table.put(missing, Expect::Version(1)).await.expect_err("no item").is_condition_failed());
}

async fn put_if_exists_never_creates(table: Arc<dyn Table>) {
    let err = table.put(item("CV#c1", "V#1", json!({})), Expect::Exists).await.expect_err("absent");
    assert!(err.is_condition_failed());
    assert_eq!(table.get(&key("CV#c1", "V#1")).await.expect("get"), None);
    table.put(item("CV#c1", "V#1", json!({"a": 1})), Expect::Absent).await.expect("create");
    table.put(item("CV#c1", "V#1", json!({"a": 2})), Expect::Exists).await.expect("replace");
    assert_eq!(table.get(&key("CV#c1", "V#1")).await.expect("get").expect("present").data["a"], 2);
}

async fn conditional_deletes(table: Arc<dyn Table>) {
    let k = key("UPLOAD#u1", "UPLOAD");
    table.delete(&k, Expect::Anything).await.expect("deleting nothing is fine");
    assert!(table.delete(&k, Expect::Exists).await.expect_err("nothing to delete").is_condition_failed());
    table.put(item("UPLOAD#u1", "UPLOAD", json!({})).at_version(5), Expect::Anything).await.expect("put");
    assert!(table.delete(&k, Expect::Version(4)).await.expect_err("wrong version").is_condition_failed());
    assert!(table.get(&k).await.expect("get").is_some(), "a failed delete deletes nothing");
    table.delete(&k, Expect::Version(5)).await.expect("right version");
    assert_eq!(table.get(&k).await.expect("get"), None);
}

async fn expired_items_do_not_exist(table: Arc<dyn Table>) {
    let past = unix_now() - 10;
    let stale = item("RATE#ip", "LOGIN", json!({"count": 5})).expiring_at(past).in_index(IndexKey::new("G#rate", "1"));
    table.put(stale, Expect::Anything).await.expect("put");
    table.put(item("RATE#ip", "OTHER", json!({})), Expect::Anything).await.expect("put live");
    assert_eq!(table.get(&key("RATE#ip", "LOGIN")).await.expect("get"), None, "hidden from get");
    let page = table.query(Query::partition("RATE#ip", "")).await.expect("query");
    assert_eq!(page.items.iter().map(|i| i.key.sk.as_str()).collect::<Vec<_>>(), ["OTHER"], "hidden from query");
    let page = table.query(Query::gsi1("G#rate", "")).await.expect("query index");
    assert!(page.items.is_empty(), "hidden from the index");
    // An expired item is absent for conditions too: a new window starts.
    let fresh = item("RATE#ip", "LOGIN", json!({"count": 1})).expiring_at(unix_now() + 900);
    table.put(fresh, Expect::Absent).await.expect("expired counts as absent");
    assert_eq!(table.get(&key("RATE#ip", "LOGIN")).await.expect("get").expect("present").data["count"], 1);
    let expired_version = item("RATE#x", "A", json!({})).expiring_at(past).at_version(1);
    table.put(expired_version, Expect::Anything).await.expect("put");
    let update = item("RATE#x", "A", json!({})).at_version(2);
    assert!(table.put(update, Expect::Version(1)).await.expect_err("expired").is_condition_failed());
}

/// Every item of a query, following cursors; also checks no page exceeds the limit.
async fn collect(table: &dyn Table, query: Query) -> Vec<Item> {
    let mut all = Vec::new();
    let mut cursor: Option<Cursor> = None;
    for _ in 0..100 {
        let page = table.query(query.clone().after(cursor.clone())).await.expect("query page");
        assert!(page.items.len() <= query.limit as usize);
        all.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return all,
        }
    }
    panic!("pagination did not end");
}

async fn queries_select_by_prefix_in_order_across_pages(table: Arc<dyn Table>) {
    for i in (0..23).rev() {
        table.put(item("USER#u1", &format!("JOB#{i:03}"), json!({"n": i})), Expect::Anything).await.expect("put");
    }
    table.put(item("USER#u1", "CV#001", json!({})), Expect::Anything).await.expect("put");
    table.put(item("USER#u1", "JOC#000", json!({})), Expect::Anything).await.expect("put");
    table.put(item("USER#u2", "JOB#000", json!({})), Expect::Anything).await.expect("put");

    let ascending = collect(table.as_ref(), Query::partition("USER#u1", "JOB#").limit(10)).await;
    let sks: Vec<String> = ascending.iter().map(|i| i.key.sk.clone()).collect();
    let expected: Vec<String> = (0..23).map(|i| format!("JOB#{i:03}")).collect();
    assert_eq!(sks, expected);

    let descending = collect(table.as_ref(), Query::partition("USER#u1", "JOB#").limit(7).descending()).await;
    let sks: Vec<String> = descending.iter().map(|i| i.key.sk.clone()).collect();
    assert_eq!(sks, expected.iter().rev().cloned().collect::<Vec<_>>());

    let first = table.query(Query::partition("USER#u1", "JOB#").limit(5)).await.expect("page");
    assert_eq!(first.items.len(), 5);
    assert!(first.next.is_some());
    let everything = collect(table.as_ref(), Query::partition("USER#u1", "")).await;
    assert_eq!(everything.len(), 25, "the whole partition and nothing else");
    assert_eq!(everything[0].key.sk, "CV#001");
}

async fn the_secondary_index_is_queried_and_paginated(table: Arc<dyn Table>) {
    // Several users' uploads indexed by status; equal index sort keys must still paginate.
    for i in 0..12 {
        let status_time = format!("2026-11-{:02}", 1 + i % 4);
        let upload = item(&format!("UPLOAD#{i:02}"), "UPLOAD", json!({"i": i}))
            .in_index(IndexKey::new("STATUS#queued", format!("{status_time}#{i:02}")));
        table.put(upload, Expect::Anything).await.expect("put");
    }
    table
        .put(
            item("UPLOAD#x", "UPLOAD", json!({})).in_index(IndexKey::new("STATUS#ready", "2026-11-01")),
            Expect::Anything,
        )
        .await
        .expect("put");
    let found = collect(table.as_ref(), Query::gsi1("STATUS#queued", "2026-11-0").limit(5)).await;
    assert_eq!(found.len(), 12);
    let sort_keys: Vec<String> = found.iter().map(|i| i.gsi1.as_ref().expect("indexed").sk.clone()).collect();
    let mut sorted = sort_keys.clone();
    sorted.sort();
    assert_eq!(sort_keys, sorted, "index order");
    let distinct: BTreeSet<String> = found.iter().map(|i| i.key.pk.clone()).collect();
    assert_eq!(distinct.len(), 12, "each item once");
    let narrowed = collect(table.as_ref(), Query::gsi1("STATUS#queued", "2026-11-02").limit(2)).await;
    assert_eq!(narrowed.len(), 3);
    let newest_first = table.query(Query::gsi1("STATUS#queued", "").limit(1).descending()).await.expect("query");
    assert_eq!(newest_first.items[0].gsi1.as_ref().expect("indexed").sk, "2026-11-04#11");
}

async fn a_cursor_only_works_in_its_own_partition(table: Arc<dyn Table>) {
    for i in 0..3 {
        table.put(item("USER#a", &format!("JOB#{i}"), json!({})), Expect::Anything).await.expect("put");
        table.put(item("USER#b", &format!("JOB#{i}"), json!({})), Expect::Anything).await.expect("put");
    }
    let page = table.query(Query::partition("USER#a", "JOB#").limit(1)).await.expect("page");
    let cursor = page.next.expect("more pages");
    let err = table.query(Query::partition("USER#b", "JOB#").limit(1).after(Some(cursor))).await.expect_err("foreign");
    assert!(matches!(err, TableError::InvalidCursor), "{err:?}");
    let forged = Cursor::from_token("eyJwayI6IlVTRVIjYiJ9");
    let err = table.query(Query::partition("USER#a", "").after(Some(forged))).await.expect_err("forged");
    assert!(matches!(err, TableError::InvalidCursor), "{err:?}");
}

async fn transactions_apply_all_or_nothing(table: Arc<dyn Table>) {
    table.put(item("EMAIL#taken@example.com", "CLAIM", json!({"userId": "u0"})), Expect::Absent).await.expect("seed");
    // Registering u1 with a taken e-mail: the user item must not appear either.
    let ops = vec![
        TransactOp::Put(item("USER#u1", "PROFILE", json!({"email": "taken@example.com"})), Expect::Absent),
        TransactOp::Put(item("EMAIL#taken@example.com", "CLAIM", json!({"userId": "u1"})), Expect::Absent),
    ];
    let err = table.transact(ops).await.expect_err("e-mail taken");
    assert!(matches!(err, TableError::ConditionFailed { op: Some(1) }), "{err:?}");
    assert_eq!(table.get(&key("USER#u1", "PROFILE")).await.expect("get"), None, "nothing applied");

    table
        .put(item("PORTFOLIO#p1", "META", json!({"slug": "old"})).at_version(1), Expect::Anything)
        .await
        .expect("seed");
    table.put(item("SLUG#old", "CLAIM", json!({"portfolio": "p1"})), Expect::Anything).await.expect("seed");
    // Renaming a slug: claim the new one, release the old, bump the portfolio, check the user.
    table.put(item("USER#u2", "PROFILE", json!({})), Expect::Anything).await.expect("seed");
    let ops = vec![
        TransactOp::Put(item("SLUG#new", "CLAIM", json!({"portfolio": "p1"})), Expect::Absent),
        TransactOp::Delete(key("SLUG#old", "CLAIM"), Expect::Exists),
        TransactOp::Put(item("PORTFOLIO#p1", "META", json!({"slug": "new"})).at_version(2), Expect::Version(1)),
        TransactOp::Check(key("USER#u2", "PROFILE"), Expect::Exists),
    ];
    table.transact(ops).await.expect("rename");
    assert!(table.get(&key("SLUG#new", "CLAIM")).await.expect("get").is_some());
    assert_eq!(table.get(&key("SLUG#old", "CLAIM")).await.expect("get"), None);
    assert_eq!(table.get(&key("PORTFOLIO#p1", "META")).await.expect("get").expect("present").version, 2);

    let failing_check = vec![
        TransactOp::Put(item("SLUG#third", "CLAIM", json!({})), Expect::Absent),
        TransactOp::Check(key("USER#ghost", "PROFILE"), Expect::Exists),
    ];
    let err = table.transact(failing_check).await.expect_err("check fails");
    assert!(matches!(err, TableError::ConditionFailed { op: Some(1) }), "{err:?}");
    assert_eq!(table.get(&key("SLUG#third", "CLAIM")).await.expect("get"), None);
}

async fn racing_claims_on_one_key_have_one_winner(table: Arc<dyn Table>) {
    let attempts = (0..16).map(|i| {
        let table = Arc::clone(&table);
        tokio::spawn(async move {
            let ops = vec![
                TransactOp::Put(item(&format!("USER#racer{i}"), "PROFILE", json!({})), Expect::Absent),
                TransactOp::Put(item("EMAIL#race@example.com", "CLAIM", json!({"userId": i})), Expect::Absent),
            ];
            let by_transaction = table.transact(ops).await;
            let by_put = table.put(item("SLUG#race", "CLAIM", json!({"by": i})), Expect::Absent).await;
            (by_transaction, by_put)
        })
    });
    let mut won = (0, 0);
    for attempt in attempts {
        let (tx, put) = attempt.await.expect("task");
        match tx {
            Ok(()) => won.0 += 1,
            Err(e) => assert!(e.is_condition_failed() || matches!(e, TableError::Unavailable(_)), "{e:?}"),
        }
        match put {
            Ok(()) => won.1 += 1,
            Err(e) => assert!(e.is_condition_failed(), "{e:?}"),
        }
    }
    assert_eq!(won, (1, 1), "exactly one winner each");
}

async fn oversized_items_are_refused(table: Arc<dyn Table>) {
    let huge = "x".repeat(400 * 1024);
    let err = table.put(item("CV#big", "V#1", json!({"text": huge})), Expect::Anything).await.expect_err("too big");
    assert!(matches!(err, TableError::InvalidItem(_)), "{err:?}");
    let err = table.put(item("", "V#1", json!({})), Expect::Anything).await.expect_err("empty key");
    assert!(matches!(err, TableError::InvalidItem(_)), "{err:?}");
}

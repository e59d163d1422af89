//! The embedded Table adapter (SQLite, WAL) side by side with bare rusqlite doing the same SQL,
//! so the figures read as "what the adapter costs" on whatever machine runs them.
//! Run: `make bench` (or `cargo bench -p r2w-embedded --bench table`); criterion prints time per
//! operation and operations per second ("thrpt").

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use r2w_core::store::{Expect, IndexKey, Item, ItemKey, Query, Table};
use r2w_embedded::SqliteTable;
use rusqlite::{Connection, params};
use serde_json::json;

fn job_item(i: u64) -> Item {
    let data = json!({"status": "ready", "uploadId": format!("up-{i}"), "steps": [{"name": "extract", "at": 1_700_000_000 + i}]});
    Item::with_data(ItemKey::new("USER#bench", format!("JOB#{i:08}")), &data)
        .expect("object")
        .in_index(IndexKey::new("STATUS#ready", format!("{i:08}")))
}

fn raw_connection(path: &std::path::Path) -> Connection {
    let conn = Connection::open(path).expect("open");
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
    conn.pragma_update(None, "synchronous", "NORMAL").expect("sync");
    conn
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.sqlite3");
    let table: Arc<dyn Table> = Arc::new(SqliteTable::open(&path).expect("open"));
    rt.block_on(async {
        for i in 0..1000 {
            table.put(job_item(i), Expect::Anything).await.expect("seed");
        }
    });
    let raw = raw_connection(&path);

    let mut group = c.benchmark_group("get");
    group.throughput(Throughput::Elements(1));
    let n = AtomicU64::new(0);
    group.bench_function("adapter", |b| {
        b.to_async(&rt).iter(|| {
            let key = ItemKey::new("USER#bench", format!("JOB#{:08}", n.fetch_add(7, Ordering::Relaxed) % 1000));
            let table = Arc::clone(&table);
            async move { table.get(&key).await.expect("get").expect("present") }
        })
    });
    group.bench_function("raw_rusqlite", |b| {
        b.iter(|| {
            let sk = format!("JOB#{:08}", n.fetch_add(7, Ordering::Relaxed) % 1000);
            let mut stmt = raw
                .prepare_cached(
                    "SELECT pk, sk, gsi1pk, gsi1sk, expires_at, version, data FROM items WHERE pk = ?1 AND sk = ?2",
                )
                .expect("prepare");
            let data: String = stmt.query_row(params!["USER#bench", sk], |row| row.get(6)).expect("row");
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&data).expect("json")
        })
    });
    group.finish();

    let mut group = c.benchmark_group("conditional_put");
    group.throughput(Throughput::Elements(1));
    let next = AtomicU64::new(1_000_000);
    group.bench_function("adapter_put_if_absent", |b| {
        b.to_async(&rt).iter(|| {
            let item = job_item(next.fetch_add(1, Ordering::Relaxed));
            let table = Arc::clone(&table);
            async move { table.put(item, Expect::Absent).await.expect("put") }
        })
    });
    group.bench_function("raw_rusqlite_check_then_insert", |b| {
        b.iter(|| {
            let item = job_item(next.fetch_add(1, Ordering::Relaxed));
            let data = serde_json::to_string(&item.data).expect("json");
            raw.execute_batch("BEGIN IMMEDIATE").expect("begin");
            let exists: bool = raw
                .prepare_cached("SELECT 1 FROM items WHERE pk = ?1 AND sk = ?2")
                .and_then(|mut s| s.exists(params![item.key.pk, item.key.sk]))
                .expect("check");
            assert!(!exists);
            raw.prepare_cached("INSERT INTO items (pk, sk, gsi1pk, gsi1sk, expires_at, version, data) VALUES (?1, ?2, ?3, ?4, NULL, 1, ?5)")
                .and_then(|mut s| {
                    let gsi = item.gsi1.as_ref().expect("indexed");
                    s.execute(params![item.key.pk, item.key.sk, gsi.pk, gsi.sk, data])
                })
                .expect("insert");
            raw.execute_batch("COMMIT").expect("commit");
        })
    });
    group.finish();

    let mut group = c.benchmark_group("query_50");
    group.throughput(Throughput::Elements(1));
    group.bench_function("adapter", |b| {
        b.to_async(&rt).iter(|| {
            let table = Arc::clone(&table);
            async move {
                let page = table.query(Query::partition("USER#bench", "JOB#0000").limit(50)).await.expect("query");
                assert_eq!(page.items.len(), 50);
            }
        })
    });
    group.bench_function("raw_rusqlite", |b| {
        b.iter(|| {
            let mut stmt = raw
                .prepare_cached("SELECT pk, sk, gsi1pk, gsi1sk, expires_at, version, data FROM items WHERE pk = ?1 AND sk >= ?2 AND sk < ?3 ORDER BY sk LIMIT 51")
                .expect("prepare");
            let rows: Vec<String> = stmt
                .query_map(params!["USER#bench", "JOB#0000", "JOB#0001"], |row| row.get(6))
                .and_then(|rows| rows.collect())
                .expect("rows");
            let parsed: Vec<serde_json::Value> = rows.iter().map(|r| serde_json::from_str(r).expect("json")).collect();
            assert!(parsed.len() >= 50);
        })
    });
    group.finish();
}

criterion_group! {
    name = table;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4)).sample_size(30);
    targets = benches
}
criterion_main!(table);

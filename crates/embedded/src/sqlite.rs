//! The embedded Table adapter: one SQLite file in WAL mode.
//!
//! Several processes may share the file (under `cargo lambda watch` every function is its own
//! process): writes that check a condition run inside `BEGIN IMMEDIATE`, so the check and the
//! write are atomic across processes, and a busy database is waited for rather than failed.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};
use serde_json::{Map, Value};

use r2w_core::error::Detail;
use r2w_core::store::table::*;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS items (
    pk TEXT NOT NULL,
    sk TEXT NOT NULL,
    gsi1pk TEXT,
    gsi1sk TEXT,
    expires_at INTEGER,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS items_gsi1 ON items (gsi1pk, gsi1sk) WHERE gsi1pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_expiry ON items (expires_at) WHERE expires_at IS NOT NULL;
";

/// Expired items are purged in bulk once every this many writes (reads already hide them).
const PURGE_EVERY_WRITES: u64 = 1000;

const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct SqliteTable {
    inner: Arc<Inner>,
}

struct Inner {
    conn: Mutex<Connection>,
    writes: std::sync::atomic::AtomicU64,
}

impl SqliteTable {
    pub fn open(path: &Path) -> Result<Self, TableError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| TableError::Backend(Detail::new(format!("cannot create {}", dir.display()), e)))?;
        }
        let conn = Connection::open(path).map_err(backend)?;
        Self::setup(conn)
    }

    /// A private in-memory table, for tests and one-off tools.
    pub fn in_memory() -> Result<Self, TableError> {
        Self::setup(Connection::open_in_memory().map_err(backend)?)
    }

    fn setup(conn: Connection) -> Result<Self, TableError> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
        // A deleted item's bytes are overwritten, not left in free pages (an erased account must
        // not be readable from the file); see also `forget_deleted` for the write-ahead log.
        conn.pragma_update(None, "secure_delete", "ON").map_err(backend)?;
        // WAL lets readers in other processes proceed while one writes; NORMAL sync is durable
        // across application crashes (the WAL is synced at checkpoints) and much faster.
        // Switching a new file to WAL needs an exclusive lock, and SQLite answers "locked"
        // without waiting when several processes open it at once: retry until the deadline.
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        loop {
            let prepared = conn
                .pragma_update(None, "journal_mode", "WAL")
                .and_then(|()| conn.pragma_update(None, "synchronous", "NORMAL"))
                .and_then(|()| conn.execute_batch(SCHEMA));
            match prepared {
                Ok(()) => break,
                Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(backend(e)),
            }
        }
        Ok(Self { inner: Arc::new(Inner { conn: Mutex::new(conn), writes: 0.into() }) })
    }

    /// Runs `work` on the connection off the async executor (SQLite calls block, and may wait
    /// for another process's write lock).
    async fn with_conn<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, TableError> + Send + 'static,
    ) -> Result<T, TableError> {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let mut conn = lock(&inner.conn);
            work(&mut conn)
        })
        .await
        .map_err(|e| TableError::Backend(Detail::new("the SQLite worker", e)))?
    }

    async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction<'_>, i64) -> Result<T, TableError> + Send + 'static,
    ) -> Result<T, TableError> {
        let purge =
            self.inner.writes.fetch_add(1, std::sync::atomic::Ordering::Relaxed).is_multiple_of(PURGE_EVERY_WRITES);
        self.with_conn(move |conn| {
            let now = unix_now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(backend)?;
            let out = work(&tx, now)?;
            if purge {
                tx.execute("DELETE FROM items WHERE expires_at IS NOT NULL AND expires_at <= ?1", [now])
                    .map_err(backend)?;
            }
            tx.commit().map_err(backend)?;
            Ok(out)
        })
        .await
    }
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock cannot leave SQLite half-written (transactions roll back
    // on drop), so the connection stays usable.
    conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn backend(e: rusqlite::Error) -> TableError {
    if is_busy(&e) {
        TableError::Unavailable(Detail::new("SQLite is busy", e))
    } else {
        TableError::Backend(Detail::new("SQLite", e))
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// The version of the live (unexpired) item at `key`, if any.
fn live_version(tx: &Connection, key: &ItemKey, now: i64) -> Result<Option<u64>, TableError> {
    tx.prepare_cached("SELECT version FROM items WHERE pk = ?1 AND sk = ?2 AND (expires_at IS NULL OR expires_at > ?3)")
        .and_then(|mut stmt| stmt.query_row(params![key.pk, key.sk, now], |row| row.get::<_, i64>(0)).optional())
        .map(|v| v.map(|v| v as u64))
        .map_err(backend)
}

fn insert(tx: &Connection, item: &Item, data: &str) -> Result<(), TableError> {
    let (gpk, gsk) = item.gsi1.as_ref().map(|g| (Some(g.pk.as_str()), Some(g.sk.as_str()))).unwrap_or((None, None));
    tx.prepare_cached(
        "INSERT INTO items (pk, sk, gsi1pk, gsi1sk, expires_at, version, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (pk, sk) DO UPDATE SET gsi1pk = ?3, gsi1sk = ?4, expires_at = ?5, version = ?6, data = ?7",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![item.key.pk, item.key.sk, gpk, gsk, item.expires_at, item.version as i64, data])
    })
    .map(drop)
    .map_err(backend)
}

fn remove(tx: &Connection, key: &ItemKey) -> Result<(), TableError> {
    tx.prepare_cached("DELETE FROM items WHERE pk = ?1 AND sk = ?2")
        .and_then(|mut stmt| stmt.execute(params![key.pk, key.sk]))
        .map(drop)
        .map_err(backend)
}

/// A row as stored; its data is parsed only once the row is known to be wanted.
struct StoredRow {
    key: ItemKey,
    gsi1: Option<IndexKey>,
    expires_at: Option<i64>,
    version: i64,
    data: String,
}

fn row_to_item(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRow> {
    let gpk: Option<String> = row.get(2)?;
    let gsk: Option<String> = row.get(3)?;
    Ok(StoredRow {
        key: ItemKey::new(row.get::<_, String>(0)?, row.get::<_, String>(1)?),
        gsi1: gpk.zip(gsk).map(|(pk, sk)| IndexKey { pk, sk }),
        expires_at: row.get(4)?,
        version: row.get(5)?,
        data: row.get(6)?,
    })
}

fn build_item(row: StoredRow) -> Result<Item, TableError> {
    let data: Map<String, Value> = serde_json::from_str(&row.data)
        .map_err(|e| TableError::Backend(Detail::new(format!("stored item {} is not JSON", row.key), e)))?;
    Ok(Item { key: row.key, gsi1: row.gsi1, expires_at: row.expires_at, version: row.version as u64, data })
}

#[async_trait]
impl Table for SqliteTable {
    async fn get(&self, key: &ItemKey) -> Result<Option<Item>, TableError> {
        key.check()?;
        let key = key.clone();
        let found = self
            .with_conn(move |conn| {
                conn.prepare_cached(
                    "SELECT pk, sk, gsi1pk, gsi1sk, expires_at, version, data FROM items WHERE pk = ?1 AND sk = ?2",
                )
                .and_then(|mut stmt| stmt.query_row(params![key.pk, key.sk], row_to_item).optional())
                .map_err(backend)
            })
            .await?;
        let Some(item) = found.map(build_item).transpose()? else { return Ok(None) };
        if item.is_expired(unix_now()) {
            // Lazy purge; a failure here only delays it.
            let key = item.key.clone();
            let purge = "DELETE FROM items WHERE pk = ?1 AND sk = ?2 AND expires_at <= ?3";
            let _ = self
                .with_conn(move |conn| {
                    conn.execute(purge, params![key.pk, key.sk, unix_now()]).map(drop).map_err(backend)
                })
                .await;
            return Ok(None);
        }
        Ok(Some(item))
    }

    async fn put(&self, item: Item, expect: Expect) -> Result<(), TableError> {
        let data = item.check()?;
        self.write(move |tx, now| {
            if expect != Expect::Anything && !expect.holds_for(live_version(tx, &item.key, now)?) {
                return Err(TableError::ConditionFailed { op: None });
            }
            insert(tx, &item, &data)
        })
        .await
    }

    async fn delete(&self, key: &ItemKey, expect: Expect) -> Result<(), TableError> {
        key.check()?;
        let key = key.clone();
        self.write(move |tx, now| {
            if expect != Expect::Anything && !expect.holds_for(live_version(tx, &key, now)?) {
                return Err(TableError::ConditionFailed { op: None });
            }
            remove(tx, &key)
        })
        .await
    }

    async fn query(&self, query: Query) -> Result<Page, TableError> {
        query.check()?;
        let position = query.position()?;
        let upper = prefix_upper_bound(&query.sk_prefix);
        let (part, sort) = match query.index {
            Index::Primary => ("pk", "sk"),
            Index::Gsi1 => ("gsi1pk", "gsi1sk"),
        };
        let (cmp, dir) = match query.order {
            Order::Ascending => (">", "ASC"),
            Order::Descending => ("<", "DESC"),
        };
        let mut sql = format!(
            "SELECT pk, sk, gsi1pk, gsi1sk, expires_at, version, data FROM items
             WHERE {part} = ?1 AND {sort} >= ?2 AND (?3 IS NULL OR {sort} < ?3) AND (expires_at IS NULL OR expires_at > ?4)"
        );
        // Index sort keys are not unique: the table key breaks ties, as in DynamoDB's cursor.
        let after: [Option<String>; 3] = match (&position, query.index) {
            (None, _) => [None, None, None],
            (Some(p), Index::Primary) => {
                sql += &format!(" AND sk {cmp} ?5");
                [Some(p.sk.clone()), None, None]
            }
            (Some(p), Index::Gsi1) => {
                sql += &format!(" AND (gsi1sk, pk, sk) {cmp} (?5, ?6, ?7)");
                [p.gsi1sk.clone(), Some(p.pk.clone()), Some(p.sk.clone())]
            }
        };
        sql += &match query.index {
            Index::Primary => format!(" ORDER BY sk {dir} LIMIT ?8"),
            Index::Gsi1 => format!(" ORDER BY gsi1sk {dir}, pk {dir}, sk {dir} LIMIT ?8"),
        };
        let limit = query.limit as usize;
        let (pk, prefix) = (query.pk.clone(), query.sk_prefix.clone());
        let rows = self
            .with_conn(move |conn| {
                let mut stmt = conn.prepare_cached(&sql).map_err(backend)?;
                let rows = stmt
                    .query_map(
                        params![pk, prefix, upper, unix_now(), after[0], after[1], after[2], (limit + 1) as i64],
                        row_to_item,
                    )
                    .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                    .map_err(backend)?;
                Ok(rows)
            })
            .await?;
        let mut items = rows.into_iter().map(build_item).collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|last| {
                Cursor::encode(&Position {
                    pk: last.key.pk.clone(),
                    sk: last.key.sk.clone(),
                    gsi1pk: last.gsi1.as_ref().map(|g| g.pk.clone()),
                    gsi1sk: last.gsi1.as_ref().map(|g| g.sk.clone()),
                })
            })
        } else {
            None
        };
        Ok(Page { items, next })
    }

    async fn transact(&self, ops: Vec<TransactOp>) -> Result<(), TableError> {
        check_transaction(&ops)?;
        let prepared = ops
            .into_iter()
            .map(|op| match &op {
                TransactOp::Put(item, _) => item.check().map(|data| (op, Some(data))),
                _ => Ok((op, None)),
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.write(move |tx, now| {
            for (i, (op, _)) in prepared.iter().enumerate() {
                let (key, expect) = match op {
                    TransactOp::Put(item, e) => (&item.key, *e),
                    TransactOp::Delete(key, e) | TransactOp::Check(key, e) => (key, *e),
                };
                if expect != Expect::Anything && !expect.holds_for(live_version(tx, key, now)?) {
                    // Dropping the transaction without commit rolls back nothing written yet.
                    return Err(TableError::ConditionFailed { op: Some(i) });
                }
            }
            for (op, data) in &prepared {
                match (op, data) {
                    (TransactOp::Put(item, _), Some(data)) => insert(tx, item, data)?,
                    (TransactOp::Delete(key, _), _) => remove(tx, key)?,
                    _ => {}
                }
            }
            Ok(())
        })
        .await
    }

    /// With `secure_delete` the database file holds no deleted bytes; the write-ahead log still
    /// holds earlier frames of the pages until a checkpoint copies the current ones back and
    /// truncates it. A reader in another process can hold the log open: then the log is only
    /// emptied at that process's next checkpoint, and this says so in the log.
    async fn forget_deleted(&self) -> Result<(), TableError> {
        let busy = self
            .with_conn(|conn| {
                conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get::<_, i64>(0)).map_err(backend)
            })
            .await?;
        if busy != 0 {
            tracing::warn!("the write-ahead log is in use by another process; it is truncated at its next checkpoint");
        }
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}

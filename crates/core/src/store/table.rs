//! The Table port: one single-table store of items addressed by (pk, sk), with one secondary
//! index (gsi1), optimistic versions, conditional and transactional writes, and TTL.
//!
//! Semantics both adapters keep (the contract tests in `crates/core/tests/table_contract.rs` hold
//! them to it):
//! - an item whose `expires_at` has passed does not exist: reads skip it and conditions treat it
//!   as absent, whether or not the backend has purged it yet;
//! - `version` is the caller's: a write with [`Expect::Version`] succeeds only when the stored
//!   item has that version, and stores the item's own `version` (usually one more);
//! - a failed condition is [`TableError::ConditionFailed`], never a generic error;
//! - a transaction applies all its operations or none.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Detail;

/// DynamoDB's limits, applied by both adapters so the embedded default accepts nothing the
/// cloud would refuse.
pub const MAX_PARTITION_KEY_BYTES: usize = 2048;
pub const MAX_SORT_KEY_BYTES: usize = 1024;
pub const MAX_ITEM_DATA_BYTES: usize = 380 * 1024;
pub const MAX_TRANSACTION_OPS: usize = 100;
pub const MAX_QUERY_LIMIT: u32 = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey {
    pub pk: String,
    pub sk: String,
}

impl ItemKey {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self { pk: pk.into(), sk: sk.into() }
    }

    pub fn check(&self) -> Result<(), TableError> {
        check_key_part("pk", &self.pk, MAX_PARTITION_KEY_BYTES)?;
        check_key_part("sk", &self.sk, MAX_SORT_KEY_BYTES)
    }
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.pk, self.sk)
    }
}

/// The key of an item in the secondary index gsi1 (not unique).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IndexKey {
    pub pk: String,
    pub sk: String,
}

impl IndexKey {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self { pk: pk.into(), sk: sk.into() }
    }
}

fn check_key_part(name: &str, value: &str, max: usize) -> Result<(), TableError> {
    if value.is_empty() || value.len() > max {
        return Err(TableError::InvalidItem(format!("{name} must be 1-{max} bytes")));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub key: ItemKey,
    pub gsi1: Option<IndexKey>,
    /// Unix seconds after which the item no longer exists (DynamoDB TTL).
    pub expires_at: Option<i64>,
    pub version: u64,
    pub data: Map<String, Value>,
}

impl Item {
    pub fn new(key: ItemKey) -> Self {
        Self { key, gsi1: None, expires_at: None, version: 1, data: Map::new() }
    }

    /// An item whose data is `value` serialised (it must serialise to a JSON object).
    pub fn with_data<T: Serialize + ?Sized>(key: ItemKey, value: &T) -> Result<Self, TableError> {
        match serde_json::to_value(value) {
            Ok(Value::Object(data)) => Ok(Self { data, ..Self::new(key) }),
            Ok(_) => Err(TableError::InvalidItem("item data must be a JSON object".into())),
            Err(e) => Err(TableError::InvalidItem(e.to_string())),
        }
    }

    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, TableError> {
        serde_json::from_value(Value::Object(self.data.clone()))
            .map_err(|e| TableError::InvalidItem(format!("item {} does not hold the expected data: {e}", self.key)))
    }

    pub fn in_index(mut self, key: IndexKey) -> Self {
        self.gsi1 = Some(key);
        self
    }

    pub fn expiring_at(mut self, unix_seconds: i64) -> Self {
        self.expires_at = Some(unix_seconds);
        self
    }

    pub fn at_version(mut self, version: u64) -> Self {
        self.version = version;
        self
    }

    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }

    pub fn check(&self) -> Result<String, TableError> {
        self.key.check()?;
        if let Some(index) = &self.gsi1 {
            check_key_part("gsi1 pk", &index.pk, MAX_PARTITION_KEY_BYTES)?;
            check_key_part("gsi1 sk", &index.sk, MAX_SORT_KEY_BYTES)?;
        }
        let json = serde_json::to_string(&self.data).map_err(|e| TableError::InvalidItem(e.to_string()))?;
        if json.len() > MAX_ITEM_DATA_BYTES {
            return Err(TableError::InvalidItem(format!(
                "item data is {} bytes; the limit is {MAX_ITEM_DATA_BYTES}",
                json.len()
            )));
        }
        Ok(json)
    }
}

/// What must be true of the stored item for a write to happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Anything,
    Absent,
    Exists,
    Version(u64),
}

impl Expect {
    /// Whether the stored item (already filtered for expiry) satisfies the condition.
    pub fn holds_for(self, stored_version: Option<u64>) -> bool {
        match self {
            Self::Anything => true,
            Self::Absent => stored_version.is_none(),
            Self::Exists => stored_version.is_some(),
            Self::Version(v) => stored_version == Some(v),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    Primary,
    Gsi1,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Ascending,
    Descending,
}

#[derive(Debug, Clone)]
pub struct Query {
    pub index: Index,
    pub pk: String,
    pub sk_prefix: String,
    pub limit: u32,
    pub order: Order,
    pub cursor: Option<Cursor>,
}

impl Query {
    /// Items of partition `pk` whose sort key starts with `sk_prefix`, ascending, 100 a page.
    pub fn partition(pk: impl Into<String>, sk_prefix: impl Into<String>) -> Self {
        Self {
            index: Index::Primary,
            pk: pk.into(),
            sk_prefix: sk_prefix.into(),
            limit: 100,
            order: Order::Ascending,
            cursor: None,
        }
    }

    /// The same on the secondary index gsi1.
    pub fn gsi1(pk: impl Into<String>, sk_prefix: impl Into<String>) -> Self {
        Self { index: Index::Gsi1, ..Self::partition(pk, sk_prefix) }
    }

    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit;
        self
    }

    pub fn descending(mut self) -> Self {
        self.order = Order::Descending;
        self
    }

    pub fn after(mut self, cursor: Option<Cursor>) -> Self {
        self.cursor = cursor;
        self
    }

    pub fn check(&self) -> Result<(), TableError> {
        check_key_part("query pk", &self.pk, MAX_PARTITION_KEY_BYTES)?;
        if self.limit == 0 || self.limit > MAX_QUERY_LIMIT {
            return Err(TableError::InvalidItem(format!("query limit must be 1-{MAX_QUERY_LIMIT}")));
        }
        Ok(())
    }

    /// The position encoded in this query's cursor, checked to belong to this query's partition.
    pub fn position(&self) -> Result<Option<Position>, TableError> {
        let Some(cursor) = &self.cursor else { return Ok(None) };
        let position = cursor.decode()?;
        let partition = match self.index {
            Index::Primary => Some(&position.pk),
            Index::Gsi1 => position.gsi1pk.as_ref(),
        };
        if partition != Some(&self.pk) || (self.index == Index::Gsi1 && position.gsi1sk.is_none()) {
            return Err(TableError::InvalidCursor);
        }
        Ok(Some(position))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Item>,
    /// Where the next page starts; `None` when there are no more items.
    pub next: Option<Cursor>,
}

/// An opaque pagination token, safe to hand to clients: it names only a position inside the
/// partition of the query it came from, and a query refuses a cursor from another partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(String);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub pk: String,
    pub sk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi1pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi1sk: Option<String>,
}

impl Cursor {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Accepts a token a client sent back; it is checked when used.
    pub fn from_token(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    pub fn encode(position: &Position) -> Self {
        let json = serde_json::to_vec(position).unwrap_or_default();
        Self(URL_SAFE_NO_PAD.encode(json))
    }

    fn decode(&self) -> Result<Position, TableError> {
        let bytes = URL_SAFE_NO_PAD.decode(&self.0).map_err(|_| TableError::InvalidCursor)?;
        serde_json::from_slice(&bytes).map_err(|_| TableError::InvalidCursor)
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone)]
pub enum TransactOp {
    Put(Item, Expect),
    Delete(ItemKey, Expect),
    /// Writes nothing; the transaction fails unless the condition holds.
    Check(ItemKey, Expect),
}

impl TransactOp {
    pub fn key(&self) -> &ItemKey {
        match self {
            Self::Put(item, _) => &item.key,
            Self::Delete(key, _) | Self::Check(key, _) => key,
        }
    }
}

pub fn check_transaction(ops: &[TransactOp]) -> Result<(), TableError> {
    if ops.is_empty() || ops.len() > MAX_TRANSACTION_OPS {
        return Err(TableError::InvalidItem(format!("a transaction has 1-{MAX_TRANSACTION_OPS} operations")));
    }
    let mut keys: Vec<&ItemKey> = ops.iter().map(TransactOp::key).collect();
    keys.sort();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(TableError::InvalidItem("a transaction touches each item at most once".into()));
    }
    for op in ops {
        match op {
            TransactOp::Put(item, _) => {
                item.check()?;
            }
            TransactOp::Delete(key, _) | TransactOp::Check(key, _) => key.check()?,
        }
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The condition of a write did not hold; in a transaction, `op` is the failing operation.
    #[error("condition failed{}", op.map(|i| format!(" (operation {i})")).unwrap_or_default())]
    ConditionFailed { op: Option<usize> },
    #[error("invalid pagination cursor")]
    InvalidCursor,
    #[error("invalid item: {0}")]
    InvalidItem(String),
    /// Worth retrying: throttling, a timeout, a busy database, a network failure.
    #[error("table temporarily unavailable: {0}")]
    Unavailable(#[source] Detail),
    #[error("table backend error: {0}")]
    Backend(#[source] Detail),
}

impl TableError {
    pub fn is_condition_failed(&self) -> bool {
        matches!(self, Self::ConditionFailed { .. })
    }
}

#[async_trait]
pub trait Table: Send + Sync {
    async fn get(&self, key: &ItemKey) -> Result<Option<Item>, TableError>;
    async fn put(&self, item: Item, expect: Expect) -> Result<(), TableError>;
    async fn delete(&self, key: &ItemKey, expect: Expect) -> Result<(), TableError>;
    async fn query(&self, query: Query) -> Result<Page, TableError>;
    async fn transact(&self, ops: Vec<TransactOp>) -> Result<(), TableError>;
    /// Makes what was deleted unrecoverable from the store's own files: an embedded database
    /// keeps freed pages and old log frames until told otherwise. Nothing to do where the
    /// service manages its storage (DynamoDB).
    async fn forget_deleted(&self) -> Result<(), TableError> {
        Ok(())
    }
    /// "sqlite" or "dynamodb", for logs and test names.
    fn backend(&self) -> &'static str;
}

pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// The smallest string greater than every string starting with `prefix`, for range scans;
/// `None` when no such bound exists (empty prefix, or only `char::MAX`).
pub fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (last as u32 + 1..=char::MAX as u32).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_bound_covers_exactly_the_prefix() {
        let upper = prefix_upper_bound("JOB#").expect("bound");
        assert_eq!(upper, "JOB$");
        assert!("JOB#zzz" < upper.as_str() && "JOB$" >= upper.as_str());
        assert_eq!(prefix_upper_bound(""), None);
        assert_eq!(prefix_upper_bound("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound("\u{D7FF}").as_deref(), Some("\u{E000}"));
    }

    #[test]
    fn cursor_from_another_partition_is_refused() {
        let cursor = Cursor::encode(&Position { pk: "USER#a".into(), sk: "JOB#1".into(), gsi1pk: None, gsi1sk: None });
        let mine = Query::partition("USER#a", "").after(Some(cursor.clone()));
        assert!(mine.position().is_ok());
        let theirs = Query::partition("USER#b", "").after(Some(cursor));
        assert!(matches!(theirs.position(), Err(TableError::InvalidCursor)));
        let garbage = Query::partition("USER#a", "").after(Some(Cursor::from_token("%%%")));
        assert!(matches!(garbage.position(), Err(TableError::InvalidCursor)));
    }

    #[test]
    fn transaction_rejects_repeated_keys_and_size() {
        let key = ItemKey::new("a", "b");
        let ops = vec![TransactOp::Check(key.clone(), Expect::Exists), TransactOp::Delete(key, Expect::Anything)];
        assert!(matches!(check_transaction(&ops), Err(TableError::InvalidItem(_))));
        assert!(matches!(check_transaction(&[]), Err(TableError::InvalidItem(_))));
    }
}

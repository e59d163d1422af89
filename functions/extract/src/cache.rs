//! Claude's extractions, kept in the Table by (sha256 of the original, its owner, model, prompt
//! version): the same file extracted again for the same person (a retried step, a re-upload)
//! costs no second call. Each entry is the owner's (in their owner index), so deleting the
//! account deletes it, and no one learns from a fast answer that someone else sent a file. Only
//! Claude's answers are cached; the heuristic is cheaper to run than to look up, and caching
//! it would stand in the way of a later Claude extraction.
//!
//! Extractions imported from the original app (docs/migration.md) are filed under the same
//! file hash with their own model, as `imported#{model}`: a re-upload of a file the original
//! app had already read is answered from there, without a call.

use std::sync::Arc;

use r2w_core::model::{CvData, UserId};
pub use r2w_core::records::extractions::sha256_hex;
use r2w_core::records::extractions::{IMPORTED_PREFIX as IMPORTED, partition};
use r2w_core::records::owner_index;
use r2w_core::store::{Expect, Item, ItemKey, Query, Table, TableError};

/// Cached CVs are personal data: they go after 30 days.
const TTL_SECS: i64 = 30 * 24 * 3600;

pub struct ExtractionCache {
    table: Arc<dyn Table>,
}

/// What a cached extraction is filed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey {
    key: ItemKey,
    owner: UserId,
}

impl CacheKey {
    pub fn new(owner: &UserId, original: &[u8], model: &str, prompt_version: &str) -> Self {
        let key = ItemKey::new(partition(&sha256_hex(original)), format!("{owner}#{model}#{prompt_version}"));
        Self { key, owner: owner.clone() }
    }
}

/// A SHA-256 written as 64 hexadecimal digits, in lower case.
fn digest_hex(text: &str) -> Option<String> {
    let text = text.trim().to_ascii_lowercase();
    (text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())).then_some(text)
}

impl ExtractionCache {
    pub fn new(table: Arc<dyn Table>) -> Self {
        Self { table }
    }

    /// A stored extraction; one that no longer parses (an older schema) counts as a miss.
    pub async fn get(&self, key: &CacheKey) -> Result<Option<CvData>, TableError> {
        let Some(item) = self.table.get(&key.key).await? else { return Ok(None) };
        match item.data_as::<CvData>() {
            Ok(cv) => Ok(Some(cv)),
            Err(e) => {
                tracing::warn!(error = %e, "ignoring an unreadable cached extraction");
                Ok(None)
            }
        }
    }

    pub async fn put(&self, key: &CacheKey, cv: &CvData, now: i64) -> Result<(), TableError> {
        let item = Item::with_data(key.key.clone(), cv)?
            .in_index(owner_index(&key.owner, &key.key.pk))
            .expiring_at(now + TTL_SECS);
        self.table.put(item, Expect::Anything).await
    }

    /// Files an extraction the original app made of the file with this SHA-256 (hex), unless
    /// one is there already. `Ok(false)`: it was (an import run again), or the hash is not one.
    pub async fn put_imported(&self, sha256: &str, model: &str, cv: &CvData, now: i64) -> Result<bool, TableError> {
        let Some(hex) = digest_hex(sha256) else { return Ok(false) };
        let key = ItemKey::new(partition(&hex), format!("{IMPORTED}{model}"));
        let item = Item::with_data(key, cv)?.expiring_at(now + TTL_SECS);
        match self.table.put(item, Expect::Absent).await {
            Ok(()) => Ok(true),
            Err(TableError::ConditionFailed { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// An imported extraction of `original`, if the original app had read the same bytes.
    pub async fn imported(&self, original: &[u8]) -> Result<Option<CvData>, TableError> {
        let page = self.table.query(Query::partition(partition(&sha256_hex(original)), IMPORTED)).await?;
        Ok(page.items.iter().find_map(|item| item.data_as::<CvData>().ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_changes_with_the_file_the_owner_the_model_and_the_prompt() {
        let (ada, grace) = (UserId::random(), UserId::random());
        let base = CacheKey::new(&ada, b"cv", "claude-opus-5", "v1");
        assert_eq!(base, CacheKey::new(&ada, b"cv", "claude-opus-5", "v1"));
        assert_ne!(base, CacheKey::new(&grace, b"cv", "claude-opus-5", "v1"));
        assert_ne!(base, CacheKey::new(&ada, b"cv2", "claude-opus-5", "v1"));
        assert_ne!(base, CacheKey::new(&ada, b"cv", "claude-sonnet-5", "v1"));
        assert_ne!(base, CacheKey::new(&ada, b"cv", "claude-opus-5", "v2"));
        assert_eq!(
            base.key.pk, "EXTRACTION#29cdee48e28d8104186513c96be32955f6203cffa61833e36a88a37ecbff7989",
            "sha256 of the bytes"
        );
        assert_eq!(base.key.sk, format!("{ada}#claude-opus-5#v1"));
    }
}

//! Claude's extractions, kept in the Table by (sha256 of the original, model, prompt version):
//! the same file extracted again (a retried step, a re-upload) costs no second call. Only
//! Claude's answers are cached; the heuristic is cheaper to run than to look up, and caching
//! it would stand in the way of a later Claude extraction.

use std::sync::Arc;

use r2w_shared::model::CvData;
use r2w_shared::store::{Expect, Item, ItemKey, Table, TableError};
use sha2::{Digest, Sha256};

/// Cached CVs are personal data: they go after 30 days.
const TTL_SECS: i64 = 30 * 24 * 3600;

pub struct ExtractionCache {
    table: Arc<dyn Table>,
}

/// What a cached extraction is filed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey(ItemKey);

impl CacheKey {
    pub fn new(original: &[u8], model: &str, prompt_version: &str) -> Self {
        let digest = Sha256::digest(original);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        Self(ItemKey::new(format!("EXTRACTION#{hex}"), format!("{model}#{prompt_version}")))
    }
}

impl ExtractionCache {
    pub fn new(table: Arc<dyn Table>) -> Self {
        Self { table }
    }

    /// A stored extraction; one that no longer parses (an older schema) counts as a miss.
    pub async fn get(&self, key: &CacheKey) -> Result<Option<CvData>, TableError> {
        let Some(item) = self.table.get(&key.0).await? else { return Ok(None) };
        match item.data_as::<CvData>() {
            Ok(cv) => Ok(Some(cv)),
            Err(e) => {
                tracing::warn!(error = %e, "ignoring an unreadable cached extraction");
                Ok(None)
            }
        }
    }

    pub async fn put(&self, key: &CacheKey, cv: &CvData, now: i64) -> Result<(), TableError> {
        let item = Item::with_data(key.0.clone(), cv)?.expiring_at(now + TTL_SECS);
        self.table.put(item, Expect::Anything).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_changes_with_the_file_the_model_and_the_prompt() {
        let base = CacheKey::new(b"cv", "claude-opus-5", "v1");
        assert_eq!(base, CacheKey::new(b"cv", "claude-opus-5", "v1"));
        assert_ne!(base, CacheKey::new(b"cv2", "claude-opus-5", "v1"));
        assert_ne!(base, CacheKey::new(b"cv", "claude-sonnet-5", "v1"));
        assert_ne!(base, CacheKey::new(b"cv", "claude-opus-5", "v2"));
        assert_eq!(
            base.0.pk, "EXTRACTION#29cdee48e28d8104186513c96be32955f6203cffa61833e36a88a37ecbff7989",
            "sha256 of the bytes"
        );
        assert_eq!(base.0.sk, "claude-opus-5#v1");
    }
}

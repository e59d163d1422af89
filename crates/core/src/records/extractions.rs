//! Where cached extractions of a file are filed (the cache itself is the extract function's):
//! one partition per file, by the SHA-256 of its bytes. Account deletion needs the same names
//! to find the extractions of a person's files.

use sha2::{Digest, Sha256};

use crate::store::{Expect, Query, Table, TableError};

/// The sort-key prefix of extractions imported from the original app (they have no owner).
pub const IMPORTED_PREFIX: &str = "imported#";

/// A file's SHA-256 as extractions are filed under it: 64 lower-case hexadecimal digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The partition holding every cached extraction of the file with this SHA-256 (hex).
pub fn partition(sha256_hex: &str) -> String {
    format!("EXTRACTION#{sha256_hex}")
}

/// Deletes the imported extractions of `original` (the person's own are in their owner index).
/// Returns how many there were.
pub async fn forget_imported(table: &dyn Table, original: &[u8]) -> Result<usize, TableError> {
    let page = table.query(Query::partition(partition(&sha256_hex(original)), IMPORTED_PREFIX)).await?;
    for item in &page.items {
        table.delete(&item.key, Expect::Anything).await?;
    }
    Ok(page.items.len())
}

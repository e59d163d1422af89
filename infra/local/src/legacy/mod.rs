//! `r2w import-legacy`: the original FastAPI app's SQLite database and upload folder moved into
//! our Table and Blobs, safely and repeatably (docs/migration.md).

pub mod cv;
pub mod import;
pub mod source;

pub use import::{ImportOptions, Importer, Report};
pub use source::LegacyDatabase;

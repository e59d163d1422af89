//! Storage ports and their adapters: the Table (DynamoDB | SQLite) and Blobs (S3 | folder).

pub mod blobs;
pub mod dynamo;
pub mod folder;
pub mod presign;
pub mod s3;
pub mod sqlite;
pub mod table;

pub use blobs::{Blob, BlobError, BlobKey, BlobMeta, BlobSummary, Blobs, PresignPut, PresignedRequest, PutOptions};
pub use dynamo::DynamoTable;
pub use folder::FolderBlobs;
pub use presign::{BLOB_ENDPOINT_PREFIX, PresignError, ReceivedRequest, UrlSigner};
pub use s3::S3Blobs;
pub use sqlite::SqliteTable;
pub use table::{
    Cursor, Expect, Index, IndexKey, Item, ItemKey, Order, Page, Query, Table, TableError, TransactOp, unix_now,
};

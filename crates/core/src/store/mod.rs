//! The storage ports: the Table (DynamoDB or SQLite) and Blobs (S3 or a folder), with the
//! rules every adapter keeps.

pub mod blobs;
pub mod presign;
pub mod table;

pub use blobs::{Blob, BlobError, BlobKey, BlobMeta, BlobSummary, Blobs, PresignPut, PresignedRequest, PutOptions};
pub use presign::{BLOB_ENDPOINT_PREFIX, PresignError, ReceivedRequest, UrlSigner};
pub use table::{
    Cursor, Expect, Index, IndexKey, Item, ItemKey, Order, Page, Query, Table, TableError, TransactOp, unix_now,
};

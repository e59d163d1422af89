//! The one-machine wiring: the in-process pipeline, what S3 and the CDN do (local files), and
//! the server that puts every function behind one port. The `r2w` binary (main.rs) is its command line.

pub mod files;
pub mod legacy;
pub mod mailbox;
pub mod openapi;
pub mod pipeline;
pub mod routes;
pub mod server;
pub mod web;

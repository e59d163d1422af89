//! The one-machine wiring: the in-process pipeline and the server that puts every function
//! behind one port. The `r2w` binary (main.rs) is its command line.

pub mod pipeline;
pub mod routes;
pub mod server;

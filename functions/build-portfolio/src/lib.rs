//! The portfolios function: the pipeline step that builds a CV's preview (binary
//! `build-portfolio`) and the owner's API over their portfolios (binary `portfolios`). The site
//! itself is made and published by `r2w-sites`.
//!
//! - [`task`]: the pipeline step.
//! - [`http`]: the owner's API.

pub mod http;
pub mod openapi;
pub mod task;

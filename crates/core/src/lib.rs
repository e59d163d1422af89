//! The core of Resume2Website: the CV model, the records in the table, the ports (table, blobs,
//! secrets, pipeline, custom domains), configuration, errors, access tokens and telemetry.
//! No adapter lives here: the cloud ones are in `r2w-aws`, the one-machine ones in
//! `r2w-embedded`, so what a Lambda function links is chosen by its binary, not by this crate.

pub mod account;
pub mod app;
pub mod auth_token;
pub mod clock;
pub mod config;
pub mod domains;
pub mod error;
pub mod files;
pub mod lang;
pub mod markup;
pub mod metrics;
pub mod model;
pub mod openapi;
pub mod pipeline;
pub mod records;
pub mod secrets;
pub mod store;
pub mod telemetry;

pub use app::App;
pub use config::Config;
pub use error::Error;

//! What two or more Resume2Website functions need: the CV model, the storage and secrets ports
//! with their cloud and embedded adapters, configuration, errors and telemetry.

pub mod account;
pub mod app;
pub mod auth_token;
pub mod clock;
pub mod config;
pub mod domains;
pub mod error;
pub mod faults;
pub mod files;
pub mod http;
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

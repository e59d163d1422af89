//! Every integration test of this crate in one binary: each file of tests/ is a module here,
//! so a build links one test program instead of one per file (disk and link time in CI).

mod account_erasure;
mod account_lifecycle;
mod account_mail;
mod architecture;
mod blobs_contract;
mod embedded_app;
mod events;
mod faults;
mod observability;
mod pipeline;
mod privacy;
mod secrets_contract;
mod state_machine;
mod table_contract;
mod user_records;
mod versioned_updates;

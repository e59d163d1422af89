//! Every integration test of this crate in one binary: each file of tests/ is a module here,
//! so a build links one test program instead of one per file (disk and link time in CI).

mod cv_schema;
mod env_example;
mod json_resume;

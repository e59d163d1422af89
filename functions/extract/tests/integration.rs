//! Every integration test of this crate in one binary: each file of tests/ is a module here,
//! so a build links one test program instead of one per file (disk and link time in CI).

mod bad_input;
mod claude;
mod corpus_quality;
mod extractor;
mod heuristic_quality;
mod reader;
mod support;

//! CV extraction, the product's core: an uploaded file becomes the 18 sections faithfully —
//! nothing dropped, nothing invented.
//!
//! - [`text`]: the file's text (PDF, DOCX, TXT), or a classified reason why not; read in this
//!   process (feature `read`) or in a `read-text` child (the Lambda).
//! - [`heuristic`]: the offline extractor, text -> CV data by headings, dates and patterns.
//! - [`llm`]: Claude extraction over the Messages API, with its answer checked.
//! - [`breaker`] and [`cache`]: Claude is called at most once per file, and not at all while
//!   it is failing.
//! - [`extractor`]: the choice between Claude and the heuristic.
//! - [`task`]: the pipeline step (binary `extract`).

pub mod breaker;
pub mod cache;
#[cfg(feature = "read")]
pub mod eval;
pub mod extractor;
pub mod heuristic;
pub mod llm;
pub mod task;
pub mod text;

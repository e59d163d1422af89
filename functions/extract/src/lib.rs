//! CV extraction, the product's core: an uploaded file becomes the 18 sections faithfully —
//! nothing dropped, nothing invented.
//!
//! - [`text`]: the file's text (PDF, DOCX, TXT), or a classified reason why not.
//! - [`heuristic`]: the offline extractor, text -> CV data by headings, dates and patterns.
//! - [`llm`]: Claude extraction over the Messages API, with its answer checked.

pub mod heuristic;
pub mod llm;
pub mod text;

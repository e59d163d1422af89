//! Typed records in the single table: where each lives (its key) and how it may change.
//!
//! | record | pk | sk |
//! | --- | --- | --- |
//! | job | `USER#{user}` | `JOB#{job}` |
//! | CV (latest) | `USER#{user}` | `CV#{cv}` |
//! | CV version n | `USER#{user}#CV#{cv}` | `V#{n:08}` |
//! | portfolio | `USER#{user}` | `PORTFOLIO#{portfolio}` |
//! | slug claim | `SLUG#{slug}` | `SLUG` |
//!
//! Everything a person owns sits under their own partition, so a lookup with someone else's
//! id finds nothing rather than their data.

pub mod cvs;
pub mod jobs;
pub mod portfolios;

use crate::model::UserId;

fn user_pk(user: &UserId) -> String {
    format!("USER#{user}")
}

/// Conflicting writers retry a read-modify-write this many times before giving up.
const MAX_WRITE_ATTEMPTS: usize = 8;

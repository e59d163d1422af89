//! Typed records in the single table: where each lives (its key) and how it may change.
//!
//! | record | pk | sk |
//! | --- | --- | --- |
//! | job | `USER#{user}` | `JOB#{job}` |
//! | CV (latest) | `USER#{user}` | `CV#{cv}` |
//! | CV version n | `USER#{user}#CV#{cv}` | `V#{n:08}` |
//! | portfolio | `USER#{user}` | `PORTFOLIO#{portfolio}` |
//! | slug claim | `SLUG#{slug}` | `SLUG` |
//! | upload | `USER#{user}` | `UPLOAD#{upload}` |
//! | user profile | `USER#{user}` | `PROFILE` |
//! | e-mail claim | `EMAIL#{email}` | `EMAIL` |
//! | OAuth identity | `IDENTITY#{provider}#{subject}` | `IDENTITY` |
//! | order | `ORDER#{order}` | `ORDER` |
//! | payment -> order | `PAYMENT#{payment}` | `PAYMENT` |
//! | Stripe event seen | `STRIPE_EVENT#{event}` | `STRIPE_EVENT` |
//! | Claude's extraction of a file | `EXTRACTION#{sha256}` | `{user}#{model}#{prompt version}` |
//! | the original app's extraction | `EXTRACTION#{sha256}` | `imported#{model}` |
//!
//! Everything a person owns sits under their own partition, so a lookup with someone else's
//! id finds nothing rather than their data. What must live elsewhere (an address, an identity,
//! a refresh token: items found by something other than the user) carries the owner in the
//! secondary index, gsi1 = `OWNER#{user}`, so [`crate::account::delete_everything`] finds it.

pub mod cvs;
pub mod extractions;
pub mod jobs;
pub mod orders;
pub mod portfolios;
pub mod uploads;
pub mod users;
pub mod versioned;

use crate::model::UserId;
use crate::store::IndexKey;

pub fn user_pk(user: &UserId) -> String {
    format!("USER#{user}")
}

/// The partition of the secondary index that lists what `user` owns outside their partition.
pub fn owner_pk(user: &UserId) -> String {
    format!("OWNER#{user}")
}

/// The index key of an item `user` owns outside their partition; `sk` tells the kinds apart.
pub fn owner_index(user: &UserId, sk: &str) -> IndexKey {
    IndexKey::new(owner_pk(user), sk)
}

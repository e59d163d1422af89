//! Portfolio sites: CV data becomes a themed static site in about a millisecond — no build
//! server, no Node process — written as a private preview, then published on a public URL.
//!
//! - [`render`]: CV data -> the site's files (HTML, CSS, JSON Resume, vCard, robots, sitemap).
//! - [`themes`]: the looks a person chooses from.
//! - [`images`]: the favicon, social card and QR code drawn for a site.
//! - [`public`]: the public view of a CV — exactly what its page shows — that every file of
//!   a site is made from.
//! - [`view`]: what the page shows, cleaned and checked (every CV string is untrusted).
//! - [`sites`]: previews and published sites in the sites store, switched without a visitor
//!   ever seeing half of one.
//! - [`task`]: the pipeline step (binary `build-portfolio`).
//! - [`http`]: the owner's API over their portfolios (binary `portfolios`).

pub mod http;
pub mod i18n;
pub mod images;
pub mod openapi;
pub mod photo;
pub mod public;
pub mod render;
pub mod sites;
pub mod task;
pub mod themes;
pub mod vcard;
pub mod view;

pub use render::{Site, SiteFile, SiteOptions, render};
pub use themes::Theme;

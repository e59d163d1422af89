//! A person's site: CV data becomes a themed static site in about a millisecond — no build
//! server, no Node process — written as a private preview, then published on a public URL.
//! Both the portfolios function (previews, publishing by the owner) and the payments function
//! (publishing on payment, taking down on refund) use it.
//!
//! - [`render`]: CV data -> the site's files (HTML, CSS, JSON Resume, vCard, robots, sitemap).
//! - [`themes`]: the looks a person chooses from.
//! - [`images`]: the favicon, social card and QR code drawn for a site.
//! - [`public`]: the public view of a CV — exactly what its page shows — that every file of
//!   a site is made from.
//! - [`view`]: what the page shows, cleaned and checked (every CV string is untrusted).
//! - [`sites`]: previews and published sites in the sites store, switched without a visitor
//!   ever seeing half of one.

pub mod i18n;
pub mod images;
pub mod photo;
pub mod public;
pub mod render;
pub mod sites;
pub mod themes;
pub mod vcard;
pub mod view;

pub use render::{Site, SiteFile, SiteOptions, render};
pub use sites::Sites;
pub use themes::Theme;

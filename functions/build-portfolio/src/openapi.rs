//! The portfolios API's operations in the OpenAPI document (docs/openapi.json). Each function
//! below stands for one route of `PortfolioApi::route`; only its attribute is read.
#![allow(dead_code)]

use r2w_core::error::Problem;
use utoipa::OpenApi;

use crate::http::{
    AddressView, CustomDomainView, DomainBody, PatchBody, PhotoTicket, PhotoUploadBody, PortfolioView, RebuildBody,
};

#[derive(OpenApi)]
#[openapi(
    paths(
        portfolios,
        portfolio,
        choose_address,
        delete_portfolio,
        rebuild,
        photo_upload,
        take_photo,
        remove_photo,
        add_domain,
        check_domain,
        remove_domain,
        address
    ),
    components(schemas(PortfolioView, PortfolioList, AddressView, PhotoTicket, CustomDomainView))
)]
pub struct PortfolioDoc;

/// Every portfolio of yours.
#[derive(utoipa::ToSchema)]
pub struct PortfolioList {
    pub items: Vec<PortfolioView>,
}

/// Your portfolios: one per CV.
#[utoipa::path(get, path = "/v1/portfolios", tag = "portfolios", security(("bearer" = [])),
    responses((status = 200, description = "Every portfolio of yours.", body = PortfolioList)))]
fn portfolios() {}

/// One portfolio: its theme, its preview, its public address once published.
#[utoipa::path(get, path = "/v1/portfolios/{id}", tag = "portfolios", security(("bearer" = [])),
    params(("id" = String, Path, description = "The portfolio's id")),
    responses(
        (status = 200, description = "The portfolio.", body = PortfolioView),
        (status = 404, description = "No such portfolio of yours.", body = Problem, content_type = "application/problem+json"),
    ))]
fn portfolio() {}

/// Chooses the public address (`slug`); a published site moves there.
#[utoipa::path(patch, path = "/v1/portfolios/{id}", tag = "portfolios", security(("bearer" = [])),
    params(("id" = String, Path, description = "The portfolio's id")),
    request_body = PatchBody,
    responses(
        (status = 200, description = "The portfolio at its address.", body = PortfolioView),
        (status = 404, description = "No such portfolio of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The address is taken.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid address (3-40 of a-z, 0-9 and inner hyphens; not reserved).", body = Problem, content_type = "application/problem+json"),
    ))]
fn choose_address() {}

/// Deletes the portfolio: its preview, and its public site if published.
#[utoipa::path(delete, path = "/v1/portfolios/{id}", tag = "portfolios", security(("bearer" = [])),
    params(("id" = String, Path, description = "The portfolio's id")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No such portfolio of yours.", body = Problem, content_type = "application/problem+json"),
    ))]
fn delete_portfolio() {}

/// Builds the preview again, in another theme if asked (and the public site, if published).
#[utoipa::path(post, path = "/v1/portfolios/{id}/rebuild", tag = "portfolios", security(("bearer" = [])),
    params(("id" = String, Path, description = "The portfolio's id")),
    request_body(content = Option<RebuildBody>, description = "Optional: the theme."),
    responses(
        (status = 200, description = "The rebuilt portfolio.", body = PortfolioView),
        (status = 404, description = "No such portfolio of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown theme.", body = Problem, content_type = "application/problem+json"),
    ))]
fn rebuild() {}

/// Where to PUT a photo for the site (JPEG, PNG or WebP, at most 10 MiB); then
/// `PUT /v1/portfolios/{id}/photo` takes it.
#[utoipa::path(post, path = "/v1/portfolios/{id}/photo/upload", tag = "portfolios", security(("bearer" = [])),
    params(("id" = String, Path, description = "The portfolio's id")),
    request_body = PhotoUploadBody,
    responses(
        (status = 201, description = "A presigned PUT.", body = PhotoTicket),
        (status = 404, description = "No such portfolio of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Empty, or over 10 MiB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a JPEG, PNG or WebP image.", body = Problem, content_type = "application/problem+json"),
    ))]
fn photo_upload() {}

/// Takes the photo just uploaded: decoded, turned upright, cut square and encoded afresh (no
/// EXIF reaches the site), then the preview (and the public site) is rebuilt with it.
#[utoipa::path(put, path = "/v1/portfolios/{id}/photo", tag = "portfolios", security(("bearer" = [])),
    params(("id" = String, Path, description = "The portfolio's id")),
    responses(
        (status = 200, description = "The portfolio, rebuilt with the photo.", body = PortfolioView),
        (status = 404, description = "No such portfolio of yours, or no photo uploaded.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a picture that can be read, or over 50 megapixels.", body = Problem, content_type = "application/problem+json"),
    ))]
fn take_photo() {}

/// Takes the photo off the site and deletes it.
#[utoipa::path(delete, path = "/v1/portfolios/{id}/photo", tag = "portfolios", security(("bearer" = [])),
    params(("id" = String, Path, description = "The portfolio's id")),
    responses(
        (status = 200, description = "The portfolio, rebuilt without a photo.", body = PortfolioView),
        (status = 404, description = "No such portfolio of yours.", body = Problem, content_type = "application/problem+json"),
    ))]
fn remove_photo() {}

/// Puts your own domain (such as www.example.com) in front of the published site: the answer
/// lists the DNS record to create; the domain is pending until the record is there and the
/// certificate is issued, then active. Another domain the site had is taken off.
#[utoipa::path(put, path = "/v1/portfolios/{id}/domain", tag = "portfolios", security(("bearer" = [])),
    params(("id" = String, Path, description = "The portfolio's id")),
    request_body = DomainBody,
    responses(
        (status = 200, description = "The portfolio with its domain and the records to create.", body = PortfolioView),
        (status = 404, description = "No such portfolio of yours (or custom domains are not offered here).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The site is not published, or the domain is another site's.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a domain name, or one of this service's own.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The CDN did not answer; ask again.", body = Problem, content_type = "application/problem+json"),
    ))]
fn add_domain() {}

/// Asks the CDN where the domain stands now (pending, active or failed); once active, the
/// site's links (canonical address, sitemap, card) are at the domain.
#[utoipa::path(get, path = "/v1/portfolios/{id}/domain", tag = "portfolios", security(("bearer" = [])),
    params(("id" = String, Path, description = "The portfolio's id")),
    responses(
        (status = 200, description = "The portfolio with its domain's state.", body = PortfolioView),
        (status = 404, description = "No such portfolio of yours, or it has no domain.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The CDN did not answer; ask again.", body = Problem, content_type = "application/problem+json"),
    ))]
fn check_domain() {}

/// Takes the domain off: the CDN stops serving it and the name is free for another site.
#[utoipa::path(delete, path = "/v1/portfolios/{id}/domain", tag = "portfolios", security(("bearer" = [])),
    params(("id" = String, Path, description = "The portfolio's id")),
    responses(
        (status = 200, description = "The portfolio without a domain.", body = PortfolioView),
        (status = 404, description = "No such portfolio of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The CDN did not answer; ask again.", body = Problem, content_type = "application/problem+json"),
    ))]
fn remove_domain() {}

/// Whether a site address is free, asked while the person types it: malformed, reserved and
/// taken addresses come with the reason.
#[utoipa::path(get, path = "/v1/addresses/{slug}", tag = "portfolios", security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The address asked about"),
        ("portfolio" = Option<String>, Query, description = "The portfolio it is for: its own address counts as free"),
    ),
    responses((status = 200, description = "Free or not, and why not.", body = AddressView)))]
fn address() {}

//! The `portfolios` HTTP API. Every route needs an access token, and a person reaches only
//! their own portfolios: anyone else's id answers 404, like an id that does not exist.
//!
//! | route | does |
//! | --- | --- |
//! | `GET /v1/portfolios` | the person's portfolios |
//! | `GET /v1/portfolios/{id}` | one portfolio |
//! | `POST /v1/portfolios/{id}/rebuild` `{theme?}` | a new preview from the latest CV (and the live site, if published) |
//! | `PATCH /v1/portfolios/{id}` `{slug}` | a new address (a published site moves) |
//! | `DELETE /v1/portfolios/{id}` | takes everything down |
//! | `POST /v1/portfolios/{id}/photo/upload` `{content_type, size}` | where to PUT a photo |
//! | `PUT /v1/portfolios/{id}/photo` | takes the photo PUT there (re-encoded, no EXIF) and rebuilds |
//! | `DELETE /v1/portfolios/{id}/photo` | takes the photo off and rebuilds |
//! | `PUT /v1/portfolios/{id}/domain` `{domain}` | puts the person's own domain in front of the published site |
//! | `GET /v1/portfolios/{id}/domain` | asks the CDN where the domain stands (the app polls it until active) |
//! | `DELETE /v1/portfolios/{id}/domain` | takes the domain off |
//! | `GET /v1/addresses/{slug}?portfolio={id}` | whether an address is free (for that portfolio), and why not |

use std::sync::Arc;

use lambda_http::{Body, Request, Response};
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::{Clock, rfc3339, unix_rfc3339};
use r2w_core::domains::{DnsRecord, DomainState, HostName};
use r2w_core::model::{PortfolioId, Slug, UserId};
use r2w_core::records::cvs;
use r2w_core::records::orders::{self, OrderStatus};
use r2w_core::records::portfolios::{self, PortfolioRecord};
use r2w_core::{App, Error};
use r2w_sites::{Sites, Theme};
use serde::{Deserialize, Serialize};

const MAX_LISTED: u32 = 100;

pub struct PortfolioApi {
    app: App,
    sites: Sites,
    tokens: Arc<AccessTokens>,
    clock: Arc<dyn Clock>,
}

/// A portfolio as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortfolioView {
    pub id: PortfolioId,
    pub cv_id: String,
    /// Whom the site is about: the CV's name when it was last built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub theme: String,
    /// "preview" or "published".
    pub status: String,
    /// Where the preview is seen; absent once it has expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_expires_at: Option<String>,
    /// The preview is past `previewExpiresAt` and no longer served: a rebuild makes a fresh one.
    #[serde(default)]
    pub preview_expired: bool,
    /// The preview in every theme, by theme name (the current one is `previewUrl`), to compare
    /// them with the person's own data; empty once it has expired.
    #[serde(default)]
    pub theme_previews: std::collections::BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<Slug>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// The site shows a photo the person gave.
    #[serde(default)]
    pub photo: bool,
    /// The person's own domain in front of the published site (`publicUrl` is there once it
    /// is active).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_domain: Option<CustomDomainView>,
    /// How its latest payment ended (`paid`, `payment_failed`, `refunded`, `canceled`); absent
    /// before any payment settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<OrderStatus>,
    pub updated_at: String,
}

/// A custom domain and what it still needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomDomainView {
    pub domain: HostName,
    pub state: DomainState,
    /// The DNS records to create at the domain's DNS provider.
    pub records: Vec<DnsRecord>,
    pub checked_at: String,
}

/// Whether a site address may be chosen, asked while the person types it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddressView {
    pub slug: String,
    pub available: bool,
    /// Why not, in words for the person: malformed, reserved or taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The site's public URL at this address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RebuildBody {
    /// classic, modern or minimal; the current theme when absent.
    #[serde(default)]
    theme: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PhotoUploadBody {
    /// image/jpeg, image/png or image/webp.
    content_type: String,
    /// The file's size in bytes (at most 10 MiB).
    size: u64,
}

/// Where and how to PUT the photo, then `PUT /v1/portfolios/{id}/photo` takes it.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PhotoTicket {
    pub url: String,
    pub method: String,
    /// Headers the PUT must carry exactly (they are signed).
    pub headers: std::collections::BTreeMap<String, String>,
    pub expires_at: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DomainBody {
    /// A host name such as www.example.com.
    #[schema(example = "www.example.com")]
    domain: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatchBody {
    /// The public address: `{sites URL}/{slug}/`.
    #[schema(pattern = "^(?!.*--)[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")]
    slug: String,
}

impl PortfolioApi {
    pub fn new(app: App, tokens: Arc<AccessTokens>, clock: Arc<dyn Clock>) -> Self {
        Self { sites: Sites::new(app.clone(), Arc::clone(&clock)), app, tokens, clock }
    }

    pub async fn handle(&self, request: Request) -> Response<Body> {
        r2w_http::serve(request, |request| self.route(request)).await
    }

    async fn route(&self, request: Request) -> Result<Response<Body>, Error> {
        let user = self.tokens.authenticate(self.app.table.as_ref(), &request).await?;
        let path = request.uri().path().trim_end_matches('/').to_owned();
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        let method = request.method().as_str();
        match (method, segments.as_slice()) {
            ("GET", ["v1", "portfolios"]) => {
                let records = portfolios::list(self.app.table.as_ref(), &user, MAX_LISTED).await?;
                let payments = self.payments(&user, None).await?;
                let items: Vec<PortfolioView> = records.iter().map(|r| self.view(r, &payments)).collect();
                r2w_http::json(200, &serde_json::json!({ "items": items }))
            }
            ("GET", ["v1", "portfolios", id]) => {
                let record = self.owned(&user, id).await?;
                self.answer(&user, &record).await
            }
            ("POST", ["v1", "portfolios", id, "rebuild"]) => {
                let body: RebuildBody = r2w_http::json_body(&request, true)?;
                let record = self.owned(&user, id).await?;
                let theme = match body.theme {
                    Some(name) => Theme::parse(&name).map_err(|e| Error::Validation(e.to_string()))?,
                    None => Theme::parse(&record.theme).unwrap_or_default(),
                };
                let cv = cvs::load(self.app.table.as_ref(), &user, &record.cv_id)
                    .await?
                    .ok_or_else(|| Error::NotFound("CV".into()))?;
                self.answer(&user, &self.sites.build_preview(&record.id, &cv, theme).await?).await
            }
            ("PATCH", ["v1", "portfolios", id]) => {
                let body: PatchBody = r2w_http::json_body(&request, false)?;
                let slug = Slug::parse(body.slug).map_err(|e| Error::Validation(e.to_string()))?;
                let record = self.owned(&user, id).await?;
                self.answer(&user, &self.sites.choose_slug(&user, &record.id, slug).await?).await
            }
            ("POST", ["v1", "portfolios", id, "photo", "upload"]) => {
                let body: PhotoUploadBody = r2w_http::json_body(&request, false)?;
                let record = self.owned(&user, id).await?;
                let signed = self.sites.photo_upload(&user, &record.id, &body.content_type, body.size).await?;
                let expires_at = unix_rfc3339(signed.expires_at);
                let ticket =
                    PhotoTicket { url: signed.url, method: signed.method, headers: signed.headers, expires_at };
                r2w_http::json(201, &ticket)
            }
            ("PUT", ["v1", "portfolios", id, "photo"]) => {
                let record = self.owned(&user, id).await?;
                self.answer(&user, &self.sites.take_photo(&user, &record.id).await?).await
            }
            ("DELETE", ["v1", "portfolios", id, "photo"]) => {
                let record = self.owned(&user, id).await?;
                self.answer(&user, &self.sites.remove_photo(&user, &record.id).await?).await
            }
            ("PUT", ["v1", "portfolios", id, "domain"]) => {
                let body: DomainBody = r2w_http::json_body(&request, false)?;
                let host = HostName::parse(&body.domain).map_err(Error::Validation)?;
                let record = self.owned(&user, id).await?;
                self.answer(&user, &self.sites.add_domain(&user, &record.id, host).await?).await
            }
            ("GET", ["v1", "portfolios", id, "domain"]) => {
                let record = self.owned(&user, id).await?;
                self.answer(&user, &self.sites.check_domain(&user, &record.id).await?).await
            }
            ("DELETE", ["v1", "portfolios", id, "domain"]) => {
                let record = self.owned(&user, id).await?;
                self.answer(&user, &self.sites.remove_domain(&user, &record.id).await?).await
            }
            ("DELETE", ["v1", "portfolios", id]) => {
                let record = self.owned(&user, id).await?;
                self.sites.delete(&user, &record.id).await?;
                r2w_http::no_content()
            }
            ("GET", ["v1", "addresses", slug]) => {
                let portfolio = r2w_http::query_param(&request, "portfolio");
                r2w_http::json(200, &self.address(&user, slug, portfolio.as_deref()).await?)
            }
            (
                _,
                ["v1", "portfolios"]
                | ["v1", "portfolios", _]
                | ["v1", "portfolios", _, "rebuild"]
                | ["v1", "portfolios", _, "photo"]
                | ["v1", "portfolios", _, "photo", "upload"]
                | ["v1", "portfolios", _, "domain"]
                | ["v1", "addresses", _],
            ) => Err(Error::BadRequest(format!("{method} is not allowed here"))),
            _ => Err(Error::NotFound("route".into())),
        }
    }

    /// `record` as its owner sees it, with how its latest payment ended.
    async fn answer(&self, user: &UserId, record: &PortfolioRecord) -> Result<Response<Body>, Error> {
        let payments = self.payments(user, Some(&record.id)).await?;
        r2w_http::json(200, &self.view(record, &payments))
    }

    /// The user's portfolio `id`; anything else (a malformed id, someone else's) is not found.
    async fn owned(&self, user: &UserId, id: &str) -> Result<PortfolioRecord, Error> {
        let id = PortfolioId::parse(id).map_err(|_| Error::NotFound("portfolio".into()))?;
        portfolios::load(self.app.table.as_ref(), user, &id).await?.ok_or_else(|| Error::NotFound("portfolio".into()))
    }

    /// Whether `slug` is free for `portfolio` (one of `user`'s): unclaimed, or already its own.
    async fn address(&self, user: &UserId, slug: &str, portfolio: Option<&str>) -> Result<AddressView, Error> {
        let refused = |reason: String| AddressView {
            slug: slug.to_owned(),
            available: false,
            reason: Some(reason),
            public_url: None,
        };
        let slug = match Slug::parse(slug) {
            Ok(slug) => slug,
            Err(e) => return Ok(refused(e.to_string())),
        };
        let public_url = self.sites.public_url(&slug).map(String::from);
        let holder = portfolios::slug_holder(self.app.table.as_ref(), &slug).await?;
        let available = match &holder {
            None => true,
            Some(claim) => &claim.user_id == user && portfolio == Some(claim.portfolio_id.as_str()),
        };
        if available {
            return Ok(AddressView { slug: slug.to_string(), available, reason: None, public_url });
        }
        let reason = match holder {
            Some(claim) if &claim.user_id == user => format!("{slug} is the address of another of your portfolios"),
            _ => format!("{slug} is taken; choose another"),
        };
        Ok(AddressView { public_url, ..refused(reason) })
    }

    /// How the latest settled payment of each of `user`'s portfolios (or of `only` that one)
    /// ended: an order still open says nothing yet.
    async fn payments(
        &self,
        user: &UserId,
        only: Option<&PortfolioId>,
    ) -> Result<std::collections::HashMap<PortfolioId, OrderStatus>, Error> {
        let mut orders = orders::of_user(self.app.table.as_ref(), user, only).await?;
        orders.sort_by_key(|o| o.updated_at);
        Ok(orders
            .into_iter()
            .filter(|o| o.status() != OrderStatus::Open)
            .filter_map(|o| Some((o.portfolio_id.clone()?, o.status())))
            .collect())
    }

    fn view(
        &self,
        record: &PortfolioRecord,
        payments: &std::collections::HashMap<PortfolioId, OrderStatus>,
    ) -> PortfolioView {
        let now = self.clock.now();
        let live_preview = record.preview.as_ref().filter(|p| !p.expired(now));
        PortfolioView {
            id: record.id.clone(),
            cv_id: record.cv_id.to_string(),
            name: record.name.clone(),
            theme: record.theme.clone(),
            status: if record.published.is_some() { "published" } else { "preview" }.into(),
            preview_url: live_preview.and_then(|p| self.sites.preview_url(p)),
            preview_expires_at: record.preview.as_ref().map(|p| rfc3339(p.expires_at)),
            preview_expired: record.preview.is_some() && live_preview.is_none(),
            theme_previews: live_preview
                .map(|p| {
                    let current = self.sites.preview_url(p).map(|url| (record.theme.clone(), url));
                    let samples = p.samples.iter().filter_map(|t| Some((t.clone(), self.sites.sample_url(p, t)?)));
                    current.into_iter().chain(samples).collect()
                })
                .unwrap_or_default(),
            slug: record.published.as_ref().map(|p| p.slug.clone()).or_else(|| record.slug.clone()),
            public_url: record
                .published
                .as_ref()
                .and_then(|p| self.sites.address(&p.slug, record.custom_domain.as_ref()))
                .map(String::from),
            custom_domain: record.custom_domain.as_ref().map(|d| CustomDomainView {
                domain: d.host.clone(),
                state: d.state,
                records: d.records.clone(),
                checked_at: rfc3339(d.checked_at),
            }),
            payment: payments.get(&record.id).copied(),
            photo: record.photo,
            updated_at: rfc3339(record.updated_at),
        }
    }
}

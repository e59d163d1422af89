//! The payment routes.
//!
//! | route | does |
//! | --- | --- |
//! | `GET /v1/payments/plans` | the plans offered, with their prices as Stripe has them |
//! | `POST /v1/payments/checkout` `{portfolio_id, plan}` | an embedded Checkout Session for one's own portfolio: `{client_secret, session_id, order_id}` |
//! | `GET /v1/payments/sessions/{id}` | for the return page: the session's and the order's status, and the portfolio's address once public |
//! | `POST /v1/payments/webhook` | Stripe's events, signature-verified (binary `stripe-webhook`) |

use r2w_core::metrics::{self, Unit};
use std::sync::Arc;

use lambda_http::{Body, Request, Response};
use r2w_core::auth_token::AccessTokens;
use r2w_core::clock::Clock;
use r2w_core::model::{CvId, OrderId, PortfolioId, UserId};
use r2w_core::records::orders::{self, OrderRecord, OrderStatus};
use r2w_core::records::{cvs, portfolios};
use r2w_core::{App, Error};
use r2w_sites::sites::Sites;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::events::{Event, EventHandler, Outcome};
use crate::settings::PaymentSettings;
use crate::signature;
use crate::stripe::{NewCheckout, StripeApi};

/// Stripe's events are a few KB; anything far larger is not one.
const MAX_EVENT_BYTES: usize = 256 * 1024;

pub struct PaymentsApi {
    app: App,
    tokens: Arc<AccessTokens>,
    stripe: StripeApi,
    settings: PaymentSettings,
    sites: Sites,
    clock: Arc<dyn Clock>,
    /// A Stripe price never changes its amount (a new amount is a new price id, so a new
    /// deployment): an instance asks once.
    plans: tokio::sync::OnceCell<Vec<PlanView>>,
}

/// A plan as the payment screen shows it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanView {
    /// What `POST /v1/payments/checkout` takes: `one_time` or `yearly`.
    #[schema(value_type = crate::openapi::Plan)]
    pub name: String,
    /// `payment` (once) or `subscription` (renews).
    pub mode: String,
    /// In the currency's smallest unit (cents).
    pub amount: Option<i64>,
    /// ISO 4217, lower case, as Stripe writes it.
    pub currency: String,
    /// How often a subscription renews: `year`, `month`…; absent for a one-time price.
    pub interval: Option<String>,
    pub interval_count: Option<u32>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewCheckoutBody {
    portfolio_id: String,
    /// A plan the deployment offers: `one_time` or `yearly`.
    #[schema(value_type = crate::openapi::Plan)]
    plan: String,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckoutStarted {
    pub client_secret: String,
    pub session_id: String,
    pub order_id: OrderId,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionView {
    pub session_id: String,
    /// Stripe's: `open`, `complete`, `expired`.
    pub status: Option<String>,
    pub payment_status: Option<String>,
    pub order_id: OrderId,
    pub order_status: OrderStatus,
    pub portfolio_id: Option<PortfolioId>,
    pub published: bool,
    pub public_url: Option<String>,
}

impl PaymentsApi {
    pub fn new(
        app: App,
        tokens: Arc<AccessTokens>,
        stripe: StripeApi,
        settings: PaymentSettings,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let sites = Sites::new(app.clone(), Arc::clone(&clock));
        Self { sites, app, tokens, stripe, settings, clock, plans: tokio::sync::OnceCell::new() }
    }

    pub async fn handle(&self, request: Request) -> Response<Body> {
        r2w_http::serve(request, |request| self.route(request)).await
    }

    async fn route(&self, request: Request) -> Result<Response<Body>, Error> {
        let user = self.tokens.authenticate(self.app.table.as_ref(), &request).await?;
        let path = request.uri().path().trim_end_matches('/').to_owned();
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        match (request.method().as_str(), segments.as_slice()) {
            ("GET", ["v1", "payments", "plans"]) => {
                r2w_http::json(200, &serde_json::json!({ "items": self.plans().await? }))
            }
            ("POST", ["v1", "payments", "checkout"]) => {
                self.checkout(&user, r2w_http::json_body(&request, false)?).await
            }
            ("GET", ["v1", "payments", "sessions", id]) => self.session(&user, id).await,
            (method, ["v1", "payments", "checkout" | "plans"] | ["v1", "payments", "sessions", _]) => {
                Err(Error::BadRequest(format!("{method} is not allowed here")))
            }
            _ => Err(Error::NotFound("route".into())),
        }
    }

    async fn plans(&self) -> Result<&Vec<PlanView>, Error> {
        self.plans
            .get_or_try_init(|| async {
                let mut views = Vec::new();
                for plan in &self.settings.plans {
                    let price = self.stripe.retrieve_price(&plan.price).await?;
                    views.push(PlanView {
                        name: plan.name.to_owned(),
                        mode: plan.mode.as_str().to_owned(),
                        amount: price.unit_amount,
                        currency: price.currency,
                        interval: price.recurring.as_ref().map(|r| r.interval.clone()),
                        interval_count: price.recurring.map(|r| r.interval_count),
                    });
                }
                Ok(views)
            })
            .await
    }

    async fn checkout(&self, user: &UserId, body: NewCheckoutBody) -> Result<Response<Body>, Error> {
        let table = self.app.table.as_ref();
        let plan = self.settings.plan(&body.plan).ok_or_else(|| {
            let offered: Vec<&str> = self.settings.plans.iter().map(|p| p.name).collect();
            Error::Validation(format!("plan must be one of: {}", offered.join(", ")))
        })?;
        // A portfolio is made from one CV and shares its id: one's own CV, built or not yet,
        // is what may be paid for. Anyone else's is simply not found.
        let not_found = || Error::NotFound("portfolio".into());
        let portfolio = PortfolioId::parse(body.portfolio_id.as_str()).map_err(|_| not_found())?;
        let cv = CvId::parse(portfolio.as_str()).map_err(|_| not_found())?;
        if cvs::load(table, user, &cv).await?.is_none() {
            return Err(not_found());
        }
        if orders::publication_due(table, user, &portfolio).await? {
            return Err(Error::Conflict("this portfolio is already paid for".into()));
        }
        let now = self.clock.now();
        let order = OrderRecord::open(user.clone(), portfolio.clone(), plan.name, plan.mode.as_str(), now);
        orders::create(table, &order).await?;
        let session = self
            .stripe
            .create_checkout_session(&NewCheckout {
                order: &order.id,
                user,
                portfolio: &portfolio,
                plan,
                return_url: &self.settings.return_url,
            })
            .await?;
        let client_secret = session
            .client_secret
            .clone()
            .ok_or_else(|| Error::Internal("Stripe returned a session without a client secret".into()))?;
        orders::update(table, &order.id, self.clock.now(), |o| {
            o.session_id = Some(session.id.clone());
            o.amount = session.amount_total;
            o.currency.clone_from(&session.currency);
        })
        .await?;
        tracing::info!(order = %order.id, plan = plan.name, "checkout started");
        r2w_http::json(201, &CheckoutStarted { client_secret, session_id: session.id, order_id: order.id })
    }

    async fn session(&self, user: &UserId, session_id: &str) -> Result<Response<Body>, Error> {
        let table = self.app.table.as_ref();
        let order =
            self.order_by_session(user, session_id).await?.ok_or_else(|| Error::NotFound("checkout session".into()))?;
        let session = self.stripe.retrieve_checkout_session(session_id).await?;
        let portfolio = match &order.portfolio_id {
            Some(id) => portfolios::load(table, user, id).await?,
            None => None,
        };
        let published = portfolio.as_ref().and_then(|p| p.published.as_ref());
        r2w_http::json(
            200,
            &SessionView {
                session_id: session.id,
                status: session.status,
                payment_status: session.payment_status,
                order_status: order.status(),
                order_id: order.id,
                portfolio_id: order.portfolio_id,
                published: published.is_some(),
                public_url: published.and_then(|p| self.sites.public_url(&p.slug)).map(String::from),
            },
        )
    }

    /// One of `user`'s orders by its session; someone else's session is not found.
    async fn order_by_session(&self, user: &UserId, session_id: &str) -> Result<Option<OrderRecord>, Error> {
        let orders = orders::of_user(self.app.table.as_ref(), user, None).await?;
        Ok(orders.into_iter().find(|order| order.session_id.as_deref() == Some(session_id)))
    }
}

/// `POST /v1/payments/webhook`: no account, the signature is the authentication.
pub struct WebhookApi {
    secrets: Vec<SecretString>,
    events: EventHandler,
    clock: Arc<dyn Clock>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Received {
    pub received: bool,
    pub duplicate: bool,
}

impl WebhookApi {
    /// `secrets`: every signing secret currently valid for the endpoint (more than one while
    /// one is being rolled).
    pub fn new(app: App, secrets: Vec<SecretString>, clock: Arc<dyn Clock>) -> Self {
        Self { events: EventHandler::new(app, Arc::clone(&clock)), secrets, clock }
    }

    pub async fn handle(&self, request: Request) -> Response<Body> {
        r2w_http::serve(request, |request| self.route(request)).await
    }

    async fn route(&self, request: Request) -> Result<Response<Body>, Error> {
        if request.uri().path().trim_end_matches('/') != "/v1/payments/webhook" {
            return Err(Error::NotFound("route".into()));
        }
        if request.method() != "POST" {
            return Err(Error::BadRequest(format!("{} is not allowed here", request.method())));
        }
        // The bytes Stripe signed: lambda_http has already undone API Gateway's base64.
        let body: &[u8] = request.body().as_ref();
        if body.len() > MAX_EVENT_BYTES {
            return Err(Error::BadRequest("the body is too large to be a Stripe event".into()));
        }
        let header = request.headers().get("stripe-signature").and_then(|v| v.to_str().ok());
        signature::verify(header, body, &self.secrets, self.clock.unix_now()).map_err(|e| {
            tracing::warn!(error = %e, "a webhook call with a bad signature");
            metrics::emit("WebhookOutcome", 1.0, Unit::Count, &[("Outcome", "rejected")]);
            Error::BadRequest(format!("the Stripe signature does not verify: {e}"))
        })?;
        let event: Event = serde_json::from_slice(body)
            .map_err(|e| Error::BadRequest(format!("the body is not a Stripe event: {e}")))?;
        let outcome = self.events.handle(&event).await?;
        tracing::info!(event = event.id, kind = event.kind, ?outcome, "Stripe event");
        let name = match outcome {
            Outcome::Applied => "applied",
            Outcome::Duplicate => "duplicate",
            Outcome::Ignored => "ignored",
        };
        metrics::emit("WebhookOutcome", 1.0, Unit::Count, &[("Outcome", name)]);
        r2w_http::json(200, &Received { received: true, duplicate: outcome == Outcome::Duplicate })
    }
}

//! What a verified Stripe event does. Each event is recorded by id first (a conditional
//! write), so a duplicate or a replay changes nothing; then its facts are added to the order
//! (paid, payment failed, revoked), which only accumulate, so events arriving in any order end
//! in the same state; then the portfolio is made public or private as the orders say.
//! Events of other types are acknowledged and ignored.

use std::sync::Arc;
use std::time::Duration;

use r2w_core::clock::Clock;
use r2w_core::model::OrderId;
use r2w_core::records::orders::{self, OrderRecord, Revocation};
use r2w_core::store::{Expect, Item, ItemKey, TableError};
use r2w_core::{App, Error};
use r2w_sites::sites::Sites;
use serde::Deserialize;
use time::OffsetDateTime;

/// Stripe retries a delivery for up to three days; an id is remembered longer than that.
const EVENT_MEMORY: Duration = Duration::from_secs(30 * 24 * 3600);

#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created: i64,
    pub data: EventData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}

#[derive(Debug, Deserialize)]
struct Session {
    id: String,
    #[serde(default)]
    client_reference_id: Option<String>,
    #[serde(default)]
    metadata: std::collections::HashMap<String, String>,
    #[serde(default)]
    payment_status: Option<String>,
    #[serde(default)]
    payment_intent: Option<String>,
    #[serde(default)]
    subscription: Option<String>,
    #[serde(default)]
    amount_total: Option<i64>,
    #[serde(default)]
    currency: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Charge {
    #[serde(default)]
    payment_intent: Option<String>,
    /// Fully refunded; a partial refund leaves the purchase standing.
    #[serde(default)]
    refunded: bool,
}

#[derive(Debug, Deserialize)]
struct Subscription {
    id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    /// Seen before: nothing changed.
    Duplicate,
    /// Not an event we act on, or not about one of our orders.
    Ignored,
}

pub struct EventHandler {
    app: App,
    sites: Sites,
    clock: Arc<dyn Clock>,
}

impl EventHandler {
    pub fn new(app: App, clock: Arc<dyn Clock>) -> Self {
        Self { sites: Sites::new(app.clone(), Arc::clone(&clock)), app, clock }
    }

    /// Handles a verified event once. On an error the event is forgotten again, so Stripe's
    /// retry of it does the work.
    pub async fn handle(&self, event: &Event) -> Result<Outcome, Error> {
        if !matches!(
            event.kind.as_str(),
            "checkout.session.completed"
                | "checkout.session.async_payment_succeeded"
                | "checkout.session.async_payment_failed"
                | "charge.refunded"
                | "customer.subscription.deleted"
        ) {
            return Ok(Outcome::Ignored);
        }
        let seen = event_key(&event.id)?;
        let expires_at = self.clock.unix_now() + EVENT_MEMORY.as_secs() as i64;
        match self.app.table.put(Item::new(seen.clone()).expiring_at(expires_at), Expect::Absent).await {
            Ok(()) => {}
            Err(TableError::ConditionFailed { .. }) => return Ok(Outcome::Duplicate),
            Err(e) => return Err(e.into()),
        }
        match self.apply(event).await {
            Ok(outcome) => Ok(outcome),
            Err(e) => {
                if let Err(forget) = self.app.table.delete(&seen, Expect::Anything).await {
                    tracing::error!(event = event.id, error = %forget, "could not forget a failed event");
                }
                Err(e)
            }
        }
    }

    async fn apply(&self, event: &Event) -> Result<Outcome, Error> {
        let at = OffsetDateTime::from_unix_timestamp(event.created)
            .map_err(|_| Error::BadRequest("the event's creation time is out of range".into()))?;
        let object = || event.data.object.clone();
        let malformed =
            |e: serde_json::Error| Error::BadRequest(format!("{} has an unexpected shape: {e}", event.kind));
        match event.kind.as_str() {
            "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
                let session: Session = serde_json::from_value(object()).map_err(malformed)?;
                let paid = matches!(session.payment_status.as_deref(), Some("paid" | "no_payment_required"));
                self.session_changed(&session, at, paid, false).await
            }
            "checkout.session.async_payment_failed" => {
                let session: Session = serde_json::from_value(object()).map_err(malformed)?;
                self.session_changed(&session, at, false, true).await
            }
            "charge.refunded" => {
                let charge: Charge = serde_json::from_value(object()).map_err(malformed)?;
                match charge.payment_intent {
                    Some(payment) if charge.refunded => self.revoked(&payment, &event.kind, at).await,
                    _ => Ok(Outcome::Ignored),
                }
            }
            "customer.subscription.deleted" => {
                let subscription: Subscription = serde_json::from_value(object()).map_err(malformed)?;
                self.revoked(&subscription.id, &event.kind, at).await
            }
            _ => Ok(Outcome::Ignored),
        }
    }

    async fn session_changed(
        &self,
        session: &Session,
        at: OffsetDateTime,
        paid: bool,
        failed: bool,
    ) -> Result<Outcome, Error> {
        let order = session.metadata.get("order_id").or(session.client_reference_id.as_ref());
        let Some(order) = order.and_then(|id| OrderId::parse(id.as_str()).ok()) else {
            tracing::info!(session = session.id, "a Checkout Session that is not one of our orders");
            return Ok(Outcome::Ignored);
        };
        let table = self.app.table.as_ref();
        let payment = session.payment_intent.clone().or_else(|| session.subscription.clone());
        // Link the payment to the order, and learn of a refund that came first.
        let early_revocation = match &payment {
            Some(payment) => {
                orders::update_payment(table, payment, |p| p.order_id = Some(order.clone())).await?.revoked
            }
            None => None,
        };
        let updated = orders::update(table, &order, self.clock.now(), |o| {
            o.session_id.get_or_insert_with(|| session.id.clone());
            if o.payment_id.is_none() {
                o.payment_id.clone_from(&payment);
            }
            if let Some(amount) = session.amount_total {
                o.amount = Some(amount);
            }
            if let Some(currency) = &session.currency {
                o.currency = Some(currency.clone());
            }
            if paid {
                o.paid_at.get_or_insert(at);
            }
            if failed {
                o.payment_failed_at.get_or_insert(at);
            }
            if let Some(revocation) = &early_revocation {
                o.revoked.get_or_insert_with(|| revocation.clone());
            }
        })
        .await?;
        let Some(order) = updated else {
            tracing::warn!(order = %order, session = session.id, "a Checkout Session for an order we do not have");
            return Ok(Outcome::Ignored);
        };
        self.follow(&order).await?;
        Ok(Outcome::Applied)
    }

    /// A refund or an ended subscription: kept on the payment, and on its order when known.
    async fn revoked(&self, payment: &str, by: &str, at: OffsetDateTime) -> Result<Outcome, Error> {
        let table = self.app.table.as_ref();
        let revocation = Revocation { by: by.to_owned(), at };
        let pointer = orders::update_payment(table, payment, |p| {
            p.revoked.get_or_insert_with(|| revocation.clone());
        })
        .await?;
        let Some(order) = pointer.order_id else { return Ok(Outcome::Applied) };
        let updated = orders::update(table, &order, self.clock.now(), |o| {
            o.revoked.get_or_insert_with(|| revocation.clone());
        })
        .await?;
        if let Some(order) = updated {
            self.follow(&order).await?;
        }
        Ok(Outcome::Applied)
    }

    /// The portfolio follows its orders.
    async fn follow(&self, order: &OrderRecord) -> Result<(), Error> {
        let (Some(user), Some(portfolio)) = (&order.user_id, &order.portfolio_id) else { return Ok(()) };
        let record = self.sites.reconcile_publication(user, portfolio).await?;
        tracing::info!(
            order = %order.id,
            status = ?order.status(),
            published = record.as_ref().is_some_and(|r| r.published.is_some()),
            built = record.is_some(),
            "order updated"
        );
        Ok(())
    }
}

fn event_key(id: &str) -> Result<ItemKey, Error> {
    if id.is_empty() || id.len() > 255 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::BadRequest("the event id is not a Stripe event id".into()));
    }
    Ok(ItemKey::new(format!("STRIPE_EVENT#{id}"), "STRIPE_EVENT"))
}

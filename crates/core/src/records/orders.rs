//! Orders: one per Stripe Checkout Session we create. What Stripe reports about its payment is
//! kept as facts that only accumulate — paid, payment failed, revoked (refunded, subscription
//! ended) — so webhook events applied in any order, any number of times, end in the same
//! state; whether a portfolio is public follows from its orders ([`publication_due`]).
//!
//! An order lives in its own partition (`ORDER#{order}`), found through the owner index
//! (`OWNER#{user}`, sk `ORDER#{portfolio}#{order}`). Deleting the account does not delete it:
//! accounting keeps amount, currency, plan, dates and Stripe's references, while the link to
//! the person and their portfolio is removed ([`anonymize`]).
//!
//! A payment (a PaymentIntent, or a subscription) points at its order from `PAYMENT#{id}`; an
//! event about the payment that arrives before the order knows it (a refund before the
//! session's completion) is kept on that pointer and joins the order when it does.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::versioned::{self, Attempt};
use super::{owner_index, owner_pk};
use crate::model::{OrderId, PortfolioId, UserId};
use crate::store::{Expect, Item, ItemKey, Query, Table, TableError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderRecord {
    pub id: OrderId,
    /// `None` once the account is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portfolio_id: Option<PortfolioId>,
    pub plan: String,
    /// Stripe's Checkout mode: `payment` or `subscription`.
    pub mode: String,
    /// In the currency's minor unit, as Stripe counts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The PaymentIntent (one-time plan) or subscription paying for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "time::serde::rfc3339::option")]
    pub paid_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "time::serde::rfc3339::option")]
    pub payment_failed_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Revocation>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A refund or an ended subscription: the portfolio is no longer paid for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Revocation {
    /// The Stripe event type that said so, e.g. `charge.refunded`.
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Checkout started; nothing paid yet (or paid by a method that settles later).
    Open,
    PaymentFailed,
    Paid,
    Refunded,
    Canceled,
}

impl OrderRecord {
    /// A purchase just started: nothing known of its payment yet.
    pub fn open(user: UserId, portfolio: PortfolioId, plan: &str, mode: &str, now: OffsetDateTime) -> Self {
        Self {
            id: OrderId::random(),
            user_id: Some(user),
            portfolio_id: Some(portfolio),
            plan: plan.to_owned(),
            mode: mode.to_owned(),
            amount: None,
            currency: None,
            session_id: None,
            payment_id: None,
            paid_at: None,
            payment_failed_at: None,
            revoked: None,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn status(&self) -> OrderStatus {
        match (&self.revoked, self.paid_at, self.payment_failed_at) {
            (Some(r), _, _) if r.by.starts_with("customer.subscription") => OrderStatus::Canceled,
            (Some(_), _, _) => OrderStatus::Refunded,
            (None, Some(_), _) => OrderStatus::Paid,
            (None, None, Some(_)) => OrderStatus::PaymentFailed,
            (None, None, None) => OrderStatus::Open,
        }
    }

    /// Whether this order pays for its portfolio being public.
    pub fn pays_for_publication(&self) -> bool {
        self.paid_at.is_some() && self.revoked.is_none()
    }
}

pub fn key(order: &OrderId) -> ItemKey {
    ItemKey::new(format!("ORDER#{order}"), "ORDER")
}

pub fn is_order(key: &ItemKey) -> bool {
    key.pk.starts_with("ORDER#") && key.sk == "ORDER"
}

fn index_sk(portfolio: Option<&PortfolioId>, order: &OrderId) -> String {
    format!("ORDER#{}#{order}", portfolio.map_or("", PortfolioId::as_str))
}

fn item(order: &OrderRecord) -> Result<Item, TableError> {
    let item = Item::with_data(key(&order.id), order)?;
    Ok(match &order.user_id {
        Some(user) => item.in_index(owner_index(user, &index_sk(order.portfolio_id.as_ref(), &order.id))),
        None => item,
    })
}

pub async fn create(table: &dyn Table, order: &OrderRecord) -> Result<(), TableError> {
    table.put(item(order)?, Expect::Absent).await
}

pub async fn load(table: &dyn Table, order: &OrderId) -> Result<Option<OrderRecord>, TableError> {
    table.get(&key(order)).await?.map(|item| item.data_as()).transpose()
}

/// Applies `change` to the stored order and writes it back, retrying on concurrent writes.
/// `None` when there is no such order.
pub async fn update(
    table: &dyn Table,
    order: &OrderId,
    now: OffsetDateTime,
    mut change: impl FnMut(&mut OrderRecord),
) -> Result<Option<OrderRecord>, TableError> {
    versioned::update(table, &key(order), format!("order {order}"), |read| {
        let Some(read) = read else { return Ok(Attempt::Done(None)) };
        let mut record: OrderRecord = read.data_as()?;
        let before = record.clone();
        change(&mut record);
        if record == before {
            return Ok(Attempt::Done(Some(record)));
        }
        record.updated_at = now;
        Ok(Attempt::replace(Some(&read), item(&record)?, Some(record)))
    })
    .await
}

/// `user`'s orders: all of them, or those of one portfolio.
pub async fn of_user(
    table: &dyn Table,
    user: &UserId,
    portfolio: Option<&PortfolioId>,
) -> Result<Vec<OrderRecord>, TableError> {
    let prefix = match portfolio {
        Some(portfolio) => format!("ORDER#{portfolio}#"),
        None => "ORDER#".to_owned(),
    };
    let mut orders = Vec::new();
    let mut query = Query::gsi1(owner_pk(user), prefix).limit(100);
    loop {
        let page = table.query(query.clone()).await?;
        for item in &page.items {
            orders.push(item.data_as()?);
        }
        match page.next {
            Some(next) => query = query.after(Some(next)),
            None => return Ok(orders),
        }
    }
}

/// Whether `user`'s `portfolio` should be public: some order of it is paid and not revoked.
pub async fn publication_due(table: &dyn Table, user: &UserId, portfolio: &PortfolioId) -> Result<bool, TableError> {
    Ok(of_user(table, user, Some(portfolio)).await?.iter().any(OrderRecord::pays_for_publication))
}

/// What accounting keeps of an order once its owner's account is deleted.
pub fn anonymize(order: OrderRecord) -> OrderRecord {
    OrderRecord { user_id: None, portfolio_id: None, ..order }
}

/// `PAYMENT#{payment}`: which order a payment pays for, and a revocation that arrived first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaymentPointer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<OrderId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Revocation>,
}

pub fn payment_key(payment: &str) -> ItemKey {
    ItemKey::new(format!("PAYMENT#{payment}"), "PAYMENT")
}

/// Applies `change` to the payment's pointer (an empty one when there is none yet) and
/// returns what was stored.
pub async fn update_payment(
    table: &dyn Table,
    payment: &str,
    mut change: impl FnMut(&mut PaymentPointer),
) -> Result<PaymentPointer, TableError> {
    let key = payment_key(payment);
    versioned::update(table, &key, format!("payment {payment}"), |read| {
        let stored = read.as_ref().map(Item::data_as::<PaymentPointer>).transpose()?;
        let mut pointer = stored.clone().unwrap_or(PaymentPointer { order_id: None, revoked: None });
        change(&mut pointer);
        if stored.as_ref() == Some(&pointer) {
            return Ok(Attempt::Done(pointer));
        }
        let item = Item::with_data(key.clone(), &pointer)?;
        Ok(Attempt::replace(read.as_ref(), item, pointer))
    })
    .await
}

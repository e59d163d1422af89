//! The cloud Table adapter: one DynamoDB table (pk/sk, GSI `gsi1`, TTL on `expires_at`).
//!
//! DynamoDB deletes expired items up to days late, so reads filter them and conditions treat
//! them as absent; the embedded adapter does the same, which keeps both honest.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, Put, ScalarAttributeType, TimeToLiveSpecification, TransactWriteItem,
};
use serde_json::{Map, Value};

use r2w_core::error::Detail;
use r2w_core::store::table::*;

pub const GSI1: &str = "gsi1";
const PK: &str = "pk";
const SK: &str = "sk";
const GSI1_PK: &str = "gsi1pk";
const GSI1_SK: &str = "gsi1sk";
const EXPIRES_AT: &str = "expires_at";
const VERSION: &str = "ver";
const DATA: &str = "data";

type AttrMap = HashMap<String, AttributeValue>;

pub struct DynamoTable {
    client: Client,
    table: String,
}

impl DynamoTable {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into() }
    }

    /// Creates the table as template.yaml declares it (on-demand, gsi1, TTL), for local AWS
    /// emulators and tests; an existing table is left as it is.
    pub async fn ensure_table(&self) -> Result<(), TableError> {
        let def = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(build_error)
        };
        let key = |name: &str, kind| {
            KeySchemaElement::builder().attribute_name(name).key_type(kind).build().map_err(build_error)
        };
        let gsi = GlobalSecondaryIndex::builder()
            .index_name(GSI1)
            .key_schema(key(GSI1_PK, KeyType::Hash)?)
            .key_schema(key(GSI1_SK, KeyType::Range)?)
            .projection(Projection::builder().projection_type(ProjectionType::All).build())
            .build()
            .map_err(build_error)?;
        let created = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(def(PK)?)
            .attribute_definitions(def(SK)?)
            .attribute_definitions(def(GSI1_PK)?)
            .attribute_definitions(def(GSI1_SK)?)
            .key_schema(key(PK, KeyType::Hash)?)
            .key_schema(key(SK, KeyType::Range)?)
            .global_secondary_indexes(gsi)
            .send()
            .await;
        match created {
            Ok(_) => {}
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_in_use_exception()) => return Ok(()),
            Err(e) => return Err(sdk_error(e)),
        }
        let ttl =
            TimeToLiveSpecification::builder().enabled(true).attribute_name(EXPIRES_AT).build().map_err(build_error)?;
        self.client
            .update_time_to_live()
            .table_name(&self.table)
            .time_to_live_specification(ttl)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }
}

fn build_error(e: aws_sdk_dynamodb::error::BuildError) -> TableError {
    TableError::Backend(Detail::new("building a DynamoDB request", e))
}

/// Throttling, server faults, timeouts and network failures are worth a retry; the rest is not.
fn sdk_error<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static>(e: SdkError<E>) -> TableError {
    const TRANSIENT: &[&str] = &[
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
    ];
    let transient = match &e {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
        SdkError::ServiceError(ctx) => ctx.err().code().is_some_and(|c| TRANSIENT.contains(&c)),
        _ => false,
    };
    let detail = Detail::new("DynamoDB", e);
    if transient { TableError::Unavailable(detail) } else { TableError::Backend(detail) }
}

/// A conditional write's outcome: a failed condition is its own error, not a backend fault.
fn conditional_write<T, E>(result: Result<T, SdkError<E>>) -> Result<(), TableError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(()),
        Err(SdkError::ServiceError(ctx)) if ctx.err().code() == Some("ConditionalCheckFailedException") => {
            Err(TableError::ConditionFailed { op: None })
        }
        Err(e) => Err(sdk_error(e)),
    }
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn key_map(key: &ItemKey) -> AttrMap {
    HashMap::from([(PK.to_owned(), s(&key.pk)), (SK.to_owned(), s(&key.sk))])
}

fn item_map(item: &Item) -> Result<AttrMap, TableError> {
    let data = serde_dynamo::aws_sdk_dynamodb_1::to_attribute_value(&item.data)
        .map_err(|e| TableError::InvalidItem(e.to_string()))?;
    let mut map = key_map(&item.key);
    if let Some(index) = &item.gsi1 {
        map.insert(GSI1_PK.to_owned(), s(&index.pk));
        map.insert(GSI1_SK.to_owned(), s(&index.sk));
    }
    if let Some(at) = item.expires_at {
        map.insert(EXPIRES_AT.to_owned(), AttributeValue::N(at.to_string()));
    }
    map.insert(VERSION.to_owned(), AttributeValue::N(item.version.to_string()));
    map.insert(DATA.to_owned(), data);
    Ok(map)
}

fn string_attr(map: &AttrMap, name: &str) -> Option<String> {
    map.get(name).and_then(|v| v.as_s().ok()).cloned()
}

fn number_attr<T: std::str::FromStr>(map: &AttrMap, name: &str) -> Option<T> {
    map.get(name).and_then(|v| v.as_n().ok()).and_then(|n| n.parse().ok())
}

fn from_map(map: AttrMap) -> Result<Item, TableError> {
    let corrupt = |what: &str| TableError::Backend(format!("stored item has no valid {what}").into());
    let key = ItemKey::new(
        string_attr(&map, PK).ok_or_else(|| corrupt(PK))?,
        string_attr(&map, SK).ok_or_else(|| corrupt(SK))?,
    );
    let gsi1 = string_attr(&map, GSI1_PK).zip(string_attr(&map, GSI1_SK)).map(|(pk, sk)| IndexKey { pk, sk });
    let data: Map<String, Value> = match map.get(DATA) {
        Some(value) => serde_dynamo::aws_sdk_dynamodb_1::from_attribute_value(value.clone())
            .map_err(|e| TableError::Backend(Detail::new(format!("stored item {key} has unreadable data"), e)))?,
        None => Map::new(),
    };
    Ok(Item {
        gsi1,
        expires_at: number_attr(&map, EXPIRES_AT),
        version: number_attr(&map, VERSION).unwrap_or(0),
        data,
        key,
    })
}

fn position_map(position: &Position) -> AttrMap {
    let mut map = HashMap::from([(PK.to_owned(), s(&position.pk)), (SK.to_owned(), s(&position.sk))]);
    if let (Some(pk), Some(sk)) = (&position.gsi1pk, &position.gsi1sk) {
        map.insert(GSI1_PK.to_owned(), s(pk));
        map.insert(GSI1_SK.to_owned(), s(sk));
    }
    map
}

/// A condition expression with only the placeholders it uses (DynamoDB rejects unused ones).
#[derive(Default)]
struct Condition {
    expression: Option<String>,
    names: HashMap<String, String>,
    values: AttrMap,
}

impl Condition {
    fn new(expect: Expect, now: i64) -> Self {
        let live = "(attribute_not_exists(#exp) OR #exp > :now)";
        let expression = match expect {
            Expect::Anything => return Self::default(),
            Expect::Absent => "attribute_not_exists(#pk) OR #exp <= :now".to_owned(),
            Expect::Exists => format!("attribute_exists(#pk) AND {live}"),
            Expect::Version(_) => format!("#ver = :ver AND {live}"),
        };
        let mut names = HashMap::from([("#exp".to_owned(), EXPIRES_AT.to_owned())]);
        let mut values = HashMap::from([(":now".to_owned(), AttributeValue::N(now.to_string()))]);
        match expect {
            Expect::Version(v) => {
                names.insert("#ver".to_owned(), VERSION.to_owned());
                values.insert(":ver".to_owned(), AttributeValue::N(v.to_string()));
            }
            _ => {
                names.insert("#pk".to_owned(), PK.to_owned());
            }
        }
        Self { expression: Some(expression), names, values }
    }

    fn names(&self) -> Option<HashMap<String, String>> {
        self.expression.as_ref().map(|_| self.names.clone())
    }

    fn values(&self) -> Option<AttrMap> {
        self.expression.as_ref().map(|_| self.values.clone())
    }
}

#[async_trait]
impl Table for DynamoTable {
    async fn get(&self, key: &ItemKey) -> Result<Option<Item>, TableError> {
        key.check()?;
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_map(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        match out.item {
            Some(map) => Ok(Some(from_map(map)?).filter(|item| !item.is_expired(unix_now()))),
            None => Ok(None),
        }
    }

    async fn put(&self, item: Item, expect: Expect) -> Result<(), TableError> {
        item.check()?;
        let condition = Condition::new(expect, unix_now());
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item_map(&item)?))
            .set_condition_expression(condition.expression.clone())
            .set_expression_attribute_names(condition.names())
            .set_expression_attribute_values(condition.values())
            .send()
            .await;
        conditional_write(result)
    }

    async fn delete(&self, key: &ItemKey, expect: Expect) -> Result<(), TableError> {
        key.check()?;
        let condition = Condition::new(expect, unix_now());
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_map(key)))
            .set_condition_expression(condition.expression.clone())
            .set_expression_attribute_names(condition.names())
            .set_expression_attribute_values(condition.values())
            .send()
            .await;
        conditional_write(result)
    }

    async fn query(&self, query: Query) -> Result<Page, TableError> {
        query.check()?;
        let position = query.position()?;
        let (part, sort) = match query.index {
            Index::Primary => (PK, SK),
            Index::Gsi1 => (GSI1_PK, GSI1_SK),
        };
        let mut names = HashMap::from([("#p".to_owned(), part.to_owned()), ("#exp".to_owned(), EXPIRES_AT.to_owned())]);
        let mut values = HashMap::from([
            (":p".to_owned(), s(&query.pk)),
            (":now".to_owned(), AttributeValue::N(unix_now().to_string())),
        ]);
        let mut key_condition = "#p = :p".to_owned();
        if !query.sk_prefix.is_empty() {
            key_condition += " AND begins_with(#s, :prefix)";
            names.insert("#s".to_owned(), sort.to_owned());
            values.insert(":prefix".to_owned(), s(&query.sk_prefix));
        }
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name((query.index == Index::Gsi1).then(|| GSI1.to_owned()))
            .consistent_read(query.index == Index::Primary)
            .key_condition_expression(key_condition)
            .filter_expression("attribute_not_exists(#exp) OR #exp > :now")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .scan_index_forward(query.order == Order::Ascending)
            .limit(query.limit as i32)
            .set_exclusive_start_key(position.as_ref().map(position_map))
            .send()
            .await
            .map_err(sdk_error)?;
        let items = out.items.unwrap_or_default().into_iter().map(from_map).collect::<Result<Vec<_>, _>>()?;
        let next = out.last_evaluated_key.map(|last| {
            Cursor::encode(&Position {
                pk: string_attr(&last, PK).unwrap_or_default(),
                sk: string_attr(&last, SK).unwrap_or_default(),
                gsi1pk: string_attr(&last, GSI1_PK),
                gsi1sk: string_attr(&last, GSI1_SK),
            })
        });
        Ok(Page { items, next })
    }

    async fn transact(&self, ops: Vec<TransactOp>) -> Result<(), TableError> {
        check_transaction(&ops)?;
        let now = unix_now();
        let mut items = Vec::with_capacity(ops.len());
        for op in &ops {
            let item = match op {
                TransactOp::Put(item, expect) => {
                    let c = Condition::new(*expect, now);
                    let put = Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(item_map(item)?))
                        .set_condition_expression(c.expression.clone())
                        .set_expression_attribute_names(c.names())
                        .set_expression_attribute_values(c.values())
                        .build()
                        .map_err(build_error)?;
                    TransactWriteItem::builder().put(put).build()
                }
                TransactOp::Delete(key, expect) => {
                    let c = Condition::new(*expect, now);
                    let delete = Delete::builder()
                        .table_name(&self.table)
                        .set_key(Some(key_map(key)))
                        .set_condition_expression(c.expression.clone())
                        .set_expression_attribute_names(c.names())
                        .set_expression_attribute_values(c.values())
                        .build()
                        .map_err(build_error)?;
                    TransactWriteItem::builder().delete(delete).build()
                }
                TransactOp::Check(key, expect) => {
                    // A check needs a condition; "anything" is one that always holds.
                    let c = match expect {
                        Expect::Anything => Condition {
                            expression: Some("attribute_exists(#pk) OR attribute_not_exists(#pk)".to_owned()),
                            names: HashMap::from([("#pk".to_owned(), PK.to_owned())]),
                            values: HashMap::new(),
                        },
                        other => Condition::new(*other, now),
                    };
                    let check = ConditionCheck::builder()
                        .table_name(&self.table)
                        .set_key(Some(key_map(key)))
                        .set_condition_expression(c.expression.clone())
                        .set_expression_attribute_names(c.names())
                        .set_expression_attribute_values(c.values().filter(|v| !v.is_empty()))
                        .build()
                        .map_err(build_error)?;
                    TransactWriteItem::builder().condition_check(check).build()
                }
            };
            items.push(item);
        }
        let result = self.client.transact_write_items().set_transact_items(Some(items)).send().await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                let cancelled = e.as_service_error().and_then(|s| match s {
                    aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(c) => {
                        Some(c.cancellation_reasons().to_vec())
                    }
                    _ => None,
                });
                match cancelled {
                    Some(reasons) => {
                        let failed = reasons.iter().position(|r| r.code() == Some("ConditionalCheckFailed"));
                        let conflict =
                            reasons.iter().any(|r| matches!(r.code(), Some("TransactionConflict" | "ThrottlingError")));
                        if failed.is_some() || !conflict {
                            Err(TableError::ConditionFailed { op: failed })
                        } else {
                            Err(TableError::Unavailable(Detail::new("DynamoDB transaction", e)))
                        }
                    }
                    None => Err(sdk_error(e)),
                }
            }
        }
    }

    fn backend(&self) -> &'static str {
        "dynamodb"
    }
}

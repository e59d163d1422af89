//! The parts of the OpenAPI document every function's API shares: how ids, e-mail addresses
//! and CV data are described, the problem document every error is, and the document's
//! assembly (each function crate contributes its operations; infra/local puts them together
//! and checks the result in as docs/openapi.json).

use serde_json::{Map, Value, json};
use utoipa::openapi::schema::{Object, Schema, Type};
use utoipa::openapi::{ObjectBuilder, Ref, RefOr};

use crate::error::PROBLEM_CONTENT_TYPE;
use crate::model::ids::MAX_ID_LEN;

/// The security scheme name of `Authorization: Bearer <access token>`.
pub const BEARER: &str = "bearer";

/// The schema of an id: `kind` is what it identifies ("a job id").
pub fn id_schema(kind: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(format!("^[A-Za-z0-9_-]{{1,{MAX_ID_LEN}}}$")))
        .description(Some(kind.to_owned()))
        .into()
}

/// Where a CV (the 18 sections) appears: a reference to the `CvData` component, which is the
/// JSON Schema of crates/core/schema/cv-data.schema.json (see [`finish`]).
pub fn cv_data_ref() -> RefOr<Schema> {
    Ref::from_schema_name("CvData").into()
}

/// Any JSON object (a JSON Resume document, a Stripe event): checked by the handler itself.
pub fn any_object() -> Object {
    ObjectBuilder::new().schema_type(Type::Object).build()
}

/// What the handlers answer in common, added to every operation that does not say otherwise:
/// the errors every route can give (all RFC 9457 problem documents), and 401 where a bearer
/// token is required.
const COMMON_ERRORS: &[(&str, &str)] = &[
    ("400", "The request is malformed (not JSON, a missing or unknown field)."),
    ("413", "The body is larger than the route accepts."),
    ("429", "Too many requests; `retry-after` says when to come back."),
    ("500", "A fault on our side; the problem's request_id finds it in the logs."),
    ("503", "A dependency is unavailable, or the feature is not configured; retry later."),
];

/// The finished document: `api` (the functions' operations, merged) with the CV data schema
/// in its components, the problem responses, and the bearer scheme. Pure data in, JSON out,
/// so the checked-in copy is byte-for-byte what the code says.
pub fn finish(api: utoipa::openapi::OpenApi) -> Value {
    let mut document = serde_json::to_value(&api).unwrap_or_default();
    let components = document
        .as_object_mut()
        .map(|d| d.entry("components").or_insert_with(|| json!({})))
        .and_then(Value::as_object_mut);
    let Some(components) = components else { return document };

    // CV data: schemars' JSON Schema (2020-12, as OpenAPI 3.1), its $defs hoisted beside it.
    let mut cv = relink(crate::model::cv_json_schema(), "#/$defs/", "#/components/schemas/");
    let defs = cv.as_object_mut().and_then(|o| o.remove("$defs")).and_then(|d| d.as_object().cloned());
    if let Some(cv) = cv.as_object_mut() {
        cv.remove("$schema");
    }
    let schemas = components.entry("schemas").or_insert_with(|| json!({}));
    if let Some(schemas) = schemas.as_object_mut() {
        schemas.extend(defs.unwrap_or_default());
        schemas.insert("CvData".into(), cv);
    }
    components.insert(
        "responses".into(),
        json!({"Problem": {
            "description": "An RFC 9457 problem document.",
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        }}),
    );
    components.insert(
        "securitySchemes".into(),
        json!({BEARER: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                        "description": "The access token from sign-in (15 minutes); refresh for a new one."}}),
    );

    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for operation in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|p| p.values_mut()) {
            add_common_errors(operation);
        }
    }
    document
}

fn add_common_errors(operation: &mut Value) {
    let secured = operation.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { return };
    let mut add = |status: &str, description: &str| {
        responses.entry(status).or_insert_with(|| {
            json!({"description": description,
                   "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}})
        });
    };
    for (status, description) in COMMON_ERRORS {
        add(status, description);
    }
    if secured {
        add("401", "No valid access token.");
    }
}

/// `value` with every `$ref` starting `from` pointed at `to` instead.
fn relink(value: Value, from: &str, to: &str) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| match (k.as_str(), &v) {
                    ("$ref", Value::String(r)) if r.starts_with(from) => (k, Value::String(r.replacen(from, to, 1))),
                    _ => (k, relink(v, from, to)),
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| relink(v, from, to)).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cv_schema_joins_the_components_with_its_references_relinked() {
        let document = finish(utoipa::openapi::OpenApiBuilder::new().build());
        let schemas = document["components"]["schemas"].as_object().expect("schemas");
        assert!(schemas.contains_key("CvData") && schemas.contains_key("PartialDate"));
        let text = document.to_string();
        assert!(!text.contains("#/$defs/"), "no reference left to the schema's own $defs");
        assert!(text.contains("#/components/schemas/PartialDate"));
    }
}

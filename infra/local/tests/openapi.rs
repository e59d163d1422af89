//! The OpenAPI document (docs/openapi.json) is what the code says, describes exactly the routes
//! the server dispatches, and every reference in it resolves.

use std::collections::BTreeSet;

use r2w_local::openapi::{document, pretty};
use r2w_local::routes::ROUTES;
use serde_json::Value;

const CHECKED_IN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");

/// `make openapi` rewrites it.
#[test]
fn the_checked_in_document_is_current() {
    let current = pretty();
    if std::env::var_os("R2W_UPDATE_OPENAPI").is_some() {
        std::fs::write(CHECKED_IN, &current).expect("write docs/openapi.json");
    }
    let checked_in = std::fs::read_to_string(CHECKED_IN).unwrap_or_default();
    assert!(checked_in == current, "docs/openapi.json is stale: run `make openapi` and commit it");
}

#[test]
fn it_describes_exactly_the_routes_the_server_dispatches() {
    let document = document();
    assert_eq!(document["openapi"], "3.1.0");
    let described: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, operations)| {
            operations.as_object().expect("operations").keys().map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let routed: BTreeSet<(String, String)> = ROUTES.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    assert_eq!(described, routed);
}

#[test]
fn every_reference_resolves_and_every_operation_answers_errors_as_problems() {
    let document = document();
    let mut references = Vec::new();
    collect_refs(&document, &mut references);
    assert!(references.len() > 50, "references are used: {}", references.len());
    for reference in references {
        let pointer = reference.strip_prefix('#').expect("a local reference");
        assert!(document.pointer(pointer).is_some(), "{reference} resolves");
    }
    for (path, operations) in document["paths"].as_object().expect("paths") {
        for (method, operation) in operations.as_object().expect("operations") {
            let responses = operation["responses"].as_object().expect("responses");
            assert!(responses.keys().any(|s| s.starts_with('2') || s.starts_with('3')), "{method} {path} succeeds");
            for status in ["400", "500"] {
                let problem = &responses[status]["content"]["application/problem+json"];
                assert!(problem.is_object(), "{method} {path} {status} is a problem document");
            }
            assert!(responses.contains_key("503"), "{method} {path} may be unavailable");
            if operation.get("security").is_some() {
                assert!(responses.contains_key("401"), "{method} {path} says 401");
            }
        }
    }
}

fn collect_refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => into.push(reference.clone()),
                    _ => collect_refs(value, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, into)),
        _ => {}
    }
}

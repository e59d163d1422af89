//! The CV JSON Schema is generated from the Rust types and checked in at
//! `crates/core/schema/cv-data.schema.json` (it becomes the LLM's tool schema). These tests fail when
//! the file is stale, and check that the schema and the types agree on what is valid.
//! Refresh with `make schema` (R2W_UPDATE_SCHEMA=1).

use std::path::Path;

use r2w_core::model::{CvData, cv_json_schema};
use serde_json::{Value, json};

fn schema_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/cv-data.schema.json")
}

fn generated() -> String {
    serde_json::to_string_pretty(&cv_json_schema()).expect("schema serialises") + "\n"
}

#[test]
fn checked_in_schema_is_current() {
    let path = schema_path();
    if std::env::var("R2W_UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(&path, generated()).expect("write schema");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated(),
        "{} is stale: the CV types changed. Run `make schema` and commit the file (a schema change is a migration).",
        path.display()
    );
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(schema_path()).expect("schema file");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options().should_validate_formats(true).build(&schema).expect("schema compiles")
}

#[test]
fn every_fixture_cv_is_valid_against_the_schema() {
    let validator = validator();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cv");
    for entry in std::fs::read_dir(dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        let doc: Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        // What the types write back is valid too.
        let cv = CvData::from_json(doc.to_string().as_bytes()).expect("types accept it");
        assert!(validator.is_valid(&serde_json::to_value(&cv).expect("serialise")));
    }
}

#[test]
fn schema_and_types_refuse_the_same_mistakes() {
    let validator = validator();
    let mistakes = [
        json!({"schemaVersion": 1, "experience": [{"dates": {"start": "Jan 2020"}}]}),
        json!({"schemaVersion": 1, "experience": [{"dates": {"start": "2020-13"}}]}),
        json!({"schemaVersion": 1, "hero": {"fullName": "x", "nickname": "y"}}),
        json!({"schemaVersion": 1, "unknownSection": []}),
        json!({"schemaVersion": 1, "skills": ["a", "b"]}),
        json!({"schemaVersion": 1, "metadata": {"extractionMethod": "magic"}}),
        json!({"schemaVersion": 1, "metadata": {"sourceLanguage": "english"}}),
        json!({"schemaVersion": 1, "summary": {"yearsOfExperience": -3}}),
    ];
    for doc in mistakes {
        assert!(!validator.is_valid(&doc), "schema accepts {doc}");
        assert!(CvData::from_json(doc.to_string().as_bytes()).is_err(), "types accept {doc}");
    }
}

#[test]
fn an_unknown_schema_version_is_refused() {
    let err = CvData::from_json(br#"{"schemaVersion": 2}"#).expect_err("future version");
    assert!(err.to_string().contains("version 2"), "{err}");
}

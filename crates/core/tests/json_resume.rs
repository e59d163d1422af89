//! JSON Resume export and import: valid against the official schema (npm `@jsonresume/schema`,
//! installed by the test script), lossless CV -> JSON Resume -> CV, and JSON Resume -> CV ->
//! JSON Resume keeping every field the CV model has a place for.

use std::path::{Path, PathBuf};

use r2w_core::model::json_resume::{self, EXTENSION_KEY};
use r2w_core::model::{CvData, DateRange, Experience, ExtractionMethod};
use serde_json::{Value, json};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("workspace root").to_path_buf()
}

/// The installed official package; not copied into this repository.
fn schema_package() -> PathBuf {
    let dir = std::env::var("R2W_JSON_RESUME_PACKAGE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("node_modules/@jsonresume/schema"));
    assert!(
        dir.join("schema.json").is_file(),
        "{} has no schema.json: run `npm ci` in the workspace root (make test does)",
        dir.display()
    );
    dir
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn official_validator() -> jsonschema::Validator {
    let schema = read_json(&schema_package().join("schema.json"));
    jsonschema::draft7::options().should_validate_formats(true).build(&schema).expect("official schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, name: &str) {
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{name}: export is not valid JSON Resume:\n{}", errors.join("\n"));
}

/// The CV fixtures, plus a long CV made here (40 jobs, every list long).
fn cv_fixtures() -> Vec<(String, CvData)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cv");
    let mut fixtures: Vec<(String, CvData)> = std::fs::read_dir(&dir)
        .expect("fixtures folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read");
            let cv = CvData::from_json(&bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), cv)
        })
        .collect();
    fixtures.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(fixtures.len() >= 6, "at least six varied CVs");
    fixtures.push(("generated-long".into(), long_cv()));
    fixtures
}

fn long_cv() -> CvData {
    let mut cv = CvData::default();
    cv.hero.full_name = Some("Long Career Person".into());
    cv.experience = (0..40u16)
        .map(|i| Experience {
            title: Some(format!("Role {i}")),
            company: Some(format!("Company {i}")),
            dates: DateRange::new(
                format!("{}-{:02}", 1985 + i / 2, 1 + i % 12).parse().ok(),
                (i > 0).then(|| format!("{}-{:02}", 1986 + i / 2, 1 + i % 12).parse().ok()).flatten(),
                i == 0,
            )
            .expect("valid range"),
            responsibilities: (0..8)
                .map(|j| format!("Responsibility {i}.{j} with “quotes” & <angle> brackets"))
                .collect(),
            technologies: vec![format!("Tech{i}")],
            ..Experience::default()
        })
        .collect();
    cv.skills.ungrouped = (0..60).map(|i| format!("skill-{i}")).collect();
    cv
}

#[test]
fn every_export_is_valid_json_resume() {
    let validator = official_validator();
    // The validator itself must check formats, or "valid" would mean little.
    for bad in [json!({"basics": {"url": "example.com/me"}}), json!({"basics": {"email": "maria(at)example.com"}})] {
        assert!(!validator.is_valid(&bad), "{bad} must be invalid");
    }
    for (name, cv) in cv_fixtures() {
        assert_valid(&validator, &json_resume::export(&cv), &name);
    }
}

#[test]
fn cv_to_json_resume_to_cv_is_lossless() {
    for (name, cv) in cv_fixtures() {
        let doc = json_resume::export(&cv);
        // Through text, as the document would travel.
        let doc: Value = serde_json::from_str(&doc.to_string()).expect("reparse");
        let back = json_resume::import(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, cv, "{name}: round trip changed the CV");
    }
}

#[test]
fn what_the_person_hid_travels_in_their_export_and_stale_pointers_are_dropped_on_import() {
    let (_, mut cv) = cv_fixtures().into_iter().find(|(n, _)| n == "full-every-field.json").expect("fixture");
    cv.hidden = vec!["/contact/phone".into(), "/experience/1".into()];
    let doc = json_resume::export(&cv);
    assert_eq!(doc[EXTENSION_KEY]["hidden"], json!(["/contact/phone", "/experience/1"]));
    assert_eq!(json_resume::import(&doc).expect("import"), cv, "the person's own export keeps it");

    let public = json_resume::export_public(&cv);
    for internal in ["hidden", "metadata", "unclassifiedText", "schemaVersion"] {
        assert!(public[EXTENSION_KEY].get(internal).is_none(), "x-r2w.{internal} in the public export");
    }

    let mut edited = doc.clone();
    edited["work"] = json!([]);
    let back = json_resume::import(&edited).expect("import");
    assert!(back.hidden.is_empty(), "a pointer into a list edited elsewhere could hide the wrong entry");
    assert!(back.metadata.warnings.iter().any(|w| w.contains("hidden")), "{:?}", back.metadata.warnings);
}

#[test]
fn sections_without_a_json_resume_home_travel_under_the_extension() {
    let (_, cv) = cv_fixtures().into_iter().find(|(n, _)| n == "full-every-field.json").expect("fixture");
    let doc = json_resume::export(&cv);
    let ext = &doc[EXTENSION_KEY];
    for section in ["speaking", "courses", "memberships", "patents"] {
        assert!(ext[section].as_array().is_some_and(|a| !a.is_empty()), "{section} under {EXTENSION_KEY}");
        assert!(doc.get(section).is_none(), "{section} is not a JSON Resume section");
    }
    assert_eq!(ext["metadata"]["sourceLanguage"], "en-GB");
    assert_eq!(ext["references"][0]["relationship"], "Manager");
    assert_eq!(doc["basics"]["name"], "Amelia Hartley");
    assert_eq!(doc["work"][0]["position"], "Principal Data Engineer");
    assert!(doc["work"][0].get("endDate").is_none(), "a current job has no end date");
    assert_eq!(doc["awards"][0]["title"], "Engineer of the Year");
    assert_eq!(doc["certificates"][0]["issuer"], "Amazon Web Services");
    assert_eq!(doc["interests"][0]["keywords"][0], "bouldering");
}

/// Drops what carries no content (empty strings, lists and objects) and what the CV model has
/// no place for (`$schema`, `meta`), so documents can be compared for content.
fn content(value: &Value) -> Option<Value> {
    match value {
        Value::String(s) if s.is_empty() => None,
        Value::Null => None,
        Value::Array(items) => {
            let kept: Vec<Value> = items.iter().filter_map(content).collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        Value::Object(map) => {
            let kept: serde_json::Map<String, Value> = map
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "$schema" | "meta" | EXTENSION_KEY))
                .filter_map(|(k, v)| content(v).map(|v| (k.clone(), v)))
                .collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        other => Some(other.clone()),
    }
}

#[test]
fn official_examples_survive_json_resume_to_cv_to_json_resume() {
    let package = schema_package();
    let mut docs = vec![package.join("sample.resume.json")];
    let examples = std::fs::read_dir(package.join("examples")).expect("examples folder");
    docs.extend(examples.map(|e| e.expect("entry").path()).filter(|p| p.extension().is_some_and(|e| e == "json")));
    assert!(docs.len() >= 2, "the package ships its sample and examples");
    let validator = official_validator();
    for path in docs {
        let original = read_json(&path);
        let cv = json_resume::import(&original).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(cv.metadata.extraction_method, Some(ExtractionMethod::Import));
        let exported = json_resume::export(&cv);
        assert_valid(&validator, &exported, &path.display().to_string());
        assert_eq!(content(&exported), content(&original), "{}: content changed", path.display());
    }
}

#[test]
fn dates_json_resume_cannot_hold_are_kept_as_text() {
    let doc = json!({
        "basics": {"name": "Sam"},
        "work": [{"name": "Acme", "startDate": "Spring 2019", "endDate": "2020-02"}],
        "awards": [{"title": "Prize", "date": 2018}]
    });
    let cv = json_resume::import(&doc).expect("import");
    assert_eq!(cv.experience[0].company.as_deref(), Some("Acme"));
    assert_eq!(cv.experience[0].dates.start, None);
    assert_eq!(cv.experience[0].dates.end, "2020-02".parse().ok());
    let text = cv.unclassified_text.expect("kept as text");
    assert!(text.contains("Spring 2019") && text.contains("2018"), "{text}");
    assert_eq!(cv.metadata.warnings.len(), 2, "{:?}", cv.metadata.warnings);
}

#[test]
fn details_for_an_edited_list_are_not_attached_to_the_wrong_item() {
    let (_, cv) = cv_fixtures().into_iter().find(|(n, _)| n == "full-every-field.json").expect("fixture");
    let mut doc = json_resume::export(&cv);
    // Someone deletes the first job in another JSON Resume tool.
    doc["work"].as_array_mut().expect("work").remove(0);
    let back = json_resume::import(&doc).expect("import");
    assert_eq!(back.experience.len(), 1);
    assert!(back.experience[0].technologies.is_empty(), "the deleted job's technologies must not move");
    assert!(back.metadata.warnings.iter().any(|w| w.contains("work")), "{:?}", back.metadata.warnings);
}

#[test]
fn what_is_not_a_json_resume_is_refused() {
    for bad in [json!([1, 2]), json!("resume"), json!({"work": "not a list"}), json!({"basics": {"name": 5}})] {
        assert!(json_resume::import(&bad).is_err(), "{bad}");
    }
    let bad_extension = json!({"basics": {"name": "x"}, EXTENSION_KEY: {"speaking": "nope"}});
    assert!(json_resume::import(&bad_extension).is_err());
}

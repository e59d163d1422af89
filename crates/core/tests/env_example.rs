//! `.env.example` documents every variable the code reads: each `R2W_*` name mentioned in the
//! sources must appear there (test-only variables excepted).

use std::collections::BTreeSet;
use std::path::Path;

const TEST_ONLY: &[&str] =
    &["R2W_TEST_AWS_ENDPOINT", "R2W_UPDATE_SCHEMA", "R2W_UPDATE_OPENAPI", "R2W_JSON_RESUME_PACKAGE", "R2W_TOOLS_VENV"];

fn names_in(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            names_in(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read source");
            for (start, _) in text.match_indices("R2W_") {
                let name: String = text[start..]
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                if name.len() > 4 && !name.ends_with('_') {
                    found.insert(name);
                }
            }
        }
    }
}

#[test]
fn every_variable_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("workspace");
    let mut names = BTreeSet::new();
    for dir in ["crates", "infra", "functions"] {
        let dir = root.join(dir);
        if dir.is_dir() {
            names_in(&dir, &mut names);
        }
    }
    assert!(names.contains("R2W_BACKEND"), "the scan finds the variables");
    let example = std::fs::read_to_string(root.join(".env.example")).expect(".env.example");
    let missing: Vec<&String> =
        names.iter().filter(|n| !TEST_ONLY.contains(&n.as_str()) && !example.contains(&format!("{n}="))).collect();
    assert!(missing.is_empty(), ".env.example lacks {missing:?}");
}

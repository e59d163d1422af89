//! The `r2w` command as a user runs it: a JSON Resume document in, CV data out, and back.

use std::path::Path;
use std::process::Command;

use r2w_shared::model::CvData;

fn r2w() -> Command {
    Command::new(env!("CARGO_BIN_EXE_r2w"))
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/tests/fixtures/cv").join(name)
}

#[test]
fn converts_a_cv_to_json_resume_and_back_without_loss() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = r2w().args(["convert", "--to", "json-resume"]).arg(fixture("rtl-hebrew.json")).output().expect("run r2w");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let resume: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON Resume on stdout");
    assert_eq!(resume["basics"]["name"], "דנה לוי");
    let resume_path = dir.path().join("resume.json");
    std::fs::write(&resume_path, &out.stdout).expect("write");

    let back = r2w().args(["convert", "--to", "r2w"]).arg(&resume_path).output().expect("run r2w");
    assert!(back.status.success(), "{}", String::from_utf8_lossy(&back.stderr));
    let original = CvData::from_json(&std::fs::read(fixture("rtl-hebrew.json")).expect("fixture")).expect("cv");
    assert_eq!(CvData::from_json(&back.stdout).expect("CV data on stdout"), original);
}

#[test]
fn bad_input_is_a_clear_error_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, &[u8]); 3] = [
        ("garbage.json", b"\x00\xffnot json"),
        ("array.json", b"[1,2,3]"),
        ("bad-date.json", br#"{"schemaVersion":1,"experience":[{"dates":{"start":"2020-13"}}]}"#),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let out = r2w().arg("convert").arg(&path).output().expect("run r2w");
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("r2w: ") && stderr.contains(name), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
    let missing = r2w().args(["convert", "/nonexistent/cv.json"]).output().expect("run r2w");
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
}

#[test]
fn prints_the_checked_in_schema() {
    let out = r2w().arg("schema").output().expect("run r2w");
    assert!(out.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("schema JSON");
    let checked_in: serde_json::Value = serde_json::from_slice(
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/schema/cv-data.schema.json"))
            .expect("file"),
    )
    .expect("json");
    assert_eq!(printed, checked_in);
}

#[test]
fn reports_every_configuration_problem() {
    let out = r2w().arg("config").env("R2W_BACKEND", "aws").env_remove("R2W_TABLE_NAME").output().expect("run r2w");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("R2W_TABLE_NAME") && stderr.contains("R2W_UPLOADS_BUCKET"), "{stderr}");
}

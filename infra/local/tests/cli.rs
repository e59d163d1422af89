//! The `r2w` command as a user runs it: a JSON Resume document in, CV data out, and back.

use std::path::Path;
use std::process::Command;

use r2w_core::model::CvData;

fn r2w() -> Command {
    Command::new(env!("CARGO_BIN_EXE_r2w"))
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates/core/tests/fixtures/cv").join(name)
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
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates/core/schema/cv-data.schema.json"))
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

/// `r2w` run in `dir` with nothing from the caller's environment (nor a developer's `.env`).
fn r2w_isolated(dir: &Path) -> Command {
    let mut command = r2w();
    command.current_dir(dir).env_clear().env("R2W_DATA_DIR", dir.join("data")).env("RUST_LOG", "warn");
    command
}

fn extract_fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../functions/extract/fixtures").join(name)
}

#[test]
fn extracts_a_pdf_offline_in_either_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out =
        r2w_isolated(dir.path()).arg("extract").arg(extract_fixture("pdf/12-he-classic.pdf")).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cv = CvData::from_json(&out.stdout).expect("CV data on stdout");
    assert_eq!(cv.metadata.extraction_method, Some(r2w_core::model::ExtractionMethod::Heuristic));
    assert_eq!(cv.metadata.source_language.as_ref().map(|l| l.as_str()), Some("he"));
    assert!(!cv.experience.is_empty());

    let out = r2w_isolated(dir.path())
        .args(["extract", "--extractor", "heuristic", "--format", "json-resume"])
        .arg(extract_fixture("docx/06-es-classic.docx"))
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let resume: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON Resume");
    assert!(resume["basics"]["name"].as_str().is_some_and(|n| !n.is_empty()), "{resume}");
}

#[test]
fn extraction_failures_say_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = r2w_isolated(dir.path()).arg("extract").arg(extract_fixture("bad/photo.png")).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("photo.png") && stderr.contains("PDF"), "{stderr}");

    let out = r2w_isolated(dir.path())
        .args(["extract", "--extractor", "anthropic"])
        .arg(extract_fixture("txt/01-en-classic.txt"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ANTHROPIC_API_KEY"));
}

#[test]
fn the_api_key_and_endpoint_come_from_dot_env() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(wiremock::MockServer::start());
    let answer = serde_json::json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
        "content": [{ "type": "tool_use", "id": "t1", "name": "record_cv",
                      "input": { "hero": { "fullName": "Olivia Bennett" } } }],
        "stop_reason": "tool_use", "usage": { "input_tokens": 1, "output_tokens": 1 }
    });
    runtime.block_on(
        wiremock::Mock::given(wiremock::matchers::header("x-api-key", "key-from-dot-env"))
            .and(wiremock::matchers::body_partial_json(serde_json::json!({ "model": "claude-test" })))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(answer))
            .expect(2)
            .mount(&server),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let env = format!(
        "ANTHROPIC_API_KEY=key-from-dot-env\nR2W_ANTHROPIC_MODEL=claude-test\nR2W_ANTHROPIC_BASE_URL={}\n",
        server.uri()
    );
    std::fs::write(dir.path().join(".env"), env).expect("write .env");
    for _ in 0..2 {
        let out = r2w_isolated(dir.path())
            .arg("extract")
            .arg(extract_fixture("txt/01-en-classic.txt"))
            .output()
            .expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let cv = CvData::from_json(&out.stdout).expect("CV data");
        assert_eq!(cv.metadata.extraction_method, Some(r2w_core::model::ExtractionMethod::Llm));
        assert_eq!(cv.metadata.extraction_model.as_deref(), Some("claude-test"));
    }
    // Twice: the command line reads a file for nobody's account, so nothing of it is cached.
    runtime.block_on(server.verify());
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, [".env"], "reading a CV leaves no database, key or cache behind");
}

#[test]
fn builds_a_site_from_cv_data_or_json_resume() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out =
        r2w().args(["convert", "--to", "json-resume"]).arg(fixture("full-every-field.json")).output().expect("run");
    let resume = dir.path().join("resume.json");
    std::fs::write(&resume, &out.stdout).expect("write");
    for (input, theme) in [(fixture("full-every-field.json"), "modern"), (resume, "minimal")] {
        let site = dir.path().join(theme);
        let out = r2w()
            .arg("build")
            .arg(&input)
            .args(["--theme", theme, "--url", "https://r2w.example/amelia"])
            .arg("--out")
            .arg(&site)
            .output()
            .expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let index = std::fs::read_to_string(site.join("index.html")).expect("index.html");
        assert!(index.contains("<h1>Amelia Hartley</h1>"));
        assert!(index.contains(&format!("class=\"theme-{theme}\"")));
        assert!(index.contains("<link rel=\"canonical\" href=\"https://r2w.example/amelia/\">"));
        for file in ["404.html", "resume.json", "contact.vcf", "robots.txt", "sitemap.xml"] {
            assert!(site.join(file).is_file(), "{file}");
        }
    }
    let bad = r2w()
        .arg("build")
        .arg(fixture("minimal-name-only.json"))
        .args(["--theme", "neon", "--out"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("classic, modern and minimal"));

    let themes = r2w().arg("themes").output().expect("run");
    let listed = String::from_utf8_lossy(&themes.stdout).into_owned();
    assert!(["classic", "modern", "minimal"].iter().all(|t| listed.contains(t)), "{listed}");
}

/// A one-CV corpus: a text file and its truth as a JSON Resume document.
fn tiny_corpus(dir: &Path) {
    let renderer = dir.join("corpus/plain");
    std::fs::create_dir_all(&renderer).expect("mkdir");
    std::fs::write(renderer.join("dana.txt"), "Dana Levi\nBackend Engineer\ndana.levi@example.com\n").expect("cv");
    let truth = serde_json::json!({
        "basics": { "name": "Dana Levi", "label": "Backend Engineer", "email": "dana.levi@example.com" },
        "x-r2w": { "metadata": { "sourceLanguage": "en" } }
    });
    std::fs::write(renderer.join("dana.truth.json"), truth.to_string()).expect("truth");
}

#[test]
fn eval_scores_the_heuristic_on_a_corpus_and_fails_below_the_bar() {
    let dir = tempfile::tempdir().expect("tempdir");
    tiny_corpus(dir.path());
    let out = r2w_isolated(dir.path()).args(["eval", "corpus", "--held-out", "plain"]).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "| name | 1.000 | 1.000 | 1.000 |",
        "| **all fields** |",
        "| txt |",
        "| en |",
        "| plain |",
        "held-out renderers F1",
        "Time per CV",
    ] {
        assert!(report.contains(expected), "{expected} missing from:\n{report}");
    }
    let strict = r2w_isolated(dir.path()).args(["eval", "corpus", "--min-f1", "1.01"]).output().expect("run");
    assert!(!strict.status.success(), "below the bar is an error");
    assert!(String::from_utf8_lossy(&strict.stderr).contains("below 1.01"));
    let empty = r2w_isolated(dir.path()).args(["eval", "."]).current_dir(dir.path().join("corpus/plain")).output();
    assert!(empty.expect("run").status.success(), "a folder that is the corpus itself works too");

    // What a file missed, listed for tuned renderers only.
    let truth = serde_json::json!({ "basics": { "name": "Dana Levi", "label": "Staff Engineer" } });
    std::fs::write(dir.path().join("corpus/plain/dana.truth.json"), truth.to_string()).expect("truth");
    let misses = r2w_isolated(dir.path()).args(["eval", "corpus", "--misses"]).output().expect("run");
    let listed = String::from_utf8_lossy(&misses.stdout);
    assert!(listed.contains("dana.txt\n  title: truth \"staff engineer\" found \"backend engineer\""), "{listed}");
    assert!(listed.contains("  email: truth - found \"dana.levi@example.com\""), "{listed}");
    let blind = r2w_isolated(dir.path()).args(["eval", "corpus", "--misses", "--held-out", "plain"]).output();
    let blind = String::from_utf8_lossy(&blind.expect("run").stdout).into_owned();
    assert!(!blind.contains("truth \"staff engineer\""), "a held-out file's misses are not shown: {blind}");
}

#[test]
fn eval_measures_claude_with_tokens_and_cost_per_cv() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(wiremock::MockServer::start());
    let answer = serde_json::json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-opus-5",
        "content": [{ "type": "tool_use", "id": "t1", "name": "record_cv",
                      "input": { "hero": { "fullName": "Dana Levi" }, "contact": { "email": "dana.levi@example.com" } } }],
        "stop_reason": "tool_use",
        "usage": { "input_tokens": 200, "output_tokens": 100, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 6000 }
    });
    runtime.block_on(
        wiremock::Mock::given(wiremock::matchers::header("x-api-key", "key-for-eval"))
            .and(wiremock::matchers::body_partial_json(serde_json::json!({
                "model": "claude-opus-5",
                "system": [{ "cache_control": { "type": "ephemeral" } }]
            })))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(answer))
            .expect(1)
            .mount(&server),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    tiny_corpus(dir.path());
    let env = format!(
        "ANTHROPIC_API_KEY=key-for-eval\nR2W_ANTHROPIC_MODEL=claude-opus-5\nR2W_ANTHROPIC_BASE_URL={}\n",
        server.uri()
    );
    std::fs::write(dir.path().join(".env"), env).expect("write .env");
    let out = r2w_isolated(dir.path()).args(["eval", "corpus", "--extractor", "anthropic"]).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("Tokens per CV (mean): input 200, cache write 0, cache read 6000, output 100."),
        "{report}"
    );
    // 200 x $5 + 100 x $25 + 6,000 x $0.50 per million tokens.
    assert!(report.contains("Cost per CV (mean): $0.0065 at claude-opus-5's prices."), "{report}");
    assert!(report.contains("| title | 1.000 | 0.000 | 0.000 |"), "what Claude did not find is scored: {report}");
    runtime.block_on(server.verify());
}

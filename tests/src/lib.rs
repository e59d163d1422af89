//! End-to-end scenarios live in tests/; what several of them need is here.
pub mod cloudfront;

use std::io::Write;
use std::process::{Command, Stdio};

/// The `Stripe-Signature` Stripe's own library (npm `stripe`) makes for `payload` at `timestamp`
/// (unix seconds), as Stripe would deliver it.
pub fn stripe_signature(payload: &str, secret: &str, timestamp: i64) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut node = Command::new("node")
        .arg("functions/stripe-webhook/tests/support/sign.mjs")
        .arg(secret)
        .arg(timestamp.to_string())
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (make tools installs the npm packages)");
    node.stdin.take().expect("stdin").write_all(payload.as_bytes()).expect("payload");
    let output = node.wait_with_output().expect("signed");
    assert!(output.status.success(), "sign.mjs failed");
    String::from_utf8(output.stdout).expect("header")
}

/// A request to a handler as API Gateway hands it over: `path` on the local host, with the
/// bearer `token` and JSON `body` when given.
pub fn api_request(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> lambda_http::Request {
    use lambda_http::Body;
    let mut builder = lambda_http::http::Request::builder().method(method).uri(format!("http://127.0.0.1:8080{path}"));
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    builder.body(body.map_or(Body::Empty, |b| Body::Text(b.to_string()))).expect("a well-formed request")
}

/// A handler's answer as JSON (`Null` when it is not JSON).
pub fn json_body(response: &lambda_http::Response<lambda_http::Body>) -> serde_json::Value {
    serde_json::from_slice(response.body().as_ref()).unwrap_or(serde_json::Value::Null)
}

/// Now, in unix seconds (what a fresh delivery is signed with).
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Sends what the handlers log in this test process, as JSON lines the way Lambda logs them, to
/// `target/test-logs/{test binary}-{pid}.jsonl`: the secrets scan (scripts/secrets-scan.py, run
/// by scripts/test.sh) reads them for keys, tokens and passwords that must never be logged.
/// Once per process; later calls do nothing.
pub fn record_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-logs");
        let binary = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "tests".into());
        let file = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::File::create(dir.join(format!("{binary}-{}.jsonl", std::process::id()))));
        if let Ok(file) = file {
            let subscriber =
                r2w_core::telemetry::subscriber(r2w_core::config::LogFormat::Json, std::sync::Mutex::new(file));
            let _ = tracing::subscriber::set_global_default(subscriber);
        }
    });
}

/// The local AWS emulator (moto) that `make test` starts; the AWS adapters are tested on it.
pub fn emulator() -> String {
    std::env::var("R2W_TEST_AWS_ENDPOINT")
        .unwrap_or_else(|_| panic!("R2W_TEST_AWS_ENDPOINT is not set: run `make test` (it starts a moto server)"))
}

/// An SDK configuration that talks to the emulator at `endpoint`, with its dummy credentials.
/// Made the way a Lambda function makes its own ([`r2w_aws::from_environment`]), so the adapter
/// contracts run on that configuration.
pub async fn emulator_sdk(endpoint: &str) -> aws_types::SdkConfig {
    let var = |name: &str| match name {
        "AWS_REGION" => Some("us-east-1".to_owned()),
        "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY" => Some("testing".to_owned()),
        "AWS_ENDPOINT_URL" => Some(endpoint.to_owned()),
        _ => None,
    };
    r2w_aws::from_environment(var).expect("the emulator's configuration")
}

/// A name no other run of the suite uses (tables, buckets, state machines on the emulator).
pub fn unique(kind: &str) -> String {
    format!("r2w-{kind}-{}", uuid::Uuid::new_v4().simple())
}

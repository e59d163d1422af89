//! End-to-end scenarios live in tests/; what several of them need is here.

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

/// Now, in unix seconds (what a fresh delivery is signed with).
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

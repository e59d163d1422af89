//! The Claude path against a local server that speaks the Messages API: it checks each request
//! as Anthropic would (key, version, model, temperature 0, the forced tool) and answers the way
//! the API does, including its errors.

use std::time::Duration;

use r2w_core::config::AnthropicSettings;
use r2w_core::model::{ExtractionMethod, cv_json_schema};
use r2w_core::secrets::SecretString;
use r2w_extract::llm::{ANTHROPIC_VERSION, Claude, ClaudeConfig, LlmError, Source, TOOL_NAME, Usage};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "test-key-not-a-secret";
const MODEL: &str = "claude-opus-5";
const CV_TEXT: &str =
    "Dana Levi\nBackend Engineer\ndana.levi@example.com | +972 52-555-0142\nhttps://github.com/dlevi\n";

fn config(server: &MockServer) -> ClaudeConfig {
    ClaudeConfig {
        base_url: server.uri(),
        timeout: Duration::from_secs(5),
        max_retries: 2,
        base_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_secs(2),
        ..ClaudeConfig::new(&AnthropicSettings { model: MODEL.into(), ..AnthropicSettings::default() })
    }
}

fn key() -> SecretString {
    SecretString::from(KEY.to_owned())
}

fn tool_answer(input: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "msg_test", "type": "message", "role": "assistant", "model": MODEL,
        "content": [{ "type": "tool_use", "id": "toolu_test", "name": TOOL_NAME, "input": input }],
        "stop_reason": "tool_use", "usage": { "input_tokens": 900, "output_tokens": 300 }
    }))
}

fn api_error(status: u16, kind: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({ "type": "error", "error": { "type": kind, "message": "try later" } }))
}

fn good_input() -> Value {
    json!({
        "schemaVersion": 1,
        "metadata": { "sourceLanguage": "en" },
        "hero": { "fullName": "  Dana   Levi ", "professionalTitle": "Backend Engineer" },
        "contact": { "email": "dana.levi@example.com", "phone": "+972 52-555-0142",
                     "links": [{ "network": "GitHub", "url": "https://github.com/dlevi" }] }
    })
}

/// Mounts a mock that only answers requests shaped as the Messages API requires.
async fn expect_request(server: &MockServer, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", KEY))
        .and(header("anthropic-version", ANTHROPIC_VERSION))
        .and(body_partial_json(json!({
            "model": MODEL, "temperature": 0,
            "tool_choice": { "type": "tool", "name": TOOL_NAME },
        })))
        .respond_with(answer)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_valid_tool_answer_becomes_checked_cv_data() {
    let server = MockServer::start().await;
    expect_request(&server, tool_answer(good_input())).await;
    let cv =
        Claude::new(config(&server)).expect("client").extract(&key(), Source::Text(CV_TEXT)).await.expect("extraction");
    assert_eq!(cv.hero.full_name.as_deref(), Some("Dana Levi"), "whitespace normalised");
    assert_eq!(cv.contact.email.as_deref(), Some("dana.levi@example.com"));
    assert_eq!(cv.metadata.extraction_method, Some(ExtractionMethod::Llm));
    assert_eq!(cv.metadata.extraction_model.as_deref(), Some(MODEL));
    assert!(cv.metadata.warnings.is_empty(), "{:?}", cv.metadata.warnings);

    let requests = server.received_requests().await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&requests[0].body).expect("json body");
    let mut schema = cv_json_schema();
    let hidden = schema["properties"].as_object_mut().and_then(|p| p.remove("hidden"));
    assert!(hidden.is_some(), "the CV schema has `hidden`");
    assert_eq!(body["tools"][0]["input_schema"], schema, "the tool schema is the CV schema less what the person hides");
    assert!(body.get("thinking").is_none(), "extended thinking stays off so temperature 0 applies");
    assert!(body["messages"][0]["content"][0]["text"].as_str().is_some_and(|t| t.contains("Dana Levi")));
}

#[tokio::test]
async fn the_unchanging_prefix_is_marked_for_prompt_caching_and_usage_is_reported() {
    let server = MockServer::start().await;
    let answer = ResponseTemplate::new(200).set_body_json(json!({
        "id": "msg_test", "type": "message", "role": "assistant", "model": MODEL,
        "content": [{ "type": "tool_use", "id": "toolu_test", "name": TOOL_NAME, "input": good_input() }],
        "stop_reason": "tool_use",
        "usage": { "input_tokens": 412, "output_tokens": 300, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 5120 }
    }));
    expect_request(&server, answer).await;
    let (cv, usage) = Claude::new(config(&server))
        .expect("client")
        .extract_with_usage(&key(), Source::Text(CV_TEXT))
        .await
        .expect("extraction");
    assert_eq!(cv.hero.full_name.as_deref(), Some("Dana Levi"));
    assert_eq!(
        usage,
        Usage { input_tokens: 412, output_tokens: 300, cache_creation_input_tokens: 0, cache_read_input_tokens: 5120 }
    );

    let requests = server.received_requests().await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&requests[0].body).expect("json body");
    // The cache covers tools, then system: one breakpoint at the end of the system prompt.
    let system = body["system"].as_array().expect("system as content blocks");
    assert_eq!(system.last().map(|b| &b["cache_control"]), Some(&json!({ "type": "ephemeral" })));
    assert!(system[0]["text"].as_str().is_some_and(|t| t.contains("Zero fabrication")));
    let user = &body["messages"][0]["content"];
    assert!(!user.to_string().contains("cache_control"), "the CV itself changes every time: not cached");
}

#[tokio::test]
async fn a_scanned_pdf_is_sent_as_a_document() {
    let server = MockServer::start().await;
    expect_request(&server, tool_answer(json!({ "hero": { "fullName": "Dana Levi" } }))).await;
    let pdf = b"%PDF-1.4 scanned";
    let cv = Claude::new(config(&server))
        .expect("client")
        .extract(&key(), Source::Pdf { bytes: pdf, text: "" })
        .await
        .expect("extraction");
    assert_eq!(cv.hero.full_name.as_deref(), Some("Dana Levi"));
    assert!(cv.metadata.warnings.iter().any(|w| w.contains("scanned PDF")), "{:?}", cv.metadata.warnings);
    let requests = server.received_requests().await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&requests[0].body).expect("json body");
    assert_eq!(body["messages"][0]["content"][0]["type"], "document");
    assert_eq!(body["messages"][0]["content"][0]["source"]["media_type"], "application/pdf");
}

#[tokio::test]
async fn malformed_tool_input_is_refused() {
    for input in [
        json!({ "experience": [{ "dates": { "start": "last spring" } }] }),
        json!({ "hero": "Dana" }),
        json!({ "nickname": "D" }),
        // Hiding is the person's choice: an answer that hides anything is not a CV reading.
        json!({ "hero": { "fullName": "Dana Levi" }, "hidden": ["/hero/fullName"] }),
    ] {
        let server = MockServer::start().await;
        expect_request(&server, tool_answer(input.clone())).await;
        let err = Claude::new(config(&server))
            .expect("client")
            .extract(&key(), Source::Text(CV_TEXT))
            .await
            .expect_err("invalid");
        assert!(matches!(err, LlmError::InvalidOutput(_)), "{input}: {err:?}");
        if input.get("experience").is_some() {
            // Where the answer is wrong, so a failed extraction's log says what to look at.
            assert!(err.to_string().contains("/experience/0/dates/start"), "{err}");
        }
    }
    let server = MockServer::start().await;
    expect_request(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({ "content": [{ "type": "text", "text": "Sure!" }] })),
    )
    .await;
    let err = Claude::new(config(&server))
        .expect("client")
        .extract(&key(), Source::Text(CV_TEXT))
        .await
        .expect_err("no tool call");
    assert!(matches!(err, LlmError::InvalidOutput(_)), "{err:?}");
}

#[tokio::test]
async fn fabricated_contacts_are_dropped_with_a_warning() {
    let server = MockServer::start().await;
    let mut input = good_input();
    input["contact"]["email"] = json!("dana@invented.example");
    input["contact"]["links"] =
        json!([{ "url": "https://linkedin.com/in/made-up" }, { "url": "https://github.com/dlevi" }]);
    expect_request(&server, tool_answer(input)).await;
    let cv =
        Claude::new(config(&server)).expect("client").extract(&key(), Source::Text(CV_TEXT)).await.expect("extraction");
    assert_eq!(cv.contact.email, None);
    assert_eq!(cv.contact.phone.as_deref(), Some("+972 52-555-0142"), "a real phone is kept");
    assert_eq!(cv.contact.links.len(), 1);
    assert_eq!(cv.metadata.warnings.len(), 2, "{:?}", cv.metadata.warnings);
    assert!(cv.metadata.warnings[0].contains("dana@invented.example"));
}

/// Answers with `first` once, then with a valid tool call.
async fn fail_once_then_succeed(server: &MockServer, first: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    expect_request(server, tool_answer(good_input())).await;
}

#[tokio::test]
async fn rate_limits_are_retried_after_the_time_the_api_asks() {
    let server = MockServer::start().await;
    fail_once_then_succeed(&server, api_error(429, "rate_limit_error").insert_header("retry-after", "1")).await;
    let started = std::time::Instant::now();
    let cv = Claude::new(config(&server))
        .expect("client")
        .extract(&key(), Source::Text(CV_TEXT))
        .await
        .expect("second attempt");
    assert!(started.elapsed() >= Duration::from_millis(950), "waited for retry-after");
    assert_eq!(cv.hero.full_name.as_deref(), Some("Dana Levi"));
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 2);
}

#[tokio::test]
async fn overload_is_retried_and_persistent_overload_is_unavailable() {
    let server = MockServer::start().await;
    fail_once_then_succeed(&server, api_error(529, "overloaded_error")).await;
    Claude::new(config(&server)).expect("client").extract(&key(), Source::Text(CV_TEXT)).await.expect("retried");

    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(api_error(529, "overloaded_error")).mount(&server).await;
    let err = Claude::new(config(&server))
        .expect("client")
        .extract(&key(), Source::Text(CV_TEXT))
        .await
        .expect_err("overloaded");
    assert!(
        matches!(err, LlmError::Unavailable(ref m) if m.contains("529") && m.contains("overloaded_error")),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 3, "one call and two retries");
}

#[tokio::test]
async fn a_slow_api_times_out_as_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(tool_answer(good_input()).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let config = ClaudeConfig { timeout: Duration::from_millis(200), max_retries: 1, ..config(&server) };
    let err = Claude::new(config).expect("client").extract(&key(), Source::Text(CV_TEXT)).await.expect_err("timeout");
    assert!(matches!(err, LlmError::Unavailable(ref m) if m.contains("timed out")), "{err:?}");
}

#[tokio::test]
async fn a_bad_key_is_refused_without_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(api_error(401, "authentication_error")).mount(&server).await;
    let err =
        Claude::new(config(&server)).expect("client").extract(&key(), Source::Text(CV_TEXT)).await.expect_err("401");
    assert!(matches!(err, LlmError::Refused(_)), "{err:?}");
    assert!(!err.to_string().contains(KEY), "the key never appears in errors");
    let requests: Vec<Request> = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
}

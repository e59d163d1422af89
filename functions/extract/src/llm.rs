//! Claude extraction over Anthropic's Messages API.
//!
//! The answer is forced through one tool whose `input_schema` is the CV JSON Schema
//! (`tool_choice` names it), at temperature 0 with extended thinking off. The tool input is
//! untrusted: it is parsed strictly into the CV model the schema is made from (an unknown field,
//! a wrong type or an unreadable date is refused), normalised, and checked for fabrication —
//! every e-mail, phone number and URL must occur in the CV's own text, or it is dropped with a
//! warning.

use std::sync::LazyLock;
use std::time::Duration;

use r2w_core::config::AnthropicSettings;
use r2w_core::model::{CvData, ExtractionMethod, cv_json_schema};
use r2w_core::secrets::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};

/// Bumped whenever the prompt or the tool changes; part of the extraction cache key.
pub const PROMPT_VERSION: &str = "cv-extract-v1";
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
pub const TOOL_NAME: &str = "record_cv";

const SYSTEM_PROMPT: &str = "You turn the text of one CV into structured data by calling the record_cv tool exactly once.
Rules:
- Zero fabrication: record only what the CV states. Leave a field empty when the CV does not state it; never guess, infer or complete (no invented dates, e-mails, links, companies or skills).
- Keep the CV's own language and wording; do not translate or rephrase. Set metadata.sourceLanguage to the BCP 47 tag of the language the CV is written in.
- Dates: YYYY, YYYY-MM or YYYY-MM-DD at the precision the CV gives. A role or study still going on has dates.isCurrent true and no end.
- Keep bullet points as separate list items.
- Put any text that fits no section into unclassifiedText, so nothing in the CV is lost.";

/// How to reach Claude. The API key is passed per call, so a rotated key is picked up without
/// a new client.
#[derive(Debug, Clone)]
pub struct ClaudeConfig {
    pub base_url: String,
    pub model: String,
    /// Per attempt (the Lambda timeout is set above it).
    pub timeout: Duration,
    pub max_retries: u32,
    /// The first backoff; each retry doubles it (with full jitter) up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    pub max_tokens: u32,
}

impl ClaudeConfig {
    pub fn new(settings: &AnthropicSettings) -> Self {
        Self {
            base_url: settings.base_url.as_str().trim_end_matches('/').to_owned(),
            model: settings.model.clone(),
            timeout: Duration::from_secs(120),
            max_retries: 3,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_tokens: 16_000,
        }
    }
}

/// What Claude reads: the extracted text, or (for a scan or a PDF with little text) the PDF.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Text(&'a str),
    Pdf { bytes: &'a [u8], text: &'a str },
}

impl Source<'_> {
    fn text(&self) -> &str {
        match self {
            Self::Text(text) | Self::Pdf { text, .. } => text,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// Worth trying again later (and what opens the circuit breaker): rate limits, overload,
    /// server errors, timeouts, network failures — after the retries were spent.
    #[error("Claude is unavailable: {0}")]
    Unavailable(String),
    /// Our request or configuration is wrong (bad key, unknown model); retrying will not help.
    #[error("Claude refused the request: {0}")]
    Refused(String),
    /// The answer was not a valid CV.
    #[error("Claude's answer was not valid CV data: {0}")]
    InvalidOutput(String),
}

pub struct Claude {
    http: reqwest::Client,
    config: ClaudeConfig,
}

/// The CV schema less `hidden`: what to keep off a site is the person's choice, never the
/// extractor's (and the tool stays what it was before the field existed).
static CV_SCHEMA: LazyLock<Value> = LazyLock::new(|| {
    let mut schema = cv_json_schema();
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        properties.remove("hidden");
    }
    schema
});

#[derive(Deserialize)]
struct MessagesResponse {
    #[serde(default)]
    content: Vec<Value>,
    #[serde(default)]
    usage: Usage,
}

/// What one call cost, as the Messages API's `usage` reports it. Tokens read from or written to
/// the prompt cache are counted apart from `input_tokens`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub input_tokens: u64,
    #[serde(default)]
    pub output_tokens: u64,
    #[serde(default)]
    pub cache_creation_input_tokens: u64,
    #[serde(default)]
    pub cache_read_input_tokens: u64,
}

impl Claude {
    pub fn new(config: ClaudeConfig) -> Result<Self, LlmError> {
        let http = r2w_http::http_client()
            .timeout(config.timeout)
            .build()
            .map_err(|e| LlmError::Refused(format!("HTTP client: {e}")))?;
        Ok(Self { http, config })
    }

    pub fn model(&self) -> &str {
        &self.config.model
    }

    /// The request body: model, temperature 0, the system prompt, the tool and the CV.
    pub fn request_body(&self, source: Source<'_>) -> Value {
        use base64::Engine;
        let content = match source {
            Source::Text(text) => json!([{ "type": "text", "text": format!("The CV:\n\n{text}") }]),
            Source::Pdf { bytes, .. } => json!([
                { "type": "document", "source": {
                    "type": "base64", "media_type": "application/pdf",
                    "data": base64::engine::general_purpose::STANDARD.encode(bytes) } },
                { "type": "text", "text": "The CV is the attached PDF." }
            ]),
        };
        json!({
            "model": self.config.model,
            "max_tokens": self.config.max_tokens,
            "temperature": 0,
            // Tools, then system, then messages is the order a cached prefix is read in: the
            // breakpoint on the system prompt caches the tool's schema (thousands of tokens)
            // with it, so each CV after the first pays a tenth of the price for them.
            "system": [{ "type": "text", "text": SYSTEM_PROMPT, "cache_control": { "type": "ephemeral" } }],
            "tools": [{
                "name": TOOL_NAME,
                "description": "Record the CV's content in 18 sections. Only what the CV states.",
                "input_schema": &*CV_SCHEMA,
            }],
            "tool_choice": { "type": "tool", "name": TOOL_NAME },
            "messages": [{ "role": "user", "content": content }],
        })
    }

    /// Sends the CV, retrying what is worth retrying, and returns checked CV data.
    pub async fn extract(&self, api_key: &SecretString, source: Source<'_>) -> Result<CvData, LlmError> {
        self.extract_with_usage(api_key, source).await.map(|(cv, _)| cv)
    }

    /// [`Claude::extract`], with what the successful call cost.
    pub async fn extract_with_usage(
        &self,
        api_key: &SecretString,
        source: Source<'_>,
    ) -> Result<(CvData, Usage), LlmError> {
        let body = self.request_body(source);
        let url = format!("{}/v1/messages", self.config.base_url.trim_end_matches('/'));
        let mut attempt = 0;
        loop {
            let outcome = self
                .http
                .post(&url)
                .header("x-api-key", api_key.expose_secret())
                .header("anthropic-version", ANTHROPIC_VERSION)
                .json(&body)
                .send()
                .await;
            let wait = match outcome {
                Ok(response) if response.status().is_success() => {
                    let answer: MessagesResponse = response
                        .json()
                        .await
                        .map_err(|e| LlmError::InvalidOutput(format!("not a Messages response: {e}")))?;
                    return checked_cv(&answer, source, &self.config.model).map(|cv| (cv, answer.usage));
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let detail = response.text().await.unwrap_or_default();
                    let detail = error_message(&detail).unwrap_or_else(|| format!("HTTP {status}"));
                    if !matches!(status, 408 | 409 | 429 | 500..=599) {
                        return Err(LlmError::Refused(format!("HTTP {status}: {detail}")));
                    }
                    if attempt >= self.config.max_retries {
                        return Err(LlmError::Unavailable(format!("HTTP {status}: {detail}")));
                    }
                    retry_after.map(|d| d.min(self.config.max_backoff)).unwrap_or_else(|| self.backoff(attempt))
                }
                Err(e) => {
                    if attempt >= self.config.max_retries {
                        let what = if e.is_timeout() { "timed out" } else { "network error" };
                        return Err(LlmError::Unavailable(format!("{what}: {e}")));
                    }
                    self.backoff(attempt)
                }
            };
            tracing::warn!(attempt, wait_ms = wait.as_millis() as u64, "Claude call failed; retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Exponential backoff with full jitter: a random wait up to base * 2^attempt.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self.config.base_backoff.saturating_mul(1 << attempt.min(16)).min(self.config.max_backoff);
        let mut random = [0u8; 8];
        let fraction = match getrandom::fill(&mut random) {
            Ok(()) => (u64::from_le_bytes(random) % 1000) as f64 / 1000.0,
            Err(_) => 0.5,
        };
        ceiling.mul_f64(fraction.max(0.1))
    }
}

fn error_message(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    let error = value.get("error")?;
    Some(format!(
        "{} ({})",
        error.get("message").and_then(Value::as_str).unwrap_or("no message"),
        error.get("type").and_then(Value::as_str).unwrap_or("error")
    ))
}

/// The tool input, parsed strictly, normalised and checked for values that are not in the
/// source text.
fn checked_cv(answer: &MessagesResponse, source: Source<'_>, model: &str) -> Result<CvData, LlmError> {
    let input = answer
        .content
        .iter()
        .find(|block| block.get("type") == Some(&json!("tool_use")) && block.get("name") == Some(&json!(TOOL_NAME)))
        .and_then(|block| block.get("input"))
        .ok_or_else(|| LlmError::InvalidOutput("no record_cv tool call in the answer".into()))?;
    let mut input = input.clone();
    if let Some(object) = input.as_object_mut() {
        object.entry("schemaVersion").or_insert(json!(r2w_core::model::CV_SCHEMA_VERSION));
    }
    // The tool's schema has no `hidden`; everything else it says, `CvData::from_json` checks
    // itself (unknown fields, types, dates), with the JSON Pointer of what is wrong.
    if input.get("hidden").is_some() {
        return Err(LlmError::InvalidOutput("the answer hides fields, which is the person's choice".into()));
    }
    let mut cv = CvData::from_json(input.to_string().as_bytes()).map_err(|e| LlmError::InvalidOutput(e.to_string()))?;
    normalise(&mut cv);
    if source.text().trim().is_empty() {
        // A scan read by Claude from the PDF itself: there is no text layer to check against.
        cv.metadata.warnings.push(
            "the CV was read from a scanned PDF; check the contact details, they could not be verified against its text"
                .into(),
        );
    } else {
        drop_fabrications(&mut cv, source.text());
    }
    cv.metadata.extraction_method = Some(ExtractionMethod::Llm);
    cv.metadata.extraction_model = Some(model.to_owned());
    Ok(cv)
}

/// Trims every string and empties blank ones, through the JSON form so no field is missed.
fn normalise(cv: &mut CvData) {
    fn walk(value: &mut Value) {
        match value {
            Value::String(s) => {
                let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
                *s = collapsed;
            }
            Value::Array(items) => {
                items.iter_mut().for_each(walk);
                items.retain(|v| !matches!(v, Value::String(s) if s.is_empty()));
            }
            Value::Object(map) => {
                map.values_mut().for_each(walk);
                map.retain(|_, v| !matches!(v, Value::String(s) if s.is_empty()));
            }
            _ => {}
        }
    }
    let Ok(mut value) = serde_json::to_value(&*cv) else { return };
    walk(&mut value);
    if let Ok(clean) = serde_json::from_value(value) {
        *cv = clean;
    }
}

/// Characters that matter when comparing contact details with the source.
fn squeeze(text: &str, keep: fn(char) -> bool) -> String {
    text.chars().filter(|c| keep(*c)).flat_map(char::to_lowercase).collect()
}

/// Drops e-mails, phone numbers and URLs that do not occur in the CV's text, with a warning.
fn drop_fabrications(cv: &mut CvData, source_text: &str) {
    let source_compact = squeeze(source_text, |c| !c.is_whitespace());
    let source_digits = squeeze(source_text, |c| c.is_ascii_digit());
    let mut warnings = Vec::new();
    let mut check = |field: &str, value: &mut Option<String>, present: &dyn Fn(&str) -> bool| {
        if let Some(v) = value.as_deref()
            && !present(v)
        {
            warnings.push(format!("{field} {v:?} does not appear in the CV and was dropped"));
            *value = None;
        }
    };
    let text_present = |v: &str| source_compact.contains(&squeeze(v, |c| !c.is_whitespace()));
    let url_present = |v: &str| {
        let bare = v
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("www.")
            .trim_end_matches('/');
        source_compact.contains(&squeeze(bare, |c| !c.is_whitespace()))
    };
    let phone_present = |v: &str| {
        let digits = squeeze(v, |c| c.is_ascii_digit());
        !digits.is_empty() && source_digits.contains(&digits)
    };
    check("e-mail", &mut cv.contact.email, &text_present);
    check("phone", &mut cv.contact.phone, &phone_present);
    check("website", &mut cv.contact.website, &url_present);
    check("photo", &mut cv.hero.photo_url, &url_present);
    for link in &mut cv.contact.links {
        check("link", &mut link.url, &url_present);
    }
    cv.contact.links.retain(|l| l.url.is_some() || l.username.is_some());
    for (i, job) in cv.experience.iter_mut().enumerate() {
        check(&format!("experience[{i}] url"), &mut job.url, &url_present);
    }
    for (i, project) in cv.projects.iter_mut().enumerate() {
        check(&format!("projects[{i}] url"), &mut project.url, &url_present);
    }
    for (i, cert) in cv.certifications.iter_mut().enumerate() {
        check(&format!("certifications[{i}] url"), &mut cert.url, &url_present);
    }
    cv.metadata.warnings.extend(warnings);
}

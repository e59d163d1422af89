//! Structured logs: one JSON object per line in Lambda (CloudWatch Logs Insights queries the
//! fields), readable lines locally. Request and job ids travel as span fields, so every line
//! logged while handling them carries the id.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing::Span;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

use crate::config::LogFormat;

/// Installs the global subscriber once; later calls (tests, a second init) do nothing.
/// The level comes from `RUST_LOG` (default `info`): a level, or `target=level` pairs
/// (`warn,r2w_auth=debug`).
pub fn init(format: LogFormat) {
    let _ = tracing::subscriber::set_global_default(subscriber(format, std::io::stderr));
}

/// A subscriber writing to `writer`, for `init` and for tests that read what was logged.
pub fn subscriber<W>(format: LogFormat, writer: W) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = level_filter(std::env::var("RUST_LOG").ok().as_deref());
    // The builder's own cap (INFO) lifted: what is logged is the filter's to say.
    let builder = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(writer);
    match format {
        // Lambda adds its own timestamp and request id to each line; ours are for local reading
        // and for grouping lines of one job across functions.
        LogFormat::Json => Box::new(
            builder.json().flatten_event(true).with_current_span(true).with_span_list(true).finish().with(filter),
        ),
        LogFormat::Text => Box::new(builder.compact().finish().with(filter)),
    }
}

/// What `RUST_LOG` lets through; `info` when it is unset or unreadable. `Targets`, not
/// `EnvFilter`: span and field directives are not used here, and `EnvFilter`'s regex engine
/// weighed ~140 KiB in every function.
fn level_filter(spec: Option<&str>) -> Targets {
    spec.and_then(|spec| spec.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO))
}

/// The span of one HTTP request; `request_id` is API Gateway's (or a generated one locally).
pub fn request_span(request_id: &str, method: &str, path: &str) -> Span {
    tracing::info_span!("request", request_id, method, path)
}

/// The span of one pipeline job across upload, extract and build.
pub fn job_span(job_id: &str) -> Span {
    tracing::info_span!("job", job_id)
}

/// A writer that keeps what is logged, for tests that read the lines ([`subscriber`] over it).
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    /// Everything written so far.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLogs {
    type Writer = CapturedLogs;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged_lines(format: LogFormat) -> String {
        let captured = CapturedLogs::default();
        tracing::subscriber::with_default(subscriber(format, captured.clone()), || {
            let _job = job_span("job-42").entered();
            let _request = request_span("req-7", "GET", "/v1/jobs/job-42").entered();
            tracing::info!(step = "extract", "step finished");
        });
        captured.text()
    }

    #[test]
    fn json_lines_carry_the_ids_as_fields() {
        let output = logged_lines(LogFormat::Json);
        let line: serde_json::Value = serde_json::from_str(output.trim()).expect("one JSON object");
        assert_eq!(line["message"], "step finished");
        assert_eq!(line["step"], "extract");
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["span"]["request_id"], "req-7");
        assert_eq!(line["spans"][0]["job_id"], "job-42");
    }

    #[test]
    fn text_lines_are_readable_and_carry_the_ids() {
        let output = logged_lines(LogFormat::Text);
        assert!(output.contains("step finished") && output.contains("req-7") && output.contains("job-42"), "{output}");
    }

    #[test]
    fn rust_log_sets_the_level_per_target_and_info_is_the_default() {
        use tracing::Level;
        let default = level_filter(None);
        assert!(default.would_enable("r2w_auth", &Level::INFO) && !default.would_enable("r2w_auth", &Level::DEBUG));
        let quiet = level_filter(Some("warn,r2w_auth=debug"));
        assert!(!quiet.would_enable("hyper", &Level::INFO) && quiet.would_enable("hyper", &Level::WARN));
        assert!(quiet.would_enable("r2w_auth::login", &Level::DEBUG));
        let unreadable = level_filter(Some("r2w_auth=loud"));
        assert!(
            unreadable.would_enable("r2w_auth", &Level::INFO) && !unreadable.would_enable("r2w_auth", &Level::DEBUG)
        );
    }
}

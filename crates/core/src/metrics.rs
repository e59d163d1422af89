//! Metrics as CloudWatch Embedded Metric Format: one JSON line on standard output per event,
//! which CloudWatch Logs turns into metrics in the `Resume2Website` namespace (no API call, no
//! latency, nothing to configure). Locally the lines are just lines.
//!
//! | metric | unit | dimensions | from |
//! | --- | --- | --- | --- |
//! | `ExtractionDuration` | Milliseconds | `Method` (llm, heuristic) | the Extract task |
//! | `BuildDuration` | Milliseconds | — | the BuildPortfolio task |
//! | `PipelineOutcome` | Count | `Outcome` (ready, failed), `Step` | the last task of a run, or its failure |
//! | `WebhookOutcome` | Count | `Outcome` (applied, duplicate, ignored, rejected) | the Stripe webhook |

use std::io::Write;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

pub const NAMESPACE: &str = "Resume2Website";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Milliseconds,
    Count,
}

impl Unit {
    fn as_str(self) -> &'static str {
        match self {
            Self::Milliseconds => "Milliseconds",
            Self::Count => "Count",
        }
    }
}

/// One measurement, with the dimensions it is broken down by.
pub fn emit(name: &str, value: f64, unit: Unit, dimensions: &[(&str, &str)]) {
    let line = line(name, value, unit, dimensions, unix_millis());
    if let Ok(mut captured) = CAPTURED.lock()
        && let Some(lines) = captured.as_mut()
    {
        lines.push(line.clone());
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

/// The EMF line of one measurement at `timestamp_ms`.
pub fn line(name: &str, value: f64, unit: Unit, dimensions: &[(&str, &str)], timestamp_ms: u64) -> String {
    let names: Vec<&str> = dimensions.iter().map(|(k, _)| *k).collect();
    let mut root = Map::new();
    root.insert(
        "_aws".into(),
        json!({
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [names],
                "Metrics": [{"Name": name, "Unit": unit.as_str()}],
            }],
        }),
    );
    for (key, value) in dimensions {
        root.insert((*key).into(), Value::String((*value).into()));
    }
    root.insert(name.into(), json!(value));
    Value::Object(root).to_string()
}

fn unix_millis() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

static CAPTURED: Mutex<Option<Vec<String>>> = Mutex::new(None);

/// From now on, every emitted line is also kept for [`captured`] (tests read what the handlers
/// measured; every test in the process shares the capture, so they look for their own).
pub fn capture() {
    if let Ok(mut captured) = CAPTURED.lock() {
        captured.get_or_insert_with(Vec::new);
    }
}

/// The lines emitted since [`capture`], parsed.
pub fn captured() -> Vec<Value> {
    CAPTURED
        .lock()
        .map(|c| c.iter().flatten().filter_map(|l| serde_json::from_str(l).ok()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_embedded_metric_format() {
        let line = line("ExtractionDuration", 12.5, Unit::Milliseconds, &[("Method", "heuristic")], 1_800_000_000_000);
        let value: Value = serde_json::from_str(&line).expect("one JSON object");
        assert!(!line.contains('\n'));
        let directive = &value["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(value["_aws"]["Timestamp"], 1_800_000_000_000u64);
        assert_eq!(directive["Namespace"], NAMESPACE);
        assert_eq!(directive["Dimensions"], json!([["Method"]]));
        assert_eq!(directive["Metrics"], json!([{"Name": "ExtractionDuration", "Unit": "Milliseconds"}]));
        // Every dimension and metric named in the directive is a member of the root.
        assert_eq!(value["Method"], "heuristic");
        assert_eq!(value["ExtractionDuration"], 12.5);
    }

    #[test]
    fn a_metric_without_dimensions_has_one_empty_dimension_set() {
        let value: Value = serde_json::from_str(&line("BuildDuration", 3.0, Unit::Milliseconds, &[], 1)).expect("json");
        assert_eq!(value["_aws"]["CloudWatchMetrics"][0]["Dimensions"], json!([[]]));
    }
}

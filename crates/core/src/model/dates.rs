//! Dates as CVs state them: a year, a month or a day, never more precise than the source.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. The only way in is [`PartialDate::from_str`] (or the
/// checked constructors), so a value you hold is a real calendar date at its precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartialDate {
    Year(u16),
    Month(u16, u8),
    Day(u16, u8, u8),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date {input:?}: expected YYYY, YYYY-MM or YYYY-MM-DD ({reason})")]
pub struct DateError {
    input: String,
    reason: &'static str,
}

const MIN_YEAR: u16 = 1000;
const MAX_YEAR: u16 = 2999;

impl PartialDate {
    pub fn year(year: u16) -> Result<Self, DateError> {
        check_year(year, &year.to_string())?;
        Ok(Self::Year(year))
    }

    pub fn month(year: u16, month: u8) -> Result<Self, DateError> {
        let shown = format!("{year:04}-{month:02}");
        check_year(year, &shown)?;
        check_month(month, &shown)?;
        Ok(Self::Month(year, month))
    }

    pub fn day(year: u16, month: u8, day: u8) -> Result<Self, DateError> {
        let shown = format!("{year:04}-{month:02}-{day:02}");
        check_year(year, &shown)?;
        check_month(month, &shown)?;
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateError { input: shown, reason: "no such day in that month" });
        }
        Ok(Self::Day(year, month, day))
    }

    pub fn year_part(&self) -> u16 {
        match *self {
            Self::Year(y) | Self::Month(y, _) | Self::Day(y, _, _) => y,
        }
    }

    pub fn month_part(&self) -> Option<u8> {
        match *self {
            Self::Year(_) => None,
            Self::Month(_, m) | Self::Day(_, m, _) => Some(m),
        }
    }
}

fn check_year(year: u16, shown: &str) -> Result<(), DateError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(DateError { input: shown.to_owned(), reason: "year out of range 1000-2999" })
    }
}

fn check_month(month: u8, shown: &str) -> Result<(), DateError> {
    if (1..=12).contains(&month) {
        Ok(())
    } else {
        Err(DateError { input: shown.to_owned(), reason: "month must be 01-12" })
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        _ => 31,
    }
}

impl FromStr for PartialDate {
    type Err = DateError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let bad = |reason| DateError { input: input.to_owned(), reason };
        let parts: Vec<&str> = input.split('-').collect();
        let widths_ok = match parts.as_slice() {
            [y] => y.len() == 4,
            [y, m] => y.len() == 4 && m.len() == 2,
            [y, m, d] => y.len() == 4 && m.len() == 2 && d.len() == 2,
            _ => false,
        };
        if !widths_ok || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(bad("wrong shape"));
        }
        // Widths and digits are checked above, so these parses cannot fail.
        let num = |s: &str| s.parse::<u16>().map_err(|_| bad("not a number"));
        let year = num(parts[0])?;
        match parts.len() {
            1 => Self::year(year),
            2 => Self::month(year, num(parts[1])? as u8),
            _ => Self::day(year, num(parts[1])? as u8, num(parts[2])? as u8),
        }
        .map_err(|e| DateError { input: input.to_owned(), reason: e.reason })
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Year(y) => write!(f, "{y:04}"),
            Self::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            Self::Day(y, m, d) => write!(f, "{y:04}-{m:02}-{d:02}"),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Cow::<str>::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

pub const PARTIAL_DATE_PATTERN: &str = r"^[12][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$";

impl JsonSchema for PartialDate {
    fn schema_name() -> Cow<'static, str> {
        "PartialDate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A date at the precision the CV gives: YYYY, YYYY-MM or YYYY-MM-DD.",
            "pattern": PARTIAL_DATE_PATTERN,
        })
    }
}

/// When something started and ended. Something still going on ("2020 – present") has
/// isCurrent true and no end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", try_from = "RawDateRange")]
pub struct DateRange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_current: bool,
}

/// The wire form of [`DateRange`], checked on the way in (the schema is described here).
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    rename = "DateRange",
    description = "When it started and ended. A role or study still going on has isCurrent true and no end."
)]
struct RawDateRange {
    #[serde(default)]
    start: Option<PartialDate>,
    #[serde(default)]
    end: Option<PartialDate>,
    #[serde(default)]
    is_current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateRangeError {
    #[error("date range ends ({end}) before it starts ({start})")]
    EndsBeforeStart { start: PartialDate, end: PartialDate },
    #[error("a current date range has no end date (got {end})")]
    CurrentWithEnd { end: PartialDate },
}

impl DateRange {
    pub fn new(start: Option<PartialDate>, end: Option<PartialDate>, is_current: bool) -> Result<Self, DateRangeError> {
        if let (Some(start), Some(end)) = (start, end) {
            // Compare at the coarser precision: "2020" .. "2020-03" is a valid range.
            if end.year_part() < start.year_part()
                || (end.year_part() == start.year_part()
                    && matches!((start.month_part(), end.month_part()), (Some(s), Some(e)) if e < s))
            {
                return Err(DateRangeError::EndsBeforeStart { start, end });
            }
            if start.month_part() == end.month_part() && start > end {
                return Err(DateRangeError::EndsBeforeStart { start, end });
            }
        }
        if let (true, Some(end)) = (is_current, end) {
            return Err(DateRangeError::CurrentWithEnd { end });
        }
        Ok(Self { start, end, is_current })
    }

    pub fn is_empty(&self) -> bool {
        self.start.is_none() && self.end.is_none() && !self.is_current
    }
}

impl TryFrom<RawDateRange> for DateRange {
    type Error = DateRangeError;

    fn try_from(raw: RawDateRange) -> Result<Self, Self::Error> {
        Self::new(raw.start, raw.end, raw.is_current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_precision_and_prints_it_back() {
        for text in ["2019", "2019-03", "2024-02-29"] {
            let date: PartialDate = text.parse().expect(text);
            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for text in [
            "",
            "19",
            "2019-3",
            "2019-13",
            "2019-00",
            "2023-02-29",
            "2019-04-31",
            "0999",
            "2019/03",
            "2019-03-01-02",
            "２０１９",
        ] {
            assert!(text.parse::<PartialDate>().is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn pattern_in_schema_agrees_with_parser() {
        let schema = serde_json::json!({ "type": "string", "pattern": PARTIAL_DATE_PATTERN });
        let validator = jsonschema::validator_for(&schema).expect("pattern compiles");
        for text in
            ["2019", "2019-03", "2024-02-29", "2019-12-31", "2019-13", "2019-3", "3019", "2019-00", "2019-03-32"]
        {
            let by_schema = validator.is_valid(&serde_json::json!(text));
            assert_eq!(by_schema, text.parse::<PartialDate>().is_ok(), "{text}");
        }
    }

    #[test]
    fn date_range_checks_order_and_current() {
        let d = |s: &str| s.parse::<PartialDate>().ok();
        assert!(DateRange::new(d("2020"), d("2020-03"), false).is_ok());
        assert!(DateRange::new(d("2020-05"), d("2020-03"), false).is_err());
        assert!(DateRange::new(d("2021"), d("2020"), false).is_err());
        assert!(DateRange::new(d("2020-03-10"), d("2020-03-01"), false).is_err());
        assert!(DateRange::new(d("2020"), d("2021"), true).is_err());
        let json = r#"{"start":"2021","end":"2020"}"#;
        assert!(serde_json::from_str::<DateRange>(json).is_err());
    }

    #[test]
    fn serde_uses_strings_and_omits_defaults() {
        let range = DateRange::new("2020-01".parse().ok(), None, true).expect("valid");
        let json = serde_json::to_string(&range).expect("serialises");
        assert_eq!(json, r#"{"start":"2020-01","isCurrent":true}"#);
        assert_eq!(serde_json::from_str::<DateRange>(&json).expect("parses"), range);
    }
}

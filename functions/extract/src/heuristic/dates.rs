//! Date ranges as CVs write them: "Jan 2020 – Present", "2019-2021", "03/2018 - 06/2020",
//! "März 2015 – heute", "sept. 2019 - actualidad", "ינואר 2021 – היום", "since 2019".

use std::sync::LazyLock;

use r2w_shared::model::{DateRange, PartialDate};
use regex::Regex;

/// Month names and abbreviations in English, Spanish, German, French and Hebrew.
const MONTHS: &[(&str, u8)] = &[
    ("january", 1),
    ("jan", 1),
    ("enero", 1),
    ("ene", 1),
    ("januar", 1),
    ("jänner", 1),
    ("janvier", 1),
    ("janv", 1),
    ("ינואר", 1),
    ("february", 2),
    ("feb", 2),
    ("febrero", 2),
    ("februar", 2),
    ("février", 2),
    ("févr", 2),
    ("fév", 2),
    ("פברואר", 2),
    ("march", 3),
    ("mar", 3),
    ("marzo", 3),
    ("märz", 3),
    ("mär", 3),
    ("mrz", 3),
    ("mars", 3),
    ("מרץ", 3),
    ("מרס", 3),
    ("april", 4),
    ("apr", 4),
    ("abril", 4),
    ("abr", 4),
    ("avril", 4),
    ("avr", 4),
    ("אפריל", 4),
    ("may", 5),
    ("mayo", 5),
    ("mai", 5),
    ("מאי", 5),
    ("june", 6),
    ("jun", 6),
    ("junio", 6),
    ("juni", 6),
    ("juin", 6),
    ("יוני", 6),
    ("july", 7),
    ("jul", 7),
    ("julio", 7),
    ("juli", 7),
    ("juillet", 7),
    ("juil", 7),
    ("יולי", 7),
    ("august", 8),
    ("aug", 8),
    ("agosto", 8),
    ("ago", 8),
    ("août", 8),
    ("אוגוסט", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("set", 9),
    ("septembre", 9),
    ("ספטמבר", 9),
    ("october", 10),
    ("oct", 10),
    ("octubre", 10),
    ("oktober", 10),
    ("okt", 10),
    ("octobre", 10),
    ("אוקטובר", 10),
    ("november", 11),
    ("nov", 11),
    ("noviembre", 11),
    ("novembre", 11),
    ("נובמבר", 11),
    ("december", 12),
    ("dec", 12),
    ("diciembre", 12),
    ("dic", 12),
    ("dezember", 12),
    ("dez", 12),
    ("décembre", 12),
    ("déc", 12),
    ("דצמבר", 12),
];

/// Words meaning "still going on".
const PRESENT: &[&str] = &[
    "present",
    "current",
    "now",
    "today",
    "ongoing",
    "actualidad",
    "presente",
    "actual",
    "hoy",
    "heute",
    "bis heute",
    "aktuell",
    "jetzt",
    "aujourd'hui",
    "aujourd’hui",
    "présent",
    "en cours",
    "actuel",
    "היום",
    "כיום",
    "הווה",
];

const SINCE: &[&str] = &["since", "desde", "seit", "depuis", "מאז", "החל מ"];

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    let mut months: Vec<&str> = MONTHS.iter().map(|(m, _)| *m).collect();
    months.sort_by_key(|m| std::cmp::Reverse(m.chars().count()));
    let mut present: Vec<&str> = PRESENT.to_vec();
    present.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
    let alternation = |words: &[&str]| words.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join("|");
    let pattern = format!(
        // ASCII digits and boundaries (`[0-9]`, `(?-u:\b)`): around digits they mean the same,
        // and the Unicode tables behind `\d` and `\b` cost milliseconds to compile per process.
        r"(?i)(?P<mname>{})\.?\s+(?P<my>[0-9]{{4}})(?-u:\b)|(?-u:\b)(?P<nm>[0-9]{{1,2}})[/.](?P<ny>[0-9]{{4}})(?-u:\b)|(?-u:\b)(?P<iy>[0-9]{{4}})[-/.](?P<im>[0-9]{{1,2}})(?-u:\b)|(?-u:\b)(?P<y>(?:19|20)[0-9]{{2}})(?-u:\b)|(?P<present>{})",
        alternation(&months),
        alternation(&present)
    );
    Regex::new(&pattern).unwrap_or_else(|e| unreachable!("the date pattern is built from fixed words: {e}"))
});

static BETWEEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[-–—−~]|to|till|until|bis|hasta|a|al|à|au|jusqu'à|עד)?\s*$")
        .unwrap_or_else(|e| unreachable!("fixed pattern: {e}"))
});

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Date(PartialDate),
    Present,
}

/// A date range found in a line, and where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub range: DateRange,
    pub start: usize,
    pub end: usize,
}

fn tokens(line: &str) -> Vec<(Token, usize, usize)> {
    let mut out = Vec::new();
    for caps in TOKEN.captures_iter(line) {
        let Some(whole) = caps.get(0) else { continue };
        let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u16>().ok());
        let token = if caps.name("present").is_some() {
            // "present" inside a longer word ("presentation") is not a date.
            let before = line[..whole.start()].chars().next_back();
            let after = line[whole.end()..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
                continue;
            }
            Some(Token::Present)
        } else if let (Some(name), Some(year)) = (caps.name("mname"), num("my")) {
            let lower = name.as_str().to_lowercase();
            let before = line[..whole.start()].chars().next_back();
            if before.is_some_and(char::is_alphabetic) {
                continue;
            }
            MONTHS
                .iter()
                .find(|(m, _)| *m == lower)
                .and_then(|(_, m)| PartialDate::month(year, *m).ok())
                .map(Token::Date)
        } else if let (Some(month), Some(year)) = (num("nm"), num("ny")) {
            PartialDate::month(year, month as u8).ok().map(Token::Date)
        } else if let (Some(year), Some(month)) = (num("iy"), num("im")) {
            PartialDate::month(year, month as u8).ok().map(Token::Date)
        } else {
            num("y").and_then(|y| PartialDate::year(y).ok()).map(Token::Date)
        };
        if let Some(token) = token {
            out.push((token, whole.start(), whole.end()));
        }
    }
    out
}

/// One date as a form field holds it ("Jan 2020", "03/2018", "2019-06", "2019", "Present"):
/// `Some(None)` is "present", `None` is text that is not exactly one date.
pub fn field_date(text: &str) -> Option<Option<PartialDate>> {
    let text = text.trim().trim_end_matches('.');
    if let Ok(date) = text.parse::<PartialDate>() {
        return Some(Some(date));
    }
    match tokens(text).as_slice() {
        [(token, 0, end)] if *end == text.len() => Some(match token {
            Token::Date(date) => Some(*date),
            Token::Present => None,
        }),
        _ => None,
    }
}

/// The first date range in `line`: two dates (or a date and "present") joined by a dash or a
/// word like "to"; or "since DATE"; or a single date standing alone next to separators.
pub fn find_range(line: &str) -> Option<Found> {
    let tokens = tokens(line);
    for pair in tokens.windows(2) {
        let ((a, a_start, a_end), (b, _, b_end)) = (pair[0], pair[1]);
        let Token::Date(start) = a else { continue };
        if !BETWEEN.is_match(&line[a_end..pair[1].1]) {
            continue;
        }
        let range = match b {
            Token::Present => DateRange::new(Some(start), None, true),
            Token::Date(end) => DateRange::new(Some(start), Some(end), false),
        };
        if let Ok(range) = range {
            return Some(Found { range, start: a_start, end: b_end });
        }
    }
    let (first, start, end) = *tokens.first()?;
    let Token::Date(date) = first else { return None };
    let before = line[..start].trim_end().to_lowercase();
    if SINCE.iter().any(|s| before.ends_with(s)) {
        let since_start = before.len() - SINCE.iter().find(|s| before.ends_with(*s)).map_or(0, |s| s.len());
        return DateRange::new(Some(date), None, true).ok().map(|range| Found { range, start: since_start, end });
    }
    // A lone date (a graduation year) only when the line is short, so a year in a sentence is
    // not taken for one.
    (tokens.len() == 1 && line.chars().count() <= 60).then_some(Found {
        range: DateRange { start: None, end: Some(date), is_current: false },
        start,
        end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(line: &str) -> (Option<String>, Option<String>, bool) {
        let found = find_range(line).unwrap_or_else(|| panic!("no range in {line:?}"));
        (found.range.start.map(|d| d.to_string()), found.range.end.map(|d| d.to_string()), found.range.is_current)
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn the_common_shapes() {
        assert_eq!(range("Jan 2020 – Present"), (s("2020-01"), None, true));
        assert_eq!(range("San Francisco | Sept. 2016 - June 2020"), (s("2016-09"), s("2020-06"), false));
        assert_eq!(range("2019-2021"), (s("2019"), s("2021"), false));
        assert_eq!(range("03/2018 - 06/2020"), (s("2018-03"), s("2020-06"), false));
        assert_eq!(range("2020-01 to 2021-12"), (s("2020-01"), s("2021-12"), false));
        assert_eq!(range("Berlin | März 2015 – heute"), (s("2015-03"), None, true));
        assert_eq!(range("sept. 2019 - actualidad"), (s("2019-09"), None, true));
        assert_eq!(range("févr. 2017 – aujourd'hui"), (s("2017-02"), None, true));
        assert_eq!(range("תל אביב | ינואר 2021 – היום"), (s("2021-01"), None, true));
        assert_eq!(range("since 2019"), (s("2019"), None, true));
        assert_eq!(range("Graduated 2015"), (None, s("2015"), false));
    }

    #[test]
    fn a_field_holding_one_date() {
        let date = |text: &str| field_date(text).map(|d| d.map(|d| d.to_string()));
        assert_eq!(date("Jan 2020"), Some(s("2020-01")));
        assert_eq!(date(" 2019-06 "), Some(s("2019-06")));
        assert_eq!(date("03/2018"), Some(s("2018-03")));
        assert_eq!(date("2021-02-30"), None, "no such day");
        assert_eq!(date("2015"), Some(s("2015")));
        assert_eq!(date("Present"), Some(None));
        assert_eq!(date("Spring 2020"), None, "a season is not a date: the text is kept elsewhere");
        assert_eq!(date("2019 - 2020"), None);
    }

    #[test]
    fn what_is_not_a_range() {
        assert_eq!(find_range("Managed a budget of 2000 euros across 2019 and 2020 projects in three countries"), None);
        assert!(find_range("Presentation skills").is_none());
        assert!(find_range("Maintained internal tools").is_none());
        assert!(find_range("Mayor of the town").is_none());
    }
}

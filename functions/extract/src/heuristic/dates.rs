//! Date ranges as CVs write them: "Jan 2020 – Present", "2019-2021", "03/2018 - 06/2020",
//! "März 2015 – heute", "sept. 2019 - actualidad", "ינואר 2021 – היום", "since 2019".

use r2w_core::model::{DateRange, PartialDate};

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

/// Words that may join the two ends of a range ("2019 to 2021", "2015 bis 2018").
const BETWEEN: &[&str] = &[
    "-", "–", "—", "−", "~", "→", "->", "⟶", "to", "till", "until", "bis", "hasta", "a", "al", "à", "au", "jusqu'à",
    "עד",
];

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

/// The dates and "present" words in `line`, left to right, with where each one is.
///
/// A scanner rather than a regular expression: the month names of five languages, matched
/// without regard to case, made a pattern that took a millisecond to compile in every process,
/// which is most of what reading a one-page CV costs.
fn tokens(line: &str) -> Vec<(Token, usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = line[at..].chars().next() {
        let found = if c.is_ascii_digit() { numeric_date(line, at) } else { worded(line, at) };
        match found {
            Some((token, end)) => {
                out.push((token, at, end));
                at = end;
            }
            // Nothing starts inside a word or a number: skip to its end.
            None if c.is_ascii_digit() => at += run_len(&line[at..], |c| c.is_ascii_digit()),
            None if c.is_alphabetic() => at += run_len(&line[at..], char::is_alphabetic),
            None => at += c.len_utf8(),
        }
    }
    out
}

/// Bytes at the start of `text` whose characters satisfy `keep`.
fn run_len(text: &str, keep: impl Fn(char) -> bool) -> usize {
    text.char_indices().find(|(_, c)| !keep(*c)).map_or(text.len(), |(i, _)| i)
}

/// An ASCII word character (`[0-9A-Za-z_]`): what may not touch a number on either side.
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// A number standing alone at `at` ends at `end`: no ASCII letter, digit or underscore touches it.
fn stands_alone(line: &str, at: usize, end: usize) -> bool {
    let bytes = line.as_bytes();
    let touched_before = at > 0 && is_word_byte(bytes[at - 1]);
    let touched_after = bytes.get(end).is_some_and(|b| is_word_byte(*b));
    !touched_before && !touched_after
}

/// "03/2018", "3.2018", "2019-06" or a year "2019", starting at `at`.
fn numeric_date(line: &str, at: usize) -> Option<(Token, usize)> {
    // `get`: past the end, or inside a character, there are no digits.
    let digits = |from: usize| line.get(from..).map_or(0, |rest| run_len(rest, |c| c.is_ascii_digit()));
    let number = |from: usize, len: usize| line[from..from + len].parse::<u16>().ok();
    let bytes = line.as_bytes();
    if at > 0 && is_word_byte(bytes[at - 1]) {
        return None;
    }
    let lead = digits(at);
    let after = at + lead;
    let separator = bytes.get(after).copied();
    if let Some(found) = day_before_month(line, at, lead) {
        return Some(found);
    }
    // Day, month and year as German and French CVs write them: "01.03.2018" (the day is not kept).
    let month_len = digits(after + 1);
    if (1..=2).contains(&lead)
        && separator == Some(b'.')
        && (1..=2).contains(&month_len)
        && bytes.get(after + 1 + month_len) == Some(&b'.')
        && digits(after + 2 + month_len) == 4
    {
        let year_at = after + 2 + month_len;
        if stands_alone(line, at, year_at + 4)
            && let (Some(month), Some(year)) = (number(after + 1, month_len), number(year_at, 4))
            && let Ok(date) = PartialDate::month(year, month as u8)
        {
            return Some((Token::Date(date), year_at + 4));
        }
    }
    // Month then year: "03/2018", "3.2018".
    if (1..=2).contains(&lead) && matches!(separator, Some(b'/' | b'.')) && digits(after + 1) == 4 {
        let end = after + 5;
        if stands_alone(line, at, end)
            && let (Some(month), Some(year)) = (number(at, lead), number(after + 1, 4))
            && let Ok(date) = PartialDate::month(year, month as u8)
        {
            return Some((Token::Date(date), end));
        }
    }
    if lead != 4 {
        return None;
    }
    let year = number(at, 4)?;
    // Year then month: "2019-06", "2019/6".
    if matches!(separator, Some(b'-' | b'/' | b'.')) && (1..=2).contains(&digits(after + 1)) {
        let end = after + 1 + digits(after + 1);
        if stands_alone(line, at, end)
            && let Some(month) = number(after + 1, end - after - 1)
            && let Ok(date) = PartialDate::month(year, month as u8)
        {
            return Some((Token::Date(date), end));
        }
    }
    let plausible = line[at..].starts_with("19") || line[at..].starts_with("20");
    // Year then a month's name: "2021-Sep", "2021 Sept.".
    if plausible && matches!(separator, Some(b'-' | b' ')) {
        let word_at = after + 1;
        let word_len = line.get(word_at..).map_or(0, |rest| run_len(rest, char::is_alphabetic));
        let word = line.get(word_at..word_at + word_len).map(str::to_lowercase).unwrap_or_default();
        if word_len >= 3
            && let Some((_, month)) = MONTHS.iter().find(|(name, _)| *name == word)
            && let Ok(date) = PartialDate::month(year, *month)
        {
            let end = word_at + word_len + usize::from(line[word_at + word_len..].starts_with('.'));
            if !line[end..].chars().next().is_some_and(char::is_alphanumeric) {
                return Some((Token::Date(date), end));
            }
        }
    }
    if !plausible || !stands_alone(line, at, after) {
        return None;
    }
    PartialDate::year(year).ok().map(|date| (Token::Date(date), after))
}

/// A day before a month's name and its year: "1 December 2020", "01. März 2018", "1er mars
/// 2016", "15 de marzo de 2021" (the day is not kept).
fn day_before_month(line: &str, at: usize, lead: usize) -> Option<(Token, usize)> {
    if !(1..=2).contains(&lead) || !(1..=31).contains(&line[at..at + lead].parse::<u8>().ok()?) {
        return None;
    }
    let mut end = at + lead;
    end += usize::from(line[end..].starts_with('.'));
    if let Some(len) = ["er", "st", "nd", "rd", "th", "º"].iter().find_map(|s| starts_with_caseless(&line[end..], s)) {
        end += len;
    }
    let space = run_len(&line[end..], char::is_whitespace);
    if space == 0 {
        return None;
    }
    let mut word_at = end + space;
    if let Some(len) = starts_with_caseless(&line[word_at..], "de ") {
        word_at += len;
    }
    match worded(line, word_at)? {
        (Token::Date(date), date_end) => Some((Token::Date(date), date_end)),
        (Token::Present, _) => None,
    }
}

/// "Mar 2020", "sept. 2019", "ינואר 2021" or a word for "present", starting at `at`.
fn worded(line: &str, at: usize) -> Option<(Token, usize)> {
    let before = line[..at].chars().next_back();
    if before.is_some_and(char::is_alphanumeric) {
        return None;
    }
    let rest = &line[at..];
    let word_len = run_len(rest, |c| c.is_alphabetic());
    if word_len > 0 {
        let word = rest[..word_len].to_lowercase();
        if let Some((_, month)) = MONTHS.iter().find(|(name, _)| *name == word) {
            let mut end = at + word_len;
            let dot = line[end..].starts_with('.');
            end += usize::from(dot);
            // "Mar, 2021": a comma where a day would be.
            end += usize::from(line[end..].starts_with(", "));
            // A day between the month and the year ("May 01, 2023", "June 3rd 2021") is dropped.
            if let Some(after_day) = day_after_month(line, end) {
                end = after_day;
            }
            // "marzo de 2021".
            if let Some(len) = starts_with_caseless(&line[end..], " de ") {
                end += len - 1;
            }
            let space = run_len(&line[end..], char::is_whitespace);
            let year_at = end + space;
            let year_len = run_len(&line[year_at..], |c| c.is_ascii_digit());
            // "Sept. 2016", "Sept.2016", "Sept 2016"; not "Sept2016".
            if (dot || space > 0)
                && year_len == 4
                && !line.as_bytes().get(year_at + 4).is_some_and(|b| is_word_byte(*b))
                && let Some(year) = line[year_at..year_at + 4].parse::<u16>().ok()
                && let Ok(date) = PartialDate::month(year, *month)
            {
                return Some((Token::Date(date), year_at + 4));
            }
        }
    }
    // The longest "present" word that stands alone here ("bis heute" before "heute").
    PRESENT
        .iter()
        .filter_map(|word| starts_with_caseless(rest, word).map(|len| at + len))
        .filter(|end| !line[*end..].chars().next().is_some_and(char::is_alphanumeric))
        .max()
        .map(|end| (Token::Present, end))
}

/// Where " 01," or " 3rd" after a month name ends (before the year's space), if it is there.
fn day_after_month(line: &str, at: usize) -> Option<usize> {
    let rest = &line[at..];
    let space = run_len(rest, char::is_whitespace);
    let digits = run_len(&rest[space..], |c| c.is_ascii_digit());
    if space == 0 || !(1..=2).contains(&digits) || rest[space..space + digits].parse::<u8>().ok()? > 31 {
        return None;
    }
    let mut end = space + digits;
    if let Some(suffix) = ["st", "nd", "rd", "th"].into_iter().find(|s| starts_with_caseless(&rest[end..], s).is_some())
    {
        end += suffix.len();
    }
    end += usize::from(rest[end..].starts_with(','));
    // Only a day that a year follows: "May 12 engineers" is not a date.
    let gap = run_len(&rest[end..], char::is_whitespace);
    let year = run_len(&rest[end + gap..], |c| c.is_ascii_digit());
    (gap > 0 && year == 4).then_some(at + end)
}

/// The length in bytes of `word`'s match at the start of `text`, compared without case.
fn starts_with_caseless(text: &str, word: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    for expected in word.chars() {
        let (_, c) = chars.next()?;
        if !c.to_lowercase().eq(expected.to_lowercase()) {
            return None;
        }
    }
    Some(chars.next().map_or(text.len(), |(i, _)| i))
}

/// What may stand between the two ends of a range: a dash or a word like "to", or nothing.
fn joins_range(between: &str) -> bool {
    let between = between.trim();
    between.is_empty() || BETWEEN.iter().any(|word| starts_with_caseless(between, word) == Some(between.len()))
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
        if !joins_range(&line[a_end..pair[1].1]) {
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
    // not taken for one — or when it closes the line in brackets ("…, Journal (2023)").
    let bracketed = line[..start].trim_end().ends_with('(') && line[end..].trim() == ")";
    (tokens.len() == 1 && (line.chars().count() <= 60 || bracketed)).then_some(Found {
        range: DateRange { start: None, end: Some(date), is_current: false },
        start,
        end,
    })
}

/// A date that opens `line` ("2019 ledgerlite, a ledger library"), and where the rest starts.
pub fn leading_date(line: &str) -> Option<(PartialDate, usize)> {
    let tokens = tokens(line);
    let (Token::Date(date), 0, end) = *tokens.first()? else { return None };
    line[end..].starts_with(char::is_whitespace).then_some((date, end))
}

/// Where a range left open at the end of its dates ends ("Mar 2021 – Senior Engineer": after
/// the dash), when the line opens with that date: the other end wrapped to the next line.
pub fn open_range_end(line: &str) -> Option<usize> {
    if !line.contains(['–', '—', '-', '−']) {
        return None;
    }
    let tokens = tokens(line);
    let (Token::Date(_), 0, end) = *tokens.first()? else { return None };
    let rest = &line[end..];
    let dash = rest.trim_start();
    let dash_len = ["–", "—", "-", "−"].iter().find(|d| dash.starts_with(**d))?.len();
    let after = end + (rest.len() - dash.len()) + dash_len;
    let closed = tokens.get(1).is_some_and(|(_, start, _)| line[after..*start].trim().is_empty());
    (!closed && line[after..].starts_with(char::is_whitespace)).then_some(after)
}

/// A month's name alone ("December", "Sept."): a date column that put the year under it.
pub fn is_month_name(text: &str) -> bool {
    let word = text.trim().trim_end_matches(['.', ',']);
    // The longest name is "septiembre" / "septembre"; Hebrew letters take two bytes each.
    if word.len() > 20 || word.contains(' ') {
        return false;
    }
    let word = word.to_lowercase();
    MONTHS.iter().any(|(name, _)| *name == word)
}

/// The length of a date or a word for "present" that opens `line` and stands apart from what
/// follows ("Present Owns the platform", "Feb 2021 Designed the API").
pub fn opening_date(line: &str) -> Option<usize> {
    let (_, 0, end) = *tokens(line).first()? else { return None };
    // A colon after it is the layout's: a wrapped date read as the label of its line.
    (line.len() == end || line[end..].starts_with(|c: char| c.is_whitespace() || c == ':')).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_wrapped_after_its_dash() {
        assert_eq!(open_range_end("Mar 2021 – Senior Engineer, Acme"), Some("Mar 2021 –".len()));
        assert_eq!(open_range_end("Mar 2021 – Present Senior Engineer"), None);
        assert_eq!(open_range_end("Senior Engineer, Mar 2021 –"), None);
        assert_eq!(opening_date("Present Owns the platform."), Some("Present".len()));
        assert_eq!(opening_date("Feb 2021 { Designed the API"), Some("Feb 2021".len()));
        assert_eq!(opening_date("Presently working"), None);
        assert_eq!(opening_date("Present: Owns the platform."), Some("Present".len()));
        assert!(is_month_name("December") && is_month_name("sept.") && !is_month_name("Decembers"));
    }

    #[test]
    fn a_date_opening_a_line_is_found_with_where_the_rest_starts() {
        assert_eq!(
            leading_date("2019 ledgerlite, a library").map(|(d, at)| (d.to_string(), at)),
            Some(("2019".into(), 4))
        );
        assert_eq!(leading_date("Since 2019 at Acme"), None);
        assert_eq!(leading_date("2019"), None, "a date alone is not an item");
    }

    fn range(line: &str) -> (Option<String>, Option<String>, bool) {
        let found = find_range(line).unwrap_or_else(|| panic!("no range in {line:?}"));
        (found.range.start.map(|d| d.to_string()), found.range.end.map(|d| d.to_string()), found.range.is_current)
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn the_common_shapes() {
        assert_eq!(range("Mar, 2021 - Present"), (s("2021-03"), None, true));
        assert_eq!(range("Jun, 2017 - Feb, 2021"), (s("2017-06"), s("2021-02"), false));
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
        assert_eq!(
            range("Forecasting bed occupancy with hierarchical models, Journal of Health Informatics (2023)"),
            (None, s("2023"), false)
        );
        assert_eq!(range("2021-03 → Present"), (s("2021-03"), None, true));
        assert_eq!(range("2019-Sep – 2021-Feb"), (s("2019-09"), s("2021-02"), false));
        assert_eq!(range("2021 Sept. - heute"), (s("2021-09"), None, true));
        assert_eq!(range("2017-06 -> 2021-02"), (s("2017-06"), s("2021-02"), false));
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
    fn shapes_around_the_edges() {
        assert_eq!(range("MÄRZ 2015 – HEUTE"), (s("2015-03"), None, true), "capitals beyond ASCII");
        assert_eq!(range("12.05.2019 - 30.06.2021"), (s("2019-05"), s("2021-06"), false), "a day is dropped");
        assert_eq!(range("2015 bis 2018"), (s("2015"), s("2018"), false));
        assert_eq!(range("Oct 2019 until now"), (s("2019-10"), None, true));
        assert_eq!(range("desde 2021"), (s("2021"), None, true));
        assert_eq!(field_date("2019-13"), None, "no thirteenth month");
        assert_eq!(find_range("v2019 build1999 x_2020"), None, "numbers inside words");
        assert_eq!(range("Sept.2016"), (None, s("2016-09"), false));
        assert_eq!(range("Published on: May 01, 2023"), (None, s("2023-05"), false), "the day is dropped");
        assert_eq!(range("June 3rd 2019 – August 2020"), (s("2019-06"), s("2020-08"), false));
        // A day before the month's name, in the five languages' ways.
        assert_eq!(range("1 December 2020 - 15 March 2022"), (s("2020-12"), s("2022-03"), false));
        assert_eq!(range("01. März 2018 – 30. Juni 2020"), (s("2018-03"), s("2020-06"), false));
        assert_eq!(range("1er mars 2016 - aujourd'hui"), (s("2016-03"), None, true));
        assert_eq!(range("15 de marzo de 2021 – actualidad"), (s("2021-03"), None, true));
        assert_eq!(find_range("Led 12 engineers in three teams across the whole company"), None);
        assert_eq!(find_range("May 12 engineers joined in 2021 and more of them arrived after the summer"), None);
        // Digits and letters outside ASCII (superscripts, Arabic-Indic) are stepped over.
        assert_eq!(range("²³ ٢٠١٩ 2018–2020"), (s("2018"), s("2020"), false));
    }

    #[test]
    fn what_is_not_a_range() {
        assert_eq!(find_range("Managed a budget of 2000 euros across 2019 and 2020 projects in three countries"), None);
        assert!(find_range("Presentation skills").is_none());
        assert!(find_range("Maintained internal tools").is_none());
        assert!(find_range("Mayor of the town").is_none());
    }
}

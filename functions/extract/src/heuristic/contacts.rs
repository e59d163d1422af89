//! E-mail addresses, phone numbers (international and national formats) and profile links.

use std::sync::LazyLock;

use regex::Regex;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .unwrap_or_else(|e| unreachable!("fixed pattern: {e}"))
});

/// What ends a link in running text: white space (ASCII, no-break, figure, thin, narrow
/// no-break) and the separators CVs put between contacts.
fn ends_link(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c' | '\u{a0}' | '\u{2007}' | '\u{2009}' | '\u{202f}')
        || "|,;<>\"'()".contains(c)
}

/// What may sit inside a phone number besides its digits.
fn inside_phone(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{2007}' | '\u{2009}' | '\u{202f}' | '(' | ')' | '.' | '-' | '/')
}

/// An ASCII word character: what may not touch a number or a link's start.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether a word may start at byte `at` (nothing word-like right before it).
fn starts_word(text: &str, at: usize) -> bool {
    !text[..at].chars().next_back().is_some_and(is_word)
}

/// `prefix` at the start of `text`, ignoring ASCII case.
fn starts_caseless(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len() && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The profile sites a link is recognised by without a scheme ("github.com/dlevi").
const PROFILE_SITES: &[&str] = &["linkedin.com/in/", "github.com/", "gitlab.com/", "behance.net/", "dribbble.com/"];

/// Where a link starting at byte `at` ends: after "http://", "https://" or "www.", or a profile
/// site (with a short subdomain such as "de."), up to the next white space or separator.
///
/// Scanners rather than regular expressions for links and phone numbers: compiling those
/// patterns took about half a millisecond in every process, most of what is left of reading a
/// one-page CV once the PDF is parsed.
fn link_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let run = |from: usize| rest[from..].find(ends_link).map_or(rest.len(), |i| from + i);
    if let Some(prefix) = ["https://", "http://", "www."].into_iter().find(|p| starts_caseless(rest, p)) {
        let end = run(prefix.len());
        return (end > prefix.len()).then_some(at + end);
    }
    let subdomains = [3, 2].into_iter().filter(|&n| {
        rest.as_bytes().get(..n).is_some_and(|b| b.iter().all(u8::is_ascii_alphabetic))
            && rest.as_bytes().get(n) == Some(&b'.')
    });
    for skip in subdomains.map(|n| n + 1).chain([0]) {
        if let Some(site) = PROFILE_SITES.iter().find(|site| starts_caseless(&rest[skip..], site)) {
            let end = run(skip + site.len());
            if end > skip + site.len() {
                return Some(at + end);
            }
        }
    }
    None
}

/// Where a phone number starting at byte `at` ends: an optional "+" or "(", a digit, then digits
/// and the separators phones are written with, ending on a digit, 7 characters or more.
fn phone_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let first = match rest.chars().next()? {
        '+' | '(' => 1,
        c if c.is_ascii_digit() && starts_word(text, at) => 0,
        _ => return None,
    };
    if !rest[first..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let run = rest[first..].find(|c: char| !c.is_ascii_digit() && !inside_phone(c)).map_or(rest.len(), |i| first + i);
    // The longest stretch that ends on a digit not touching a word, as a greedy pattern would.
    let after_run = rest[run..].chars().next();
    (first + 7..=run)
        .rev()
        // After an ASCII digit, `end` is on a character boundary.
        .filter(|&end| rest.as_bytes()[end - 1].is_ascii_digit())
        .find(|&end| !(if end == run { after_run } else { rest[end..].chars().next() }).is_some_and(is_word))
        .map(|end| at + end)
}

/// The non-overlapping matches of `found_at` in `text`, left to right, with where each starts.
fn scan(text: &str, found_at: impl Fn(&str, usize) -> Option<usize>) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        match found_at(text, at) {
            Some(end) => {
                out.push((at, &text[at..end]));
                at = end;
            }
            None => at += text[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out
}

pub fn emails(text: &str) -> Vec<String> {
    EMAIL.find_iter(text).map(|m| m.as_str().trim_end_matches('.').to_owned()).collect()
}

/// Links, with a scheme added where the CV left it out ("linkedin.com/in/x").
pub fn urls(text: &str) -> Vec<String> {
    let link_starting = |text: &str, at: usize| if starts_word(text, at) { link_at(text, at) } else { None };
    let mut found: Vec<String> = scan(text, link_starting)
        .into_iter()
        .filter(|(start, _)| !text[..*start].ends_with('@'))
        .map(|(_, m)| {
            let url = m.trim_end_matches(['.', ',', ')', ':']);
            if url.to_ascii_lowercase().starts_with("http") { url.to_owned() } else { format!("https://{url}") }
        })
        .collect();
    for domain in bare_domains(text) {
        let url = format!("https://{domain}");
        if !found.contains(&url) {
            found.push(url);
        }
    }
    found
}

/// Top-level domains people put their own site on.
const SITE_TLDS: &[&str] =
    &["dev", "io", "me", "app", "page", "site", "tech", "codes", "xyz", "com", "org", "net", "co"];

/// A personal site written without a scheme ("dana.dev", "levi.io/blog"), standing alone
/// between the separators of a contact line. Written in lower case: "ASP.NET" is a skill.
fn bare_domains(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || "|·•,;".contains(c))
        .map(|token| token.trim_end_matches(['.', ')', ':']).trim_start_matches('('))
        .filter(|token| {
            let host = token.split('/').next().unwrap_or_default();
            let labels: Vec<&str> = host.split('.').collect();
            labels.len() >= 2
                && !token.contains('@')
                && !token.contains("://")
                && !host.starts_with("www.")
                && labels.iter().all(|l| {
                    !l.is_empty() && l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                })
                && labels.last().is_some_and(|tld| SITE_TLDS.contains(tld))
                && labels[0].chars().count() >= 3
        })
        .map(str::to_owned)
        .collect()
}

/// Phone numbers: 7-15 digits, written with a leading "+" or "(" or with enough digits that
/// a run of years ("2014 - 2017") or a date ("03/2018") is not taken for one.
pub fn phones(text: &str) -> Vec<String> {
    scan(text, phone_at)
        .into_iter()
        .filter_map(|(_, m)| {
            let raw = m.trim();
            let digits = raw.chars().filter(char::is_ascii_digit).count();
            let marked = raw.starts_with('+') || raw.starts_with('(');
            let groups: Vec<&str> = raw.split(|c: char| !c.is_ascii_digit()).filter(|g| !g.is_empty()).collect();
            let looks_like_years = groups.iter().all(|g| g.len() == 4 && (g.starts_with("19") || g.starts_with("20")));
            let looks_like_date = raw.contains('/') && groups.iter().any(|g| g.len() == 4) && !marked;
            ((7..=15).contains(&digits) && (marked || digits >= 9) && !looks_like_years && !looks_like_date)
                .then(|| raw.to_owned())
        })
        .collect()
}

/// The network a profile URL belongs to, when it is a well-known one.
pub fn network(url: &str) -> Option<&'static str> {
    let lower = url.to_ascii_lowercase();
    [
        ("linkedin.com", "LinkedIn"),
        ("github.com", "GitHub"),
        ("gitlab.com", "GitLab"),
        ("behance.net", "Behance"),
        ("dribbble.com", "Dribbble"),
    ]
    .into_iter()
    .find(|(host, _)| lower.contains(host))
    .map(|(_, name)| name)
}

pub fn is_contact_line(line: &str) -> bool {
    !emails(line).is_empty() || !urls(line).is_empty() || !phones(line).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_personal_site_without_a_scheme_is_a_link_and_a_skill_is_not() {
        assert_eq!(urls("priyaraman.dev · github.com/praman"), ["https://github.com/praman", "https://priyaraman.dev"]);
        assert!(urls("ASP.NET, Node.js, C#").is_empty());
        assert!(urls("dana@levi.dev").is_empty(), "an address is not a site");
    }

    #[test]
    fn finds_contacts_in_a_header_line() {
        let line = "olivia.bennett@example.com | +1 (415) 555-0134 | San Francisco, CA";
        assert_eq!(emails(line), ["olivia.bennett@example.com"]);
        assert_eq!(phones(line), ["+1 (415) 555-0134"]);
        assert!(urls(line).is_empty());
    }

    #[test]
    fn phone_formats_of_several_countries() {
        for phone in [
            "+44 7700 900123",
            "+49 30 12345678",
            "(312) 555-0187",
            "+972 52-555-0199",
            "+33 6 12 34 56 78",
            "+91 98765 43210",
            // French typography: no-break and narrow no-break spaces between the pairs.
            "+33\u{a0}6\u{202f}12\u{202f}34\u{202f}56\u{202f}78",
        ] {
            assert_eq!(phones(&format!("Tel: {phone}")), [phone], "{phone}");
        }
        for not_phone in ["2014 - 2017", "03/2018 - 06/2020", "Cut p99 latency by 40%", "Budget 4 Mio. €"] {
            assert!(phones(not_phone).is_empty(), "{not_phone}");
        }
    }

    #[test]
    fn scanning_any_text_finds_what_it_can_and_never_panics() {
        for text in [
            "+",
            "(",
            "1234567",
            "+1 (",
            "\u{202f}+\u{202f}12\u{202f}34\u{202f}5\u{202f}",
            "é+33 6 12 34 56 78é",
            "http://",
            "www.",
            "de.github.com/",
            "ħttps://x — 𝔁 www.ü.de/ä",
            "555-0134\u{2009}\u{2009}",
        ] {
            let _ = (phones(text), urls(text), is_contact_line(text));
        }
        assert_eq!(
            phones("call 0612345678x or 06 12 34 56 78."),
            ["06 12 34 56 78"],
            "a number touching a word is not one"
        );
        assert_eq!(urls("de.linkedin.com/in/jonas-m (Xing)"), ["https://de.linkedin.com/in/jonas-m"]);
    }

    #[test]
    fn links_get_a_scheme_and_a_network() {
        assert_eq!(
            urls("linkedin.com/in/dana-levi, github.com/dlevi."),
            ["https://linkedin.com/in/dana-levi", "https://github.com/dlevi"]
        );
        assert_eq!(urls("see https://oyelaran.design"), ["https://oyelaran.design"]);
        assert_eq!(urls("GitHub.com/DLevi\u{a0}· WWW.Levi.dev"), ["https://GitHub.com/DLevi", "https://WWW.Levi.dev"]);
        assert!(urls("dana@github.com").is_empty());
        assert_eq!(network("https://www.linkedin.com/in/x"), Some("LinkedIn"));
    }
}

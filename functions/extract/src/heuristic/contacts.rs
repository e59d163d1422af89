//! E-mail addresses, phone numbers (international and national formats) and profile links.

use std::sync::LazyLock;

use regex::Regex;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .unwrap_or_else(|e| unreachable!("fixed pattern: {e}"))
});

// Spaces are named (ASCII, no-break, figure, thin, narrow no-break) and letters matched without
// case only in ASCII: Unicode's whole `\s` class and case tables make a pattern several times
// slower to compile, and every process compiles these once per CV it reads.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?-u:\b)(?i-u:https?://|www\.)[^ \t\n\r\x0c\u{a0}\u{2007}\u{2009}\u{202f}|,;<>"'()]+|(?-u:\b)(?i-u:(?:[a-z]{2,3}\.)?(?:linkedin\.com/in|github\.com|gitlab\.com|behance\.net|dribbble\.com))/[^ \t\n\r\x0c\u{a0}\u{2007}\u{2009}\u{202f}|,;<>"'()]+"#)
        .unwrap_or_else(|e| unreachable!("fixed pattern: {e}"))
});

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+|\(|(?-u:\b))[0-9][0-9 \t\n\r\x0c\u{a0}\u{2007}\u{2009}\u{202f}().\-/]{5,}[0-9](?-u:\b)")
        .unwrap_or_else(|e| unreachable!("fixed pattern: {e}"))
});

pub fn emails(text: &str) -> Vec<String> {
    EMAIL.find_iter(text).map(|m| m.as_str().trim_end_matches('.').to_owned()).collect()
}

/// Links, with a scheme added where the CV left it out ("linkedin.com/in/x").
pub fn urls(text: &str) -> Vec<String> {
    let mut found: Vec<String> = URL
        .find_iter(text)
        .filter(|m| !text[..m.start()].ends_with('@'))
        .map(|m| {
            let url = m.as_str().trim_end_matches(['.', ',', ')', ':']);
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
    PHONE
        .find_iter(text)
        .filter_map(|m| {
            let raw = m.as_str().trim();
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

//! `contact.vcf`: the person's card in vCard 4.0 (RFC 6350), so a visitor can save it.

use r2w_core::model::CvData;

use crate::view::{clean, mailto_href, tel_href, web_href};

pub fn vcard(cv: &CvData) -> String {
    let clean_opt = |v: &Option<String>| v.as_deref().and_then(clean);
    let mut lines = vec!["BEGIN:VCARD".to_owned(), "VERSION:4.0".to_owned()];
    let name = clean_opt(&cv.hero.full_name).or_else(|| clean_opt(&cv.contact.email)).unwrap_or_default();
    lines.push(format!("FN:{}", escape(&name)));
    if let Some(title) = clean_opt(&cv.hero.professional_title) {
        lines.push(format!("TITLE:{}", escape(&title)));
    }
    if let Some(email) = clean_opt(&cv.contact.email).filter(|e| mailto_href(e).is_some()) {
        lines.push(format!("EMAIL:{}", escape(&email)));
    }
    if let Some(tel) = cv.contact.phone.as_deref().and_then(tel_href) {
        lines.push(format!("TEL;VALUE=uri:{tel}"));
    }
    if let Some(location) = &cv.contact.location {
        let part = |v: &Option<String>| clean_opt(v).map(|v| escape(&v)).unwrap_or_default();
        let adr = [
            String::new(),
            String::new(),
            part(&location.address),
            part(&location.city),
            part(&location.region),
            part(&location.postal_code),
            part(&location.country_code),
        ];
        if adr.iter().any(|p| !p.is_empty()) {
            lines.push(format!("ADR:{}", adr.join(";")));
        }
    }
    let urls = cv.contact.website.iter().chain(cv.contact.links.iter().filter_map(|l| l.url.as_ref()));
    for url in urls.filter_map(|u| web_href(u)) {
        lines.push(format!("URL:{url}"));
    }
    lines.push("END:VCARD".to_owned());
    lines.iter().map(|l| fold(l)).collect::<Vec<_>>().join("")
}

/// Text values escape backslash, comma, semicolon and newline (RFC 6350 §3.4).
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Lines longer than 75 octets are folded: CRLF and a space, never inside a character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut octets = 0;
    for c in line.chars() {
        if octets + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_escapes_values_and_folds_long_lines() {
        let mut cv = CvData::default();
        cv.hero.full_name = Some("Levi, Dana; \"D\"".into());
        cv.hero.professional_title = Some("מהנדסת ".repeat(20));
        cv.contact.email = Some("dana@example.com".into());
        cv.contact.phone = Some("+972 52-555-0142".into());
        let card = vcard(&cv);
        assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Levi\\, Dana\\; \"D\"\r\n"), "{card}");
        assert!(card.contains("EMAIL:dana@example.com\r\n"));
        assert!(card.contains("TEL;VALUE=uri:tel:+972525550142\r\n"));
        assert!(card.ends_with("END:VCARD\r\n"));
        for line in card.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        let unfolded = card.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("TITLE:{}", "מהנדסת ".repeat(20).trim_end())));
    }
}

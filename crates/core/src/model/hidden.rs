//! What a person hides from their site: [`CvData::hidden`] holds JSON Pointers (RFC 6901) into
//! the 18 sections, and [`CvData::without_hidden`] is the CV with those places taken out.
//!
//! A pointer is checked when CV data is parsed: it must name a value the CV has, in one of the
//! sections (metadata and unclassified text never reach a site anyway), and not a part of a
//! date range (hide the whole range: a start without its end would say something else).

use std::collections::BTreeSet;

use serde_json::Value;

use super::cv::{CvData, CvDataError};

/// The sections a pointer may reach into, as the JSON names them.
const SECTIONS: [&str; 18] = [
    "hero",
    "contact",
    "summary",
    "experience",
    "education",
    "skills",
    "projects",
    "achievements",
    "certifications",
    "languages",
    "volunteer",
    "publications",
    "speaking",
    "courses",
    "memberships",
    "hobbies",
    "patents",
    "testimonials",
];

impl CvData {
    /// The CV less everything [`CvData::hidden`] points at (a hidden entry leaves its list, a
    /// hidden field is empty), with no pointers left. An error names the first bad pointer.
    pub fn without_hidden(&self) -> Result<CvData, CvDataError> {
        let mut shown = self.clone();
        shown.hidden.clear();
        if self.hidden.is_empty() {
            return Ok(shown);
        }
        let at = |pointer: &str| {
            let index = self.hidden.iter().position(|p| p == pointer).unwrap_or_default();
            format!("/hidden/{index}")
        };
        let invalid = |pointer: &str, why: &str| CvDataError::InvalidAt {
            pointer: at(pointer),
            detail: format!("hidden: {pointer:?} {why}"),
        };
        let mut doc = serde_json::to_value(&shown).map_err(|e| CvDataError::Invalid(e.to_string()))?;
        let mut targets = BTreeSet::new();
        for pointer in &self.hidden {
            let tokens = tokens(pointer).ok_or_else(|| invalid(pointer, "is not a JSON Pointer"))?;
            match tokens.first() {
                Some(section) if SECTIONS.contains(&section.as_str()) => {}
                _ => return Err(invalid(pointer, "must point into one of the CV's sections")),
            }
            if tokens.iter().rev().skip(1).any(|t| t == "dates") {
                return Err(invalid(pointer, "points inside a date range: hide the whole range"));
            }
            if doc.pointer(pointer).is_none() {
                return Err(invalid(pointer, "points at nothing in this CV"));
            }
            targets.insert(tokens);
        }
        // Deepest first, and the last of a list before the ones above it: no removal moves the
        // value another pointer names.
        let mut targets: Vec<Vec<String>> = targets.into_iter().collect();
        targets.sort_by_key(|t| (std::cmp::Reverse(t.len()), std::cmp::Reverse(t.last().and_then(|l| index(l)))));
        for target in &targets {
            let Some((last, parent)) = target.split_last() else { continue };
            match doc.pointer_mut(&pointer_of(parent)) {
                Some(Value::Array(items)) => {
                    if let Some(i) = index(last).filter(|i| *i < items.len()) {
                        items.remove(i);
                    }
                }
                Some(Value::Object(fields)) => {
                    fields.remove(last);
                }
                _ => {}
            }
        }
        serde_json::from_value(doc).map_err(|e| CvDataError::Invalid(format!("hidden: {e}")))
    }
}

/// The reference tokens of a pointer, unescaped; `None` if it is not one (or is the whole CV).
fn tokens(pointer: &str) -> Option<Vec<String>> {
    let rest = pointer.strip_prefix('/')?;
    rest.split('/')
        .map(|token| {
            // "~" may only start "~0" or "~1".
            let bad_tilde =
                token.match_indices('~').any(|(i, _)| !matches!(token.as_bytes().get(i + 1), Some(b'0' | b'1')));
            (!bad_tilde).then(|| token.replace("~1", "/").replace("~0", "~"))
        })
        .collect()
}

fn pointer_of(tokens: &[String]) -> String {
    tokens.iter().map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1"))).collect()
}

/// An array index as RFC 6901 writes it: digits, no leading zero.
fn index(token: &str) -> Option<usize> {
    let canonical = token == "0" || (!token.starts_with('0') && token.bytes().all(|b| b.is_ascii_digit()));
    canonical.then(|| token.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contact, Experience};

    fn cv(hidden: &[&str]) -> CvData {
        CvData {
            contact: Contact {
                phone: Some("+1 555 0100".into()),
                email: Some("a@b.example".into()),
                ..Contact::default()
            },
            experience: (0..4)
                .map(|i| Experience {
                    title: Some(format!("Role {i}")),
                    responsibilities: vec![format!("r{i}.0"), format!("r{i}.1"), format!("r{i}.2")],
                    ..Experience::default()
                })
                .collect(),
            hidden: hidden.iter().map(|s| (*s).to_owned()).collect(),
            ..CvData::default()
        }
    }

    #[test]
    fn hidden_fields_and_entries_leave_the_cv_and_the_others_stay_in_place() {
        let shown = cv(&[
            "/contact/phone",
            "/experience/1",
            "/experience/3",
            "/experience/2/responsibilities/0",
            "/experience/1/title",
        ])
        .without_hidden()
        .expect("valid pointers");
        assert_eq!(shown.contact.phone, None);
        assert_eq!(shown.contact.email.as_deref(), Some("a@b.example"));
        let titles: Vec<_> = shown.experience.iter().filter_map(|e| e.title.as_deref()).collect();
        assert_eq!(titles, ["Role 0", "Role 2"]);
        assert_eq!(shown.experience[1].responsibilities, ["r2.1", "r2.2"]);
        assert!(shown.hidden.is_empty());
    }

    #[test]
    fn bad_pointers_are_refused_with_their_reason() {
        for (pointer, why) in [
            ("contact/phone", "not a JSON Pointer"),
            ("/contact/ph~2one", "not a JSON Pointer"),
            ("", "not a JSON Pointer"),
            ("/metadata/warnings", "sections"),
            ("/unclassifiedText", "sections"),
            ("/hidden", "sections"),
            ("/experience/9", "points at nothing"),
            ("/experience/01", "points at nothing"),
            ("/contact/website", "points at nothing"),
            ("/experience/0/dates/start", "date range"),
        ] {
            let error = cv(&[pointer]).without_hidden().expect_err(pointer).to_string();
            assert!(error.contains(why), "{pointer}: {error}");
        }
        let json = serde_json::to_vec(&cv(&["/experience/7"])).expect("json");
        assert!(CvData::from_json(&json).is_err(), "parsing checks the pointers");
    }

    #[test]
    fn escaped_tokens_and_whole_sections_work() {
        assert_eq!(tokens("/a~1b/c~0d"), Some(vec!["a/b".to_owned(), "c~d".to_owned()]));
        assert_eq!(pointer_of(&["a/b".to_owned(), "c~d".to_owned()]), "/a~1b/c~0d");
        let shown = cv(&["/experience", "/contact"]).without_hidden().expect("valid");
        assert!(shown.experience.is_empty() && shown.contact == Contact::default());
    }
}

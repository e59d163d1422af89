//! The public view of a CV: exactly what its page shows, and nothing else. Every file of a site
//! (the page, `resume.json`, the vCard, the JSON-LD) is made from this view, so a downloadable
//! file can never carry what the person did not see on their page.
//!
//! Left out: the CV's metadata (warnings, how and by which model it was extracted), its
//! unclassified text, whatever the person hid ([`CvData::hidden`]), and the details no page
//! shows (postal code, years of experience, how a referee knows the person, a link that is not
//! a web address, an entry with nothing to show). Strings are the page's: control characters
//! and direction overrides gone, blank values empty.

use r2w_core::model::{CvData, CvDataError, Metadata};
use serde_json::Value;

use crate::view::{clean, web_href};

#[derive(Debug, thiserror::Error)]
#[error("the public view of the CV could not be made: {0}")]
pub struct PublicViewError(String);

impl From<CvDataError> for PublicViewError {
    fn from(e: CvDataError) -> Self {
        Self(e.to_string())
    }
}

/// `cv` as its site shows it.
pub fn public_cv(cv: &CvData) -> Result<CvData, PublicViewError> {
    let shown = cv.without_hidden()?;
    let mut public = cleaned(&shown)?;
    public.metadata = Metadata { source_language: shown.metadata.source_language, ..Metadata::default() };
    public.unclassified_text = None;

    // The page shows only a photo the person uploaded, served by the site itself; an address
    // from the CV would have every visitor's browser fetch it from there.
    public.hero.photo_url = None;

    let contact = &mut public.contact;
    contact.website = web(&contact.website);
    // A profile whose address cannot be a link is left off the page, as is one with no label.
    contact.links.retain(|l| l.url.is_none() || web(&l.url).is_some());
    for link in &mut contact.links {
        link.url = web(&link.url);
    }
    contact.links.retain(|l| l.network.is_some() || l.username.is_some() || l.url.is_some());
    if let Some(location) = &mut contact.location {
        location.postal_code = None;
        // The page shows the place in parts when it has them, the address as written otherwise.
        if location.city.is_some() || location.region.is_some() || location.country_code.is_some() {
            location.address = None;
        }
    }
    if contact
        .location
        .as_ref()
        .is_some_and(|l| l.address.is_none() && l.city.is_none() && l.region.is_none() && l.country_code.is_none())
    {
        contact.location = None;
    }
    public.summary.years_of_experience = None;

    let some = |values: &[&Option<String>]| values.iter().any(|v| v.is_some());
    public.experience.retain(|e| some(&[&e.title, &e.company, &e.summary]) || !e.responsibilities.is_empty());
    public.experience.iter_mut().for_each(|e| e.url = web(&e.url));
    public.projects.retain(|p| some(&[&p.name, &p.entity, &p.kind, &p.description]) || !p.highlights.is_empty());
    public.projects.iter_mut().for_each(|p| p.url = web(&p.url));
    public.education.retain(|e| some(&[&e.degree, &e.field, &e.institution]) || !e.honours.is_empty());
    public.education.iter_mut().for_each(|e| e.url = web(&e.url));
    public.certifications.retain(|c| some(&[&c.name, &c.issuer]));
    public.certifications.iter_mut().for_each(|c| c.url = web(&c.url));
    public.achievements.retain(|a| some(&[&a.title, &a.awarder, &a.summary]));
    public.publications.retain(|p| some(&[&p.title, &p.venue, &p.kind, &p.summary]));
    public.publications.iter_mut().for_each(|p| p.url = web(&p.url));
    public.speaking.retain(|t| some(&[&t.title, &t.event, &t.summary]));
    public.speaking.iter_mut().for_each(|t| t.url = web(&t.url));
    public.patents.retain(|p| some(&[&p.title, &p.number, &p.status, &p.summary]));
    for patent in &mut public.patents {
        patent.url = web(&patent.url);
        // The page dates a patent by its grant, or by its filing while it has none.
        if patent.grant_date.is_some() {
            patent.filing_date = None;
        }
    }
    public.volunteer.retain(|v| some(&[&v.role, &v.organization, &v.summary]) || !v.highlights.is_empty());
    public.volunteer.iter_mut().for_each(|v| v.url = web(&v.url));
    public.courses.retain(|c| some(&[&c.name, &c.provider, &c.summary]));
    public.courses.iter_mut().for_each(|c| c.url = web(&c.url));
    public.testimonials.retain(|t| t.quote.is_some());
    public.testimonials.iter_mut().for_each(|t| t.relationship = None);
    public.skills.categories.retain(|c| !c.keywords.is_empty());
    public.languages.retain(|l| some(&[&l.language, &l.proficiency]));
    public.memberships.retain(|m| some(&[&m.organization, &m.role]));
    public.memberships.iter_mut().for_each(|m| m.url = web(&m.url));
    public.hobbies.retain(|h| h.name.is_some() || !h.keywords.is_empty());
    Ok(public)
}

fn web(url: &Option<String>) -> Option<String> {
    url.as_deref().and_then(web_href)
}

/// Every string as the page prints it; blank ones gone. The summary keeps its paragraphs.
fn cleaned(cv: &CvData) -> Result<CvData, PublicViewError> {
    fn walk(value: &mut Value, path: &mut Vec<String>) {
        match value {
            Value::Object(fields) => {
                fields.retain(|key, field| {
                    path.push(key.clone());
                    walk(field, path);
                    path.pop();
                    !is_blank(field)
                });
            }
            Value::Array(items) => {
                for item in items.iter_mut() {
                    walk(item, path);
                }
                items.retain(|item| !is_blank(item));
            }
            Value::String(text) => {
                let is_summary = path.len() == 2 && path[0] == "summary" && path[1] == "text";
                *text = if is_summary {
                    text.split("\n\n").filter_map(clean).collect::<Vec<_>>().join("\n\n")
                } else {
                    clean(text).unwrap_or_default()
                };
            }
            _ => {}
        }
    }
    fn is_blank(value: &Value) -> bool {
        value.is_null() || value.as_str().is_some_and(str::is_empty)
    }
    let mut doc = serde_json::to_value(cv).map_err(|e| PublicViewError(e.to_string()))?;
    walk(&mut doc, &mut Vec::new());
    serde_json::from_value(doc).map_err(|e| PublicViewError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use r2w_core::model::*;

    use super::*;

    #[test]
    fn what_the_page_does_not_show_is_not_in_the_view() {
        let cv = CvData {
            metadata: Metadata {
                source_language: "en".parse().ok(),
                extraction_method: Some(ExtractionMethod::Llm),
                extraction_model: Some("model-x".into()),
                warnings: vec!["check the dates".into()],
            },
            contact: Contact {
                phone: Some("+44 20 7946 0000".into()),
                location: Some(Location {
                    address: Some("1 Private Lane".into()),
                    postal_code: Some("N1 9GU".into()),
                    city: Some("London".into()),
                    ..Location::default()
                }),
                website: Some("javascript:alert(1)".into()),
                links: vec![
                    ProfileLink {
                        network: Some("Evil".into()),
                        url: Some("data:text/html,x".into()),
                        ..Default::default()
                    },
                    ProfileLink {
                        network: Some("GitHub".into()),
                        url: Some("github.com/ada".into()),
                        ..Default::default()
                    },
                ],
                ..Contact::default()
            },
            summary: Summary {
                text: Some("First.\n\n\u{202E}Second.".into()),
                years_of_experience: Some(12),
                ..Summary::default()
            },
            experience: vec![
                Experience { title: Some("  Engineer\u{7} ".into()), ..Experience::default() },
                Experience { technologies: vec!["only tags".into()], ..Experience::default() },
            ],
            testimonials: vec![
                Testimonial {
                    name: Some("Bo".into()),
                    relationship: Some("ex-partner".into()),
                    quote: Some("Great".into()),
                    ..Default::default()
                },
                Testimonial { name: Some("No quote".into()), ..Default::default() },
            ],
            unclassified_text: Some("passport 123".into()),
            hidden: vec!["/contact/phone".into()],
            ..CvData::default()
        };
        let public = public_cv(&cv).expect("view");
        assert_eq!(public.metadata, Metadata { source_language: "en".parse().ok(), ..Metadata::default() });
        assert_eq!(public.unclassified_text, None);
        assert!(public.hidden.is_empty());
        assert_eq!(public.contact.phone, None, "hidden");
        let location = public.contact.location.as_ref().expect("city");
        assert_eq!(
            (location.address.as_deref(), location.postal_code.as_deref(), location.city.as_deref()),
            (None, None, Some("London"))
        );
        assert_eq!(public.contact.website, None);
        assert_eq!(public.contact.links.len(), 1);
        assert_eq!(public.contact.links[0].url.as_deref(), Some("https://github.com/ada"));
        assert_eq!(public.summary.text.as_deref(), Some("First.\n\nSecond."));
        assert_eq!(public.summary.years_of_experience, None);
        assert_eq!(public.experience.len(), 1);
        assert_eq!(public.experience[0].title.as_deref(), Some("Engineer"));
        assert_eq!(public.testimonials.len(), 1);
        assert_eq!(public.testimonials[0].relationship, None);
        assert_eq!(public_cv(&public).expect("again"), public, "the view of a view is itself");
    }

    #[test]
    fn an_address_written_whole_is_shown_when_there_are_no_parts() {
        let mut cv = CvData::default();
        cv.contact.location = Some(Location { address: Some("Tel Aviv, Israel".into()), ..Location::default() });
        let public = public_cv(&cv).expect("view");
        assert_eq!(public.contact.location.and_then(|l| l.address).as_deref(), Some("Tel Aviv, Israel"));
    }
}

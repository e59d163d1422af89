//! JSON Resume (jsonresume.org, schema 1.x) as a lossless export and import target.
//!
//! Every CV field with a JSON Resume counterpart goes there. What JSON Resume has no place for
//! (four sections, some item details, metadata) travels under the top-level [`EXTENSION_KEY`],
//! which the schema allows. Per-item details are stored in arrays aligned by index with the JSON
//! Resume arrays; if someone edits the document and the lengths no longer match, those details
//! are ignored with a warning rather than attached to the wrong item.
//!
//! Conventions that would otherwise lose information:
//! - a dated entry with a start and no end is "current" (what themes show as "Present"); an
//!   entry that breaks the convention records `current` explicitly;
//! - a skill with only a name is an ungrouped skill; a named group with no keywords records
//!   `grouped: true`;
//! - JSON Resume requires `format: uri` / `format: email` values; a CV string that is not one
//!   (e.g. "linkedin.com/in/x") is kept under the extension instead of making the export invalid.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::skip_serializing_none;

use super::cv::*;
use super::dates::{DateRange, PartialDate};

pub const EXTENSION_KEY: &str = "x-r2w";

#[derive(Debug, thiserror::Error)]
pub enum JsonResumeError {
    #[error("not a JSON Resume document: {0}")]
    Malformed(String),
}

/// CV -> JSON Resume document (a JSON object).
pub fn export(cv: &CvData) -> Value {
    let mut ext = Extension {
        schema_version: cv.schema_version,
        metadata: cv.metadata.clone(),
        tagline: cv.hero.tagline.clone(),
        availability: cv.contact.availability.clone(),
        years_of_experience: cv.summary.years_of_experience,
        specialisations: cv.summary.specialisations.clone(),
        speaking: cv.speaking.clone(),
        courses: cv.courses.clone(),
        memberships: cv.memberships.clone(),
        patents: cv.patents.clone(),
        unclassified_text: cv.unclassified_text.clone(),
        hidden: cv.hidden.clone(),
        ..Extension::default()
    };

    let (email, bad_email) = split_format(cv.contact.email.clone(), is_email);
    let (website, bad_website) = split_format(cv.contact.website.clone(), is_uri);
    ext.email = bad_email;
    ext.website = bad_website;
    let profiles = cv.contact.links.iter().map(|link| {
        let (url, bad) = split_format(link.url.clone(), is_uri);
        (
            JrProfile { network: link.network.clone(), username: link.username.clone(), url },
            XItem { url: bad, ..XItem::default() },
        )
    });
    let (profiles, profile_ext) = unzip_extras(profiles);
    ext.profiles = profile_ext;

    let basics = JrBasics {
        name: cv.hero.full_name.clone(),
        label: cv.hero.professional_title.clone(),
        image: cv.hero.photo_url.clone(),
        email,
        phone: cv.contact.phone.clone(),
        url: website,
        summary: cv.summary.text.clone(),
        location: cv.contact.location.as_ref().map(|l| JrLocation {
            address: l.address.clone(),
            postal_code: l.postal_code.clone(),
            city: l.city.clone(),
            country_code: l.country_code.clone(),
            region: l.region.clone(),
        }),
        profiles,
    };

    let (work, ext_work) = unzip_extras(cv.experience.iter().map(|e| {
        let (url, bad_url) = split_format(e.url.clone(), is_uri);
        let (start, end, current) = export_dates(&e.dates);
        let jr = JrWork {
            name: e.company.clone(),
            location: e.location.clone(),
            description: e.company_description.clone(),
            position: e.title.clone(),
            url,
            start_date: start,
            end_date: end,
            summary: e.summary.clone(),
            highlights: e.responsibilities.clone(),
        };
        (jr, XItem { current, url: bad_url, technologies: e.technologies.clone(), ..XItem::default() })
    }));
    ext.work = ext_work;

    let (education, ext_education) = unzip_extras(cv.education.iter().map(|e| {
        let (url, bad_url) = split_format(e.url.clone(), is_uri);
        let (start, end, current) = export_dates(&e.dates);
        let jr = JrEducation {
            institution: e.institution.clone(),
            url,
            area: e.field.clone(),
            study_type: e.degree.clone(),
            start_date: start,
            end_date: end,
            score: e.grade.clone(),
            courses: e.courses.clone(),
        };
        let x = XItem {
            current,
            url: bad_url,
            location: e.location.clone(),
            honours: e.honours.clone(),
            ..XItem::default()
        };
        (jr, x)
    }));
    ext.education = ext_education;

    let (volunteer, ext_volunteer) = unzip_extras(cv.volunteer.iter().map(|v| {
        let (url, bad_url) = split_format(v.url.clone(), is_uri);
        let (start, end, current) = export_dates(&v.dates);
        let jr = JrVolunteer {
            organization: v.organization.clone(),
            position: v.role.clone(),
            url,
            start_date: start,
            end_date: end,
            summary: v.summary.clone(),
            highlights: v.highlights.clone(),
        };
        (jr, XItem { current, url: bad_url, location: v.location.clone(), ..XItem::default() })
    }));
    ext.volunteer = ext_volunteer;

    let (projects, ext_projects) = unzip_extras(cv.projects.iter().map(|p| {
        let (url, bad_url) = split_format(p.url.clone(), is_uri);
        let (start, end, current) = export_dates(&p.dates);
        let jr = JrProject {
            name: p.name.clone(),
            description: p.description.clone(),
            highlights: p.highlights.clone(),
            keywords: p.technologies.clone(),
            start_date: start,
            end_date: end,
            url,
            roles: p.roles.clone(),
            entity: p.entity.clone(),
            kind: p.kind.clone(),
        };
        (jr, XItem { current, url: bad_url, ..XItem::default() })
    }));
    ext.projects = ext_projects;

    let awards = cv
        .achievements
        .iter()
        .map(|a| JrAward {
            title: a.title.clone(),
            date: a.date,
            awarder: a.awarder.clone(),
            summary: a.summary.clone(),
        })
        .collect();

    let (certificates, ext_certificates) = unzip_extras(cv.certifications.iter().map(|c| {
        let (url, bad_url) = split_format(c.url.clone(), is_uri);
        let jr = JrCertificate { name: c.name.clone(), date: c.date, url, issuer: c.issuer.clone() };
        (jr, XItem { url: bad_url, credential_id: c.credential_id.clone(), ..XItem::default() })
    }));
    ext.certificates = ext_certificates;

    let (publications, ext_publications) = unzip_extras(cv.publications.iter().map(|p| {
        let (url, bad_url) = split_format(p.url.clone(), is_uri);
        let jr = JrPublication {
            name: p.title.clone(),
            publisher: p.venue.clone(),
            release_date: p.date,
            url,
            summary: p.summary.clone(),
        };
        let x = XItem {
            url: bad_url,
            kind: p.kind.clone(),
            doi: p.doi.clone(),
            authors: p.authors.clone(),
            ..XItem::default()
        };
        (jr, x)
    }));
    ext.publications = ext_publications;

    let categories = cv.skills.categories.iter().map(|c| {
        let looks_ungrouped = c.level.is_none() && c.keywords.is_empty();
        let jr = JrSkill { name: c.name.clone(), level: c.level.clone(), keywords: c.keywords.clone() };
        (jr, XItem { grouped: looks_ungrouped.then_some(true), ..XItem::default() })
    });
    let ungrouped = cv
        .skills
        .ungrouped
        .iter()
        .map(|name| (JrSkill { name: Some(name.clone()), ..JrSkill::default() }, XItem::default()));
    let (skills, ext_skills) = unzip_extras(categories.chain(ungrouped));
    ext.skills = ext_skills;

    let languages = cv
        .languages
        .iter()
        .map(|l| JrLanguage { language: l.language.clone(), fluency: l.proficiency.clone() })
        .collect();
    let interests =
        cv.hobbies.iter().map(|h| JrInterest { name: h.name.clone(), keywords: h.keywords.clone() }).collect();

    let (references, ext_references) = unzip_extras(cv.testimonials.iter().map(|t| {
        let jr = JrReference { name: t.name.clone(), reference: t.quote.clone() };
        let x = XItem {
            role: t.role.clone(),
            company: t.company.clone(),
            relationship: t.relationship.clone(),
            ..XItem::default()
        };
        (jr, x)
    }));
    ext.references = ext_references;

    let resume = JsonResume {
        basics: Some(basics),
        work,
        volunteer,
        education,
        awards,
        certificates,
        publications,
        skills,
        languages,
        interests,
        references,
        projects,
    };
    let mut doc = match serde_json::to_value(&resume) {
        Ok(Value::Object(map)) => map,
        // A struct of strings and lists always serialises to an object.
        _ => Map::new(),
    };
    if let Ok(ext) = serde_json::to_value(&ext) {
        doc.insert(EXTENSION_KEY.to_owned(), ext);
    }
    Value::Object(doc)
}

/// CV -> the JSON Resume document a public site serves: without what only the CV's owner and
/// this product read (the CV's metadata, its unclassified text, what is hidden, the schema
/// version). `cv` is expected to be what the page shows already; this only leaves out the
/// record-keeping.
pub fn export_public(cv: &CvData) -> Value {
    let mut doc = export(cv);
    let extension = doc.as_object_mut().and_then(|d| d.get_mut(EXTENSION_KEY)).and_then(Value::as_object_mut);
    if let Some(extension) = extension {
        for internal in ["schemaVersion", "metadata", "unclassifiedText", "hidden"] {
            extension.remove(internal);
        }
    }
    if let Some(d) = doc.as_object_mut()
        && d.get(EXTENSION_KEY).and_then(Value::as_object).is_some_and(Map::is_empty)
    {
        d.remove(EXTENSION_KEY);
    }
    doc
}

/// JSON Resume document -> CV. Values that do not fit the CV model (a date written as "Spring
/// 2019") are not dropped: they go to `unclassified_text` with a warning.
pub fn import(doc: &Value) -> Result<CvData, JsonResumeError> {
    if !doc.is_object() {
        return Err(JsonResumeError::Malformed("the document must be a JSON object".into()));
    }
    let mut leftovers = Leftovers::default();
    let resume = leftovers.parse_resume(doc)?;
    let ext: Extension = match doc.get(EXTENSION_KEY) {
        Some(value) => serde_json::from_value(value.clone())
            .map_err(|e| JsonResumeError::Malformed(format!("{EXTENSION_KEY}: {e}")))?,
        None => Extension {
            metadata: Metadata { extraction_method: Some(ExtractionMethod::Import), ..Metadata::default() },
            ..Extension::default()
        },
    };
    let mut warnings = Vec::new();
    let mut aligned = |name: &str, extras: Vec<XItem>, len: usize| -> Vec<XItem> {
        if extras.is_empty() || extras.len() == len {
            let mut extras = extras;
            extras.resize_with(len, XItem::default);
            extras
        } else {
            warnings.push(format!("{EXTENSION_KEY}.{name} does not match the {name} list; its details were ignored"));
            vec![XItem::default(); len]
        }
    };

    let basics = resume.basics.unwrap_or_default();
    let profile_ext = aligned("profiles", ext.profiles, basics.profiles.len());
    let links = basics
        .profiles
        .into_iter()
        .zip(profile_ext)
        .map(|(p, x)| ProfileLink { network: p.network, username: p.username, url: p.url.or(x.url) })
        .collect();

    let work_ext = aligned("work", ext.work, resume.work.len());
    let experience = resume
        .work
        .into_iter()
        .zip(work_ext)
        .map(|(w, x)| Experience {
            title: w.position,
            company: w.name,
            company_description: w.description,
            location: w.location,
            url: w.url.or(x.url),
            dates: import_dates(w.start_date, w.end_date, x.current),
            summary: w.summary,
            responsibilities: w.highlights,
            technologies: x.technologies,
        })
        .collect();

    let education_ext = aligned("education", ext.education, resume.education.len());
    let education = resume
        .education
        .into_iter()
        .zip(education_ext)
        .map(|(e, x)| Education {
            institution: e.institution,
            degree: e.study_type,
            field: e.area,
            location: x.location,
            url: e.url.or(x.url),
            dates: import_dates(e.start_date, e.end_date, x.current),
            grade: e.score,
            honours: x.honours,
            courses: e.courses,
        })
        .collect();

    let volunteer_ext = aligned("volunteer", ext.volunteer, resume.volunteer.len());
    let volunteer = resume
        .volunteer
        .into_iter()
        .zip(volunteer_ext)
        .map(|(v, x)| Volunteer {
            organization: v.organization,
            role: v.position,
            location: x.location,
            url: v.url.or(x.url),
            dates: import_dates(v.start_date, v.end_date, x.current),
            summary: v.summary,
            highlights: v.highlights,
        })
        .collect();

    let projects_ext = aligned("projects", ext.projects, resume.projects.len());
    let projects = resume
        .projects
        .into_iter()
        .zip(projects_ext)
        .map(|(p, x)| Project {
            name: p.name,
            description: p.description,
            url: p.url.or(x.url),
            dates: import_dates(p.start_date, p.end_date, x.current),
            roles: p.roles,
            entity: p.entity,
            kind: p.kind,
            highlights: p.highlights,
            technologies: p.keywords,
        })
        .collect();

    let certificates_ext = aligned("certificates", ext.certificates, resume.certificates.len());
    let certifications = resume
        .certificates
        .into_iter()
        .zip(certificates_ext)
        .map(|(c, x)| Certification {
            name: c.name,
            issuer: c.issuer,
            date: c.date,
            credential_id: x.credential_id,
            url: c.url.or(x.url),
        })
        .collect();

    let publications_ext = aligned("publications", ext.publications, resume.publications.len());
    let publications = resume
        .publications
        .into_iter()
        .zip(publications_ext)
        .map(|(p, x)| Publication {
            title: p.name,
            kind: x.kind,
            venue: p.publisher,
            date: p.release_date,
            url: p.url.or(x.url),
            doi: x.doi,
            authors: x.authors,
            summary: p.summary,
        })
        .collect();

    let skills_ext = aligned("skills", ext.skills, resume.skills.len());
    let mut skills = Skills::default();
    for (s, x) in resume.skills.into_iter().zip(skills_ext) {
        let only_a_name = s.level.is_none() && s.keywords.is_empty();
        match (s.name, only_a_name && x.grouped != Some(true)) {
            (Some(name), true) => skills.ungrouped.push(name),
            (name, _) => skills.categories.push(SkillCategory { name, level: s.level, keywords: s.keywords }),
        }
    }

    let references_ext = aligned("references", ext.references, resume.references.len());
    let testimonials = resume
        .references
        .into_iter()
        .zip(references_ext)
        .map(|(r, x)| Testimonial {
            name: r.name,
            role: x.role,
            company: x.company,
            relationship: x.relationship,
            quote: r.reference,
        })
        .collect();

    let mut metadata = ext.metadata;
    metadata.warnings.extend(warnings);
    metadata.warnings.extend(leftovers.warnings);
    let unclassified_text = match (ext.unclassified_text, leftovers.text.is_empty()) {
        (text, true) => text,
        (None, false) => Some(leftovers.text.join("\n")),
        (Some(text), false) => Some(format!("{text}\n{}", leftovers.text.join("\n"))),
    };

    let mut cv = CvData {
        schema_version: CV_SCHEMA_VERSION,
        metadata,
        hero: Hero {
            full_name: basics.name,
            professional_title: basics.label,
            tagline: ext.tagline,
            photo_url: basics.image,
        },
        contact: Contact {
            email: basics.email.or(ext.email),
            phone: basics.phone,
            location: basics.location.map(|l| Location {
                address: l.address,
                postal_code: l.postal_code,
                city: l.city,
                region: l.region,
                country_code: l.country_code,
            }),
            website: basics.url.or(ext.website),
            links,
            availability: ext.availability,
        },
        summary: Summary {
            text: basics.summary,
            years_of_experience: ext.years_of_experience,
            specialisations: ext.specialisations,
        },
        experience,
        education,
        skills,
        projects,
        achievements: resume
            .awards
            .into_iter()
            .map(|a| Achievement { title: a.title, awarder: a.awarder, date: a.date, summary: a.summary })
            .collect(),
        certifications,
        languages: resume
            .languages
            .into_iter()
            .map(|l| Language { language: l.language, proficiency: l.fluency })
            .collect(),
        volunteer,
        publications,
        speaking: ext.speaking,
        courses: ext.courses,
        memberships: ext.memberships,
        hobbies: resume.interests.into_iter().map(|i| Hobby { name: i.name, keywords: i.keywords }).collect(),
        patents: ext.patents,
        testimonials,
        unclassified_text,
        hidden: ext.hidden,
    };
    // Pointers that no longer fit (the lists were edited outside) would hide the wrong things.
    if let Err(e) = cv.without_hidden() {
        cv.metadata.warnings.push(format!("{EXTENSION_KEY}.hidden was ignored: {e}"));
        cv.hidden.clear();
    }
    Ok(cv)
}

/// Text from the document that the CV model cannot hold as typed data.
#[derive(Default)]
struct Leftovers {
    warnings: Vec<String>,
    text: Vec<String>,
}

impl Leftovers {
    /// Parses the typed document; a date that is not ISO 8601 (as the schema requires) is
    /// replaced by nothing in the typed data and kept here as text.
    fn parse_resume(&mut self, doc: &Value) -> Result<JsonResume, JsonResumeError> {
        let mut doc = doc.clone();
        if let Some(root) = doc.as_object_mut() {
            root.remove(EXTENSION_KEY);
            for (section, fields) in DATE_FIELDS {
                let Some(Value::Array(items)) = root.get_mut(*section) else { continue };
                for (i, item) in items.iter_mut().enumerate() {
                    let Some(item) = item.as_object_mut() else { continue };
                    for field in *fields {
                        self.take_bad_date(item, section, i, field);
                    }
                }
            }
        }
        serde_json::from_value(doc).map_err(|e| JsonResumeError::Malformed(e.to_string()))
    }

    fn take_bad_date(&mut self, item: &mut Map<String, Value>, section: &str, index: usize, field: &str) {
        let Some(value) = item.get(field) else { return };
        let fits = match value {
            Value::String(s) => s.is_empty() || s.parse::<PartialDate>().is_ok(),
            Value::Null => true,
            _ => false,
        };
        if !fits {
            let shown = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
            self.warnings
                .push(format!("{section}[{index}].{field} {shown:?} is not a date (YYYY[-MM[-DD]]); kept as text"));
            self.text.push(format!("{section}[{index}].{field}: {shown}"));
            item.remove(field);
        }
    }
}

const DATE_FIELDS: &[(&str, &[&str])] = &[
    ("work", &["startDate", "endDate"]),
    ("volunteer", &["startDate", "endDate"]),
    ("education", &["startDate", "endDate"]),
    ("projects", &["startDate", "endDate"]),
    ("awards", &["date"]),
    ("certificates", &["date"]),
    ("publications", &["releaseDate"]),
];

fn export_dates(dates: &DateRange) -> (Option<PartialDate>, Option<PartialDate>, Option<bool>) {
    let by_convention = dates.start.is_some() && dates.end.is_none();
    let current = (by_convention != dates.is_current).then_some(dates.is_current);
    (dates.start, dates.end, current)
}

fn import_dates(start: Option<PartialDate>, end: Option<PartialDate>, current: Option<bool>) -> DateRange {
    let is_current = current.unwrap_or(start.is_some() && end.is_none());
    // An edited document can hold an end before its start; keep both dates rather than lose one.
    DateRange::new(start, end, is_current && end.is_none()).unwrap_or(DateRange {
        start,
        end,
        is_current: is_current && end.is_none(),
    })
}

/// Splits a value into (valid for the JSON Resume field, kept under the extension).
fn split_format(value: Option<String>, valid: fn(&str) -> bool) -> (Option<String>, Option<String>) {
    match value {
        Some(v) if valid(&v) => (Some(v), None),
        other => (None, other),
    }
}

fn unzip_extras<J>(pairs: impl Iterator<Item = (J, XItem)>) -> (Vec<J>, Vec<XItem>) {
    let (items, extras): (Vec<J>, Vec<XItem>) = pairs.unzip();
    let extras = if extras.iter().all(XItem::is_empty) { Vec::new() } else { extras };
    (items, extras)
}

/// An absolute URI as RFC 3986 writes it (the schema's `format: uri`).
pub fn is_uri(value: &str) -> bool {
    const ALLOWED: &str = "-._~:/?#[]@!$&'()*+,;=%";
    value.chars().all(|c| c.is_ascii_alphanumeric() || ALLOWED.contains(c))
        && url::Url::parse(value).is_ok_and(|u| !u.cannot_be_a_base() || u.scheme() == "mailto")
}

/// An address of the shape `local@domain` (the schema's `format: email`).
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else { return false };
    let atom = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    !local.is_empty()
        && local.len() <= 64
        && local.chars().all(atom)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// What JSON Resume has no place for. Field names are camelCase like the rest of the document.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Extension {
    schema_version: u32,
    metadata: Metadata,
    tagline: Option<String>,
    availability: Option<String>,
    email: Option<String>,
    website: Option<String>,
    years_of_experience: Option<u16>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    specialisations: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    profiles: Vec<XItem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    work: Vec<XItem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    education: Vec<XItem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volunteer: Vec<XItem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    projects: Vec<XItem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    certificates: Vec<XItem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    publications: Vec<XItem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    skills: Vec<XItem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<XItem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    speaking: Vec<Talk>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    courses: Vec<Course>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    memberships: Vec<Membership>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    patents: Vec<Patent>,
    unclassified_text: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hidden: Vec<String>,
}

/// Details of one JSON Resume array item that the item itself cannot hold.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct XItem {
    current: Option<bool>,
    grouped: Option<bool>,
    url: Option<String>,
    location: Option<String>,
    credential_id: Option<String>,
    kind: Option<String>,
    doi: Option<String>,
    role: Option<String>,
    company: Option<String>,
    relationship: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    technologies: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    honours: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<String>,
}

impl XItem {
    fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

// The JSON Resume document, as far as the CV model has a place for it. Unknown fields are
// ignored on import; empty lists and absent values are left out on export.

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct JsonResume {
    #[serde(skip_serializing_if = "Option::is_none")]
    basics: Option<JrBasics>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    work: Vec<JrWork>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volunteer: Vec<JrVolunteer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    education: Vec<JrEducation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    awards: Vec<JrAward>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    certificates: Vec<JrCertificate>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    publications: Vec<JrPublication>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    skills: Vec<JrSkill>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    languages: Vec<JrLanguage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    interests: Vec<JrInterest>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<JrReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    projects: Vec<JrProject>,
}

/// Declares a JSON Resume object: every field optional, `""` read as absent, camelCase names.
macro_rules! jr_object {
    ($name:ident { $($field:ident : $ty:ty $(=> $rename:literal)?),* $(,)? }) => {
        #[skip_serializing_none]
        #[derive(Debug, Default, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase", default)]
        struct $name {
            $(
                $(#[serde(rename = $rename)])?
                #[serde(deserialize_with = "JrField::read")]
                $field: $ty,
            )*
        }
    };
}

jr_object!(JrBasics {
    name: Option<String>, label: Option<String>, image: Option<String>, email: Option<String>,
    phone: Option<String>, url: Option<String>, summary: Option<String>,
    location: Option<JrLocation>, profiles: Vec<JrProfile>,
});
jr_object!(JrLocation {
    address: Option<String>, postal_code: Option<String>, city: Option<String>,
    country_code: Option<String>, region: Option<String>,
});
jr_object!(JrProfile { network: Option<String>, username: Option<String>, url: Option<String> });
jr_object!(JrWork {
    name: Option<String>, location: Option<String>, description: Option<String>,
    position: Option<String>, url: Option<String>, start_date: Option<PartialDate>,
    end_date: Option<PartialDate>, summary: Option<String>, highlights: Vec<String>,
});
jr_object!(JrVolunteer {
    organization: Option<String>, position: Option<String>, url: Option<String>,
    start_date: Option<PartialDate>, end_date: Option<PartialDate>, summary: Option<String>,
    highlights: Vec<String>,
});
jr_object!(JrEducation {
    institution: Option<String>, url: Option<String>, area: Option<String>,
    study_type: Option<String>, start_date: Option<PartialDate>, end_date: Option<PartialDate>,
    score: Option<String>, courses: Vec<String>,
});
jr_object!(JrAward { title: Option<String>, date: Option<PartialDate>, awarder: Option<String>, summary: Option<String> });
jr_object!(JrCertificate { name: Option<String>, date: Option<PartialDate>, url: Option<String>, issuer: Option<String> });
jr_object!(JrPublication {
    name: Option<String>, publisher: Option<String>, release_date: Option<PartialDate>,
    url: Option<String>, summary: Option<String>,
});
jr_object!(JrSkill { name: Option<String>, level: Option<String>, keywords: Vec<String> });
jr_object!(JrLanguage { language: Option<String>, fluency: Option<String> });
jr_object!(JrInterest { name: Option<String>, keywords: Vec<String> });
jr_object!(JrReference { name: Option<String>, reference: Option<String> });
jr_object!(JrProject {
    name: Option<String>, description: Option<String>, highlights: Vec<String>,
    keywords: Vec<String>, start_date: Option<PartialDate>, end_date: Option<PartialDate>,
    url: Option<String>, roles: Vec<String>, entity: Option<String>, kind: Option<String> => "type",
});

/// How a JSON Resume field is read: `null` and `""` are absent, lists drop empty strings.
trait JrField: Sized {
    fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

impl JrField for Option<String> {
    fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
    }
}

impl JrField for Vec<String> {
    fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = Option::<Vec<String>>::deserialize(d)?.unwrap_or_default();
        Ok(items.into_iter().filter(|s| !s.is_empty()).collect())
    }
}

impl JrField for Option<PartialDate> {
    fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) if s.is_empty() => Ok(None),
            Some(s) => s.parse().map(Some).map_err(serde::de::Error::custom),
        }
    }
}

impl<T: serde::de::DeserializeOwned> JrField for Option<T>
where
    T: JrObject,
{
    fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d)
    }
}

impl<T: serde::de::DeserializeOwned + JrObject> JrField for Vec<T> {
    fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
    }
}

/// Marks the nested JSON Resume objects (so the blanket field impls above do not overlap).
trait JrObject {}
impl JrObject for JrLocation {}
impl JrObject for JrProfile {}

//! The original app's extracted CV (`cv_uploads.cv_data`, a JSON string) in our 18 sections.
//!
//! The old shape: 15 sections (hero, contact, summary, experience, education, skills, projects,
//! achievements, certifications, languages, courses, volunteer, publications, speaking,
//! hobbies) and `unclassified_text`, every key present and often null; list sections wrapped in
//! `{sectionTitle, <name>Items}`; older rows also carry `patents` and `memberships`, fields at
//! the top level that later moved into `additionalData`, `hero.summaryTagline`, and
//! `volunteer` either as that wrapper or as a bare list.
//!
//! Nothing is dropped: each field with a place in ours is moved there; every other non-empty
//! value (a section title, a demographic field, a date written as "Spring 2020", a key this
//! code has never seen) is written to `unclassifiedText` as `path: value`, after the old
//! unclassified text. `tests/legacy_import.rs` checks that for every fixture.

use r2w_core::model::{
    Achievement, Certification, Course, CvData, DateRange, Education, Experience, Hobby, Language, Location,
    Membership, PartialDate, Patent, ProfileLink, Project, Publication, SkillCategory, Talk, Volunteer,
};
use r2w_extract::heuristic::field_date;
use serde_json::{Map, Value};

/// Where the values with no place of their own start in `unclassifiedText`.
pub const KEPT_HEADER: &str = "Kept from the original CV data:";

/// `legacy` (the parsed `cv_data`) as CV data. Any JSON converts; a value that is not an object
/// is kept whole in `unclassifiedText`.
pub fn convert(legacy: &Value) -> CvData {
    let mut cv = CvData::default();
    let mut kept = Kept::default();
    let Value::Object(top) = legacy else {
        kept.value("cv_data", legacy);
        cv.unclassified_text = kept.into_text(None);
        return cv;
    };
    let mut top = Fields::new(top.clone(), "");
    // Fields that moved into `additionalData` are read from either place.
    if let Some(Value::Object(additional)) = top.take("additionalData") {
        for (key, value) in additional {
            if top.map.get(&key).is_none_or(Value::is_null) {
                top.map.insert(key, value);
            } else {
                kept.value(&format!("additionalData.{key}"), &value);
            }
        }
    }
    let unclassified = top.string("unclassified_text").or_else(|| top.string("unclassifiedText"));
    let kept = &mut kept;

    if let Some(hero) = top.object("hero", kept) {
        read_hero(&mut cv, hero, kept);
    }
    if let Some(contact) = top.object("contact", kept) {
        read_contact(&mut cv, contact, kept);
    }
    if let Some(mut summary) = top.object("summary", kept) {
        cv.summary.text = summary.string("summaryText");
        cv.summary.years_of_experience = summary.number("yearsOfExperience", kept);
        cv.summary.specialisations = summary.strings("keySpecializations", kept);
        summary.rest(kept);
    }
    cv.experience = items(&mut top, ("experience", "experienceItems"), kept, experience);
    cv.education = items(&mut top, ("education", "educationItems"), kept, education);
    if let Some(skills) = top.object("skills", kept) {
        read_skills(&mut cv, skills, kept);
    }
    cv.projects = items(&mut top, ("projects", "projectItems"), kept, project);
    cv.achievements = items(&mut top, ("achievements", "achievements"), kept, achievement);
    cv.certifications = items(&mut top, ("certifications", "certificationItems"), kept, certification);
    cv.languages = items(&mut top, ("languages", "languageItems"), kept, |item, _| Language {
        language: item.string("language"),
        proficiency: item.string("proficiency"),
    });
    cv.courses = items(&mut top, ("courses", "courseItems"), kept, course);
    cv.volunteer = items(&mut top, ("volunteer", "volunteerItems"), kept, volunteer);
    cv.publications = items(&mut top, ("publications", "publications"), kept, publication);
    cv.speaking = items(&mut top, ("speaking", "speakingEngagements"), kept, talk);
    cv.patents = items(&mut top, ("patents", "patents"), kept, patent);
    cv.memberships = items(&mut top, ("memberships", "memberships"), kept, membership);
    if let Some(mut hobbies) = top.object_or_list("hobbies", "hobbies", kept) {
        for hobby in hobbies.strings("hobbies", kept) {
            cv.hobbies.push(Hobby { name: Some(hobby), keywords: Vec::new() });
        }
        hobbies.rest(kept);
    }
    top.rest(kept);
    cv.unclassified_text = std::mem::take(kept).into_text(unclassified);
    cv
}

/// The entries of a section (`{key: {items: [...]}}` or `{key: [...]}`), each read by `read`;
/// what `read` leaves of an entry is kept.
fn items<T>(
    top: &mut Fields,
    (key, items): (&str, &str),
    kept: &mut Kept,
    read: impl Fn(&mut Fields, &mut Kept) -> T,
) -> Vec<T> {
    top.section(key, items, kept)
        .into_iter()
        .map(|mut item| {
            let value = read(&mut item, kept);
            item.rest(kept);
            value
        })
        .collect()
}

fn read_hero(cv: &mut CvData, mut hero: Fields, kept: &mut Kept) {
    cv.hero.full_name = hero.string("fullName");
    cv.hero.professional_title = hero.string("professionalTitle");
    cv.hero.tagline = hero.string("summaryTagline");
    cv.hero.photo_url = hero.string("profilePhotoUrl");
    hero.rest(kept);
}

fn read_contact(cv: &mut CvData, mut contact: Fields, kept: &mut Kept) {
    cv.contact.email = contact.string("email");
    cv.contact.phone = contact.string("phone");
    cv.contact.location = contact.object("location", kept).and_then(|mut place| {
        let location = Location {
            address: joined_place(&place.map),
            city: place.string("city"),
            region: place.string("state"),
            ..Location::default()
        };
        place.take("country");
        place.rest(kept);
        (location != Location::default()).then_some(location)
    });
    for mut link in contact.objects("professionalLinks", kept) {
        cv.contact.links.push(ProfileLink {
            network: link.string("platform"),
            url: link.string("url"),
            username: None,
        });
        link.rest(kept);
    }
    cv.contact.availability = contact.string("availability");
    contact.rest(kept);
}

fn read_skills(cv: &mut CvData, mut skills: Fields, kept: &mut Kept) {
    skills.take_title(kept);
    for mut category in skills.objects("skillCategories", kept) {
        cv.skills.categories.push(SkillCategory {
            name: category.string("categoryName"),
            keywords: category.strings("skills", kept),
            level: None,
        });
        category.rest(kept);
    }
    cv.skills.ungrouped = skills.strings("ungroupedSkills", kept);
    skills.rest(kept);
}

fn experience(item: &mut Fields, kept: &mut Kept) -> Experience {
    Experience {
        title: item.string("jobTitle"),
        company: item.string("companyName"),
        location: item.place("location", kept),
        dates: item.dates("dateRange", kept),
        summary: item.string("summary"),
        responsibilities: item.strings("responsibilitiesAndAchievements", kept),
        technologies: item.strings("technologiesUsed", kept),
        ..Experience::default()
    }
}

fn education(item: &mut Fields, kept: &mut Kept) -> Education {
    Education {
        institution: item.string("institution"),
        degree: item.string("degree"),
        field: item.string("fieldOfStudy"),
        location: item.place("location", kept),
        dates: item.dates("dateRange", kept),
        grade: item.string("gpa"),
        honours: item.strings("honors", kept),
        courses: item.strings("relevantCoursework", kept),
        ..Education::default()
    }
}

fn project(item: &mut Fields, kept: &mut Kept) -> Project {
    Project {
        name: item.string("title"),
        description: item.string("description"),
        url: item.string("projectUrl"),
        dates: item.dates("dateRange", kept),
        roles: item.string("role").into_iter().collect(),
        highlights: item.strings("keyFeatures", kept),
        technologies: item.strings("technologiesUsed", kept),
        ..Project::default()
    }
}

fn achievement(item: &mut Fields, kept: &mut Kept) -> Achievement {
    // "40%" + "faster deployments": the figure leads the title, as the old site showed it.
    let title = match (item.string("value"), item.string("label")) {
        (Some(value), Some(label)) => Some(format!("{value} {label}")),
        (value, label) => value.or(label),
    };
    Achievement { title, summary: item.string("contextOrDetail"), date: item.date("timeframe", kept), awarder: None }
}

fn certification(item: &mut Fields, kept: &mut Kept) -> Certification {
    Certification {
        name: item.string("title"),
        issuer: item.string("issuingOrganization"),
        date: item.date("issueDate", kept),
        credential_id: item.string("credentialId"),
        url: item.string("verificationUrl"),
    }
}

fn course(item: &mut Fields, kept: &mut Kept) -> Course {
    let date = match item.date("year", kept) {
        Some(date) => Some(date),
        None => {
            let range = item.dates("dateRange", kept);
            range.end.or(range.start)
        }
    };
    Course {
        name: item.string("title"),
        provider: item.string("institution"),
        date,
        url: item.string("certificateUrl"),
        summary: item.string("description"),
    }
}

fn volunteer(item: &mut Fields, kept: &mut Kept) -> Volunteer {
    let dates = item.dates("dateRange", kept);
    let dates = if dates.is_empty() { item.period("period", kept) } else { dates };
    Volunteer {
        organization: item.string("organization"),
        role: item.string("role"),
        location: item.place("location", kept),
        dates,
        summary: item.string("description"),
        highlights: item.strings("responsibilities", kept),
        url: None,
    }
}

fn publication(item: &mut Fields, kept: &mut Kept) -> Publication {
    Publication {
        title: item.string("title"),
        kind: item.string("publicationType"),
        venue: item.string("journalName").or_else(|| item.string("conferenceName")),
        date: item.date("publicationDate", kept),
        url: item.string("publicationUrl"),
        doi: item.string("doi"),
        authors: item.strings("authors", kept),
        summary: item.string("abstract"),
    }
}

fn talk(item: &mut Fields, kept: &mut Kept) -> Talk {
    Talk {
        title: item.string("topic"),
        event: item.string("eventName"),
        date: item.date("date", kept),
        location: item.string("venue"),
        url: item.string("eventUrl").or_else(|| item.string("presentationUrl")),
        summary: None,
    }
}

fn patent(item: &mut Fields, kept: &mut Kept) -> Patent {
    Patent {
        title: item.string("title"),
        number: item.string("patentNumber"),
        status: item.string("status"),
        filing_date: item.date("filingDate", kept),
        grant_date: item.date("grantDate", kept),
        inventors: item.strings("inventors", kept),
        url: item.string("patentUrl"),
        summary: item.string("description"),
    }
}

fn membership(item: &mut Fields, kept: &mut Kept) -> Membership {
    let dates = item.dates("dateRange", kept);
    let dates = if dates.is_empty() { item.period("period", kept) } else { dates };
    Membership { organization: item.string("organization"), role: item.string("role"), dates, url: None }
}

/// Values with no field of their own, as `path: value` lines.
#[derive(Default)]
struct Kept {
    lines: Vec<String>,
}

impl Kept {
    fn value(&mut self, path: &str, value: &Value) {
        match value {
            Value::Null => {}
            Value::String(s) if s.trim().is_empty() => {}
            Value::String(s) => self.lines.push(format!("{path}: {s}")),
            Value::Bool(_) | Value::Number(_) => self.lines.push(format!("{path}: {value}")),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(&format!("{path}[{i}]"), item);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    self.value(&format!("{path}.{key}"), item);
                }
            }
        }
    }

    fn into_text(self, unclassified: Option<String>) -> Option<String> {
        let kept = (!self.lines.is_empty()).then(|| format!("{KEPT_HEADER}\n{}", self.lines.join("\n")));
        match (unclassified, kept) {
            (Some(text), Some(kept)) => Some(format!("{text}\n\n{kept}")),
            (text, kept) => text.or(kept),
        }
    }
}

/// One JSON object being taken apart: what is taken has a place; [`Fields::rest`] keeps the rest.
struct Fields {
    map: Map<String, Value>,
    path: String,
}

impl Fields {
    fn new(map: Map<String, Value>, path: &str) -> Self {
        Self { map, path: path.to_owned() }
    }

    fn at(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) }
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    /// Text: a string (trimmed, empty = none) or a number written as text ("3.8").
    fn string(&mut self, key: &str) -> Option<String> {
        match self.map.get(key)? {
            Value::String(s) => {
                let text = s.trim().to_owned();
                self.map.remove(key);
                (!text.is_empty()).then_some(text)
            }
            Value::Number(n) => {
                let text = n.to_string();
                self.map.remove(key);
                Some(text)
            }
            Value::Null => {
                self.map.remove(key);
                None
            }
            _ => None,
        }
    }

    fn number<T: TryFrom<u64>>(&mut self, key: &str, kept: &mut Kept) -> Option<T> {
        let value = self.take(key)?;
        let number = match &value {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        let number = number.and_then(|n| T::try_from(n).ok());
        if number.is_none() {
            kept.value(&self.at(key), &value);
        }
        number
    }

    /// A list of texts; anything in it that is not text is kept.
    fn strings(&mut self, key: &str, kept: &mut Kept) -> Vec<String> {
        let path = self.at(key);
        match self.take(key) {
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .filter_map(|(i, item)| match item {
                    Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                    Value::Number(n) => Some(n.to_string()),
                    other => {
                        kept.value(&format!("{path}[{i}]"), &other);
                        None
                    }
                })
                .collect(),
            Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_owned()],
            Some(other) => {
                kept.value(&path, &other);
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    fn object(&mut self, key: &str, kept: &mut Kept) -> Option<Fields> {
        let path = self.at(key);
        match self.take(key)? {
            Value::Object(map) => Some(Fields::new(map, &path)),
            other => {
                kept.value(&path, &other);
                None
            }
        }
    }

    fn objects(&mut self, key: &str, kept: &mut Kept) -> Vec<Fields> {
        let path = self.at(key);
        match self.take(key) {
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .filter_map(|(i, item)| match item {
                    Value::Object(map) => Some(Fields::new(map, &format!("{path}[{i}]"))),
                    other => {
                        kept.value(&format!("{path}[{i}]"), &other);
                        None
                    }
                })
                .collect(),
            Some(other) => {
                kept.value(&path, &other);
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// A section's section title is kept (it may say more than the heading we give it).
    fn take_title(&mut self, kept: &mut Kept) {
        if let Some(title) = self.take("sectionTitle") {
            kept.value(&self.at("sectionTitle"), &title);
        }
    }

    /// A list section: `{sectionTitle, <items>: [...]}` or, in older rows, the bare list.
    fn section(&mut self, key: &str, items: &str, kept: &mut Kept) -> Vec<Fields> {
        let Some(mut section) = self.object_or_list(key, items, kept) else { return Vec::new() };
        section.take_title(kept);
        let list = section.objects(items, kept);
        section.rest(kept);
        list
    }

    fn object_or_list(&mut self, key: &str, items: &str, kept: &mut Kept) -> Option<Fields> {
        match self.map.get(key) {
            Some(Value::Array(_)) => {
                let list = self.take(key)?;
                let mut map = Map::new();
                map.insert(items.to_owned(), list);
                Some(Fields::new(map, &self.at(key)))
            }
            _ => self.object(key, kept),
        }
    }

    /// A `{city, state, country}` location as one line of text.
    fn place(&mut self, key: &str, kept: &mut Kept) -> Option<String> {
        match self.map.get(key) {
            Some(Value::String(_)) => self.string(key),
            _ => {
                let mut place = self.object(key, kept)?;
                let line = joined_place(&place.map);
                for part in ["city", "state", "country"] {
                    place.take(part);
                }
                place.rest(kept);
                line
            }
        }
    }

    fn date(&mut self, key: &str, kept: &mut Kept) -> Option<PartialDate> {
        let text = self.string(key)?;
        match field_date(&text) {
            Some(Some(date)) => Some(date),
            _ => {
                kept.value(&self.at(key), &Value::String(text));
                None
            }
        }
    }

    /// `{startDate, endDate, isCurrent}`; a date that does not parse, or a range that does not
    /// hold together, is kept as written.
    fn dates(&mut self, key: &str, kept: &mut Kept) -> DateRange {
        let Some(mut range) = self.object(key, kept) else { return DateRange::default() };
        let path = range.path.clone();
        let texts = [range.string("startDate"), range.string("endDate")];
        let current = matches!(range.take("isCurrent"), Some(Value::Bool(true)));
        range.rest(kept);
        let keep_all = |kept: &mut Kept| {
            for (field, text) in ["startDate", "endDate"].iter().zip(&texts) {
                if let Some(text) = text {
                    kept.value(&format!("{path}.{field}"), &Value::String(text.clone()));
                }
            }
        };
        let [start, end] = texts.clone().map(|text| text.as_deref().map(field_date));
        let (start, end, current) = match (start, end) {
            // "Present" ends a range; a start that is not a date is not a range.
            (Some(Some(None)) | Some(None), _) | (_, Some(None)) => {
                keep_all(kept);
                return DateRange { is_current: current, ..DateRange::default() };
            }
            (start, Some(Some(None))) => (start.flatten().flatten(), None, true),
            (start, end) => (start.flatten().flatten(), end.flatten().flatten(), current),
        };
        DateRange::new(start, end, current).unwrap_or_else(|_| {
            keep_all(kept);
            DateRange { is_current: current && end.is_none(), ..DateRange::default() }
        })
    }

    /// A free-text period ("2019 - 2021", "since 2018"); kept as written unless it is one.
    fn period(&mut self, key: &str, kept: &mut Kept) -> DateRange {
        let Some(text) = self.string(key) else { return DateRange::default() };
        match r2w_extract::heuristic::find_range(&text) {
            Some(found) if found.start == 0 && found.end == text.len() => found.range,
            _ => {
                kept.value(&self.at(key), &Value::String(text));
                DateRange::default()
            }
        }
    }

    /// Whatever was not taken.
    fn rest(self, kept: &mut Kept) {
        for (key, value) in &self.map {
            kept.value(&self.at(key), value);
        }
    }
}

fn joined_place(place: &Map<String, Value>) -> Option<String> {
    let parts: Vec<&str> = ["city", "state", "country"]
        .iter()
        .filter_map(|k| place.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

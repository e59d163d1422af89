//! CV data as the page shows it: cleaned strings, checked links, formatted dates, sections in
//! reading order with the empty ones left out. Templates only lay this out; every decision
//! about what is shown, and whether a URL may become a link, is made here.

use r2w_core::model::{
    Achievement, Certification, Contact, Course, CvData, DateRange, Education, Experience, Language, Membership,
    PartialDate, Patent, Project, Publication, Talk, Volunteer,
};

use crate::i18n::{Lang, SectionId, SiteWords, Word};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub label: String,
    /// `None` when the value is not a safe link; it is then shown as text.
    pub href: Option<String>,
    /// What kind of contact: "email", "phone", "website", "profile" (a CSS hook).
    pub kind: &'static str,
}

/// A date or the word for "present"; `iso` feeds `<time datetime>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    pub label: String,
    pub iso: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub title: Option<String>,
    pub href: Option<String>,
    pub org: Option<String>,
    pub dates: Vec<When>,
    pub meta: Vec<String>,
    pub text: Option<String>,
    pub bullets: Vec<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: Option<String>,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub text: String,
    pub by: Option<String>,
}

/// One section; exactly one of its bodies is non-empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub anchor: &'static str,
    pub title: &'static str,
    pub paragraphs: Vec<String>,
    pub entries: Vec<Entry>,
    pub groups: Vec<Group>,
    pub quotes: Vec<Quote>,
}

impl Section {
    fn new(id: SectionId, lang: Lang) -> Self {
        Self {
            anchor: id.anchor(),
            title: lang.section(id),
            paragraphs: Vec::new(),
            entries: Vec::new(),
            groups: Vec::new(),
            quotes: Vec::new(),
        }
    }

    fn is_empty(&self) -> bool {
        self.paragraphs.is_empty() && self.entries.is_empty() && self.groups.is_empty() && self.quotes.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: Option<String>,
    pub headline: Option<String>,
    pub tagline: Option<String>,
    pub photo: Option<String>,
    pub location: Option<String>,
    pub availability: Option<String>,
    pub contacts: Vec<Link>,
    /// The story of the career, then the rest (skills, languages...) for a sidebar.
    pub main: Vec<Section>,
    pub aside: Vec<Section>,
}

/// Removes what must never reach a page from untrusted text: control characters and the
/// bidirectional overrides and isolates that can make text read differently than it is
/// stored. Whitespace runs become one space; blank becomes `None`.
pub fn clean(text: &str) -> Option<String> {
    let kept: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}'))
        .collect();
    let joined = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

fn clean_opt(text: &Option<String>) -> Option<String> {
    text.as_deref().and_then(clean)
}

fn clean_all(items: &[String]) -> Vec<String> {
    items.iter().filter_map(|s| clean(s)).collect()
}

/// A web address that may become a link: http or https only, with a host. A bare
/// "github.com/dana" is taken as https.
pub fn web_href(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let candidate = if raw.contains("://") { raw.to_owned() } else { format!("https://{raw}") };
    let url = url::Url::parse(&candidate).ok()?;
    let host_ok = url.host_str().is_some_and(|h| h.contains('.') || h == "localhost");
    (matches!(url.scheme(), "http" | "https") && host_ok && url.username().is_empty() && url.password().is_none())
        .then(|| url.to_string())
}

pub fn mailto_href(email: &str) -> Option<String> {
    let email = email.trim();
    let (local, domain) = email.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && email.chars().all(|c| c.is_alphanumeric() || "@.+-_'".contains(c));
    ok.then(|| format!("mailto:{email}"))
}

pub fn tel_href(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    let plus = if phone.trim_start().starts_with('+') { "+" } else { "" };
    (7..=15).contains(&digits.len()).then(|| format!("tel:{plus}{digits}"))
}

fn dates(range: &DateRange, lang: Lang) -> Vec<When> {
    let when = |d: &PartialDate| When { label: lang.date(d), iso: Some(d.to_string()) };
    let mut out: Vec<When> = range.start.iter().map(when).collect();
    if range.is_current {
        out.push(When { label: lang.word(Word::Present).to_owned(), iso: None });
    } else if let Some(end) = &range.end
        && Some(end) != range.start.as_ref()
    {
        out.push(when(end));
    }
    out
}

fn single_date(date: &Option<PartialDate>, lang: Lang) -> Vec<When> {
    date.iter().map(|d| When { label: lang.date(d), iso: Some(d.to_string()) }).collect()
}

fn link_of(url: &Option<String>) -> Option<String> {
    url.as_deref().and_then(web_href)
}

fn join_clean(parts: &[&Option<String>], separator: &str) -> Option<String> {
    let parts: Vec<String> = parts.iter().filter_map(|p| clean_opt(p)).collect();
    (!parts.is_empty()).then(|| parts.join(separator))
}

impl Profile {
    pub fn of(cv: &CvData, lang: Lang) -> Self {
        let main = [
            about(cv, lang),
            entries(SectionId::Experience, lang, &cv.experience, job),
            entries(SectionId::Projects, lang, &cv.projects, project),
            entries(SectionId::Education, lang, &cv.education, education),
            entries(SectionId::Certifications, lang, &cv.certifications, certification),
            entries(SectionId::Achievements, lang, &cv.achievements, award),
            entries(SectionId::Publications, lang, &cv.publications, publication),
            entries(SectionId::Speaking, lang, &cv.speaking, talk),
            entries(SectionId::Patents, lang, &cv.patents, patent),
            entries(SectionId::Volunteer, lang, &cv.volunteer, volunteering),
            entries(SectionId::Courses, lang, &cv.courses, course),
            testimonials(cv, lang),
        ];
        let aside = [
            skills(cv, lang),
            entries(SectionId::Languages, lang, &cv.languages, language),
            entries(SectionId::Memberships, lang, &cv.memberships, membership),
            hobbies(cv, lang),
        ];
        let location =
            cv.contact.location.as_ref().and_then(|l| {
                join_clean(&[&l.city, &l.region, &l.country_code], ", ").or_else(|| clean_opt(&l.address))
            });
        Self {
            name: clean_opt(&cv.hero.full_name),
            headline: clean_opt(&cv.hero.professional_title),
            tagline: clean_opt(&cv.hero.tagline),
            photo: link_of(&cv.hero.photo_url),
            location,
            availability: clean_opt(&cv.contact.availability),
            contacts: contacts(&cv.contact),
            main: shown(main),
            aside: shown(aside),
        }
    }
}

/// The sections with something to show. An entry with only an organisation (a course
/// provider, say) is headed by it.
fn shown(sections: impl IntoIterator<Item = Section>) -> Vec<Section> {
    sections
        .into_iter()
        .map(|mut section| {
            for entry in &mut section.entries {
                if entry.title.is_none() {
                    entry.title = entry.org.take();
                }
            }
            section
        })
        .filter(|section| !section.is_empty())
        .collect()
}

/// A section of entries, one per item that has something to show.
fn entries<T>(id: SectionId, lang: Lang, items: &[T], entry: impl Fn(&T, Lang) -> Entry) -> Section {
    let mut section = Section::new(id, lang);
    section.entries = items.iter().map(|item| entry(item, lang)).filter(has_content).collect();
    section
}

fn contacts(contact: &Contact) -> Vec<Link> {
    let mut contacts = Vec::new();
    if let Some(email) = clean_opt(&contact.email) {
        contacts.push(Link { href: mailto_href(&email), label: email, kind: "email" });
    }
    if let Some(phone) = clean_opt(&contact.phone) {
        // A number never wraps across lines: non-breaking spaces and hyphens.
        let label = phone.replace(' ', "\u{a0}").replace('-', "\u{2011}");
        contacts.push(Link { href: tel_href(&phone), label, kind: "phone" });
    }
    // An address that cannot safely be a link is left off the page (it stays in the data).
    if let Some(href) = contact.website.as_deref().and_then(web_href) {
        contacts.push(Link { label: display_url(&href), href: Some(href), kind: "website" });
    }
    for profile in &contact.links {
        let href = link_of(&profile.url);
        if profile.url.as_deref().and_then(clean).is_some() && href.is_none() {
            continue;
        }
        let label = clean_opt(&profile.network)
            .map(|network| match clean_opt(&profile.username) {
                Some(user) => format!("{network}: {user}"),
                None => network,
            })
            .or_else(|| clean_opt(&profile.username))
            .or_else(|| href.as_deref().map(display_url));
        if let Some(label) = label {
            contacts.push(Link { label, href, kind: "profile" });
        }
    }
    contacts
}

fn about(cv: &CvData, lang: Lang) -> Section {
    let mut about = Section::new(SectionId::Summary, lang);
    about.paragraphs = cv.summary.text.iter().flat_map(|t| paragraphs(t)).collect();
    if !cv.summary.specialisations.is_empty() {
        about.groups.push(Group { name: None, items: clean_all(&cv.summary.specialisations) });
        about.groups.retain(|g| !g.items.is_empty());
    }
    about
}

fn job(job: &Experience, lang: Lang) -> Entry {
    Entry {
        title: clean_opt(&job.title),
        href: link_of(&job.url),
        org: clean_opt(&job.company),
        dates: dates(&job.dates, lang),
        meta: [&job.location, &job.company_description].iter().filter_map(|m| clean_opt(m)).collect(),
        text: clean_opt(&job.summary),
        bullets: clean_all(&job.responsibilities),
        tags: clean_all(&job.technologies),
    }
}

fn project(p: &Project, lang: Lang) -> Entry {
    Entry {
        title: clean_opt(&p.name),
        href: link_of(&p.url),
        org: join_clean(&[&p.entity, &p.kind], " · "),
        dates: dates(&p.dates, lang),
        meta: clean_all(&p.roles),
        text: clean_opt(&p.description),
        bullets: clean_all(&p.highlights),
        tags: clean_all(&p.technologies),
    }
}

fn education(e: &Education, lang: Lang) -> Entry {
    Entry {
        title: join_clean(&[&e.degree, &e.field], ", "),
        href: link_of(&e.url),
        org: clean_opt(&e.institution),
        dates: dates(&e.dates, lang),
        meta: [&e.location, &e.grade].iter().filter_map(|m| clean_opt(m)).collect(),
        text: None,
        bullets: clean_all(&e.honours),
        tags: clean_all(&e.courses),
    }
}

fn certification(c: &Certification, lang: Lang) -> Entry {
    Entry {
        title: clean_opt(&c.name),
        href: link_of(&c.url),
        org: clean_opt(&c.issuer),
        dates: single_date(&c.date, lang),
        meta: clean_opt(&c.credential_id)
            .map(|id| format!("{}: {id}", lang.word(Word::Credential)))
            .into_iter()
            .collect(),
        ..Entry::default()
    }
}

fn award(a: &Achievement, lang: Lang) -> Entry {
    Entry {
        title: clean_opt(&a.title),
        org: clean_opt(&a.awarder),
        dates: single_date(&a.date, lang),
        text: clean_opt(&a.summary),
        ..Entry::default()
    }
}

fn publication(p: &Publication, lang: Lang) -> Entry {
    Entry {
        title: clean_opt(&p.title),
        href: link_of(&p.url).or_else(|| p.doi.as_deref().and_then(doi_href)),
        org: join_clean(&[&p.venue, &p.kind], " · "),
        dates: single_date(&p.date, lang),
        meta: [clean_all(&p.authors).join(", ")]
            .into_iter()
            .filter(|a| !a.is_empty())
            .chain(clean_opt(&p.doi).map(|doi| format!("DOI {doi}")))
            .collect(),
        text: clean_opt(&p.summary),
        ..Entry::default()
    }
}

fn talk(t: &Talk, lang: Lang) -> Entry {
    Entry {
        title: clean_opt(&t.title),
        href: link_of(&t.url),
        org: clean_opt(&t.event),
        dates: single_date(&t.date, lang),
        meta: clean_opt(&t.location).into_iter().collect(),
        text: clean_opt(&t.summary),
        ..Entry::default()
    }
}

fn patent(p: &Patent, lang: Lang) -> Entry {
    Entry {
        title: clean_opt(&p.title),
        href: link_of(&p.url),
        org: join_clean(&[&p.number, &p.status], " · "),
        dates: single_date(&p.grant_date.or(p.filing_date), lang),
        meta: [clean_all(&p.inventors).join(", ")].into_iter().filter(|a| !a.is_empty()).collect(),
        text: clean_opt(&p.summary),
        ..Entry::default()
    }
}

fn volunteering(v: &Volunteer, lang: Lang) -> Entry {
    Entry {
        title: clean_opt(&v.role),
        href: link_of(&v.url),
        org: clean_opt(&v.organization),
        dates: dates(&v.dates, lang),
        meta: clean_opt(&v.location).into_iter().collect(),
        text: clean_opt(&v.summary),
        bullets: clean_all(&v.highlights),
        ..Entry::default()
    }
}

fn course(c: &Course, lang: Lang) -> Entry {
    Entry {
        title: clean_opt(&c.name),
        href: link_of(&c.url),
        org: clean_opt(&c.provider),
        dates: single_date(&c.date, lang),
        text: clean_opt(&c.summary),
        ..Entry::default()
    }
}

fn language(l: &Language, _: Lang) -> Entry {
    Entry { title: clean_opt(&l.language), org: clean_opt(&l.proficiency), ..Entry::default() }
}

fn membership(m: &Membership, lang: Lang) -> Entry {
    Entry {
        title: clean_opt(&m.organization),
        href: link_of(&m.url),
        org: clean_opt(&m.role),
        dates: dates(&m.dates, lang),
        ..Entry::default()
    }
}

fn testimonials(cv: &CvData, lang: Lang) -> Section {
    let mut testimonials = Section::new(SectionId::Testimonials, lang);
    testimonials.quotes = cv
        .testimonials
        .iter()
        .filter_map(|t| {
            let text = clean_opt(&t.quote)?;
            let role = join_clean(&[&t.role, &t.company], ", ");
            let by = match (clean_opt(&t.name), role) {
                (Some(name), Some(role)) => Some(format!("{name}, {role}")),
                (name, role) => name.or(role),
            };
            Some(Quote { text, by })
        })
        .collect();
    testimonials
}

fn skills(cv: &CvData, lang: Lang) -> Section {
    let mut skills = Section::new(SectionId::Skills, lang);
    skills.groups = cv
        .skills
        .categories
        .iter()
        .map(|c| Group {
            name: match (clean_opt(&c.name), clean_opt(&c.level)) {
                (Some(name), Some(level)) => Some(format!("{name} ({level})")),
                (name, level) => name.or(level),
            },
            items: clean_all(&c.keywords),
        })
        .chain(std::iter::once(Group { name: None, items: clean_all(&cv.skills.ungrouped) }))
        .filter(|g| !g.items.is_empty())
        .collect();
    skills
}

fn hobbies(cv: &CvData, lang: Lang) -> Section {
    let mut hobbies = Section::new(SectionId::Hobbies, lang);
    hobbies.groups = cv
        .hobbies
        .iter()
        .filter_map(|h| {
            let name = clean_opt(&h.name);
            let items = clean_all(&h.keywords);
            match (name, items.is_empty()) {
                (Some(name), true) => Some(Group { name: None, items: vec![name] }),
                (name, false) => Some(Group { name, items }),
                (None, true) => None,
            }
        })
        .collect();
    hobbies
}

fn has_content(entry: &Entry) -> bool {
    entry.title.is_some() || entry.org.is_some() || entry.text.is_some() || !entry.bullets.is_empty()
}

/// Paragraphs as written: blank lines separate them.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").filter_map(clean).collect()
}

/// "https://www.example.com/" -> "example.com", for link text.
fn display_url(url: &str) -> String {
    let bare = url.trim().trim_start_matches("https://").trim_start_matches("http://").trim_start_matches("www.");
    bare.trim_end_matches('/').to_owned()
}

fn doi_href(doi: &str) -> Option<String> {
    let doi = doi.trim().trim_start_matches("doi:").trim();
    (doi.starts_with("10.") && !doi.contains(char::is_whitespace))
        .then(|| format!("https://doi.org/{}", percent_path(doi)))
}

fn percent_path(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>().replace("%2F", "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_mail_and_phone_links_survive() {
        assert_eq!(web_href("https://dana.dev/work").as_deref(), Some("https://dana.dev/work"));
        assert_eq!(web_href("github.com/dlevi").as_deref(), Some("https://github.com/dlevi"));
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "file:///etc/passwd",
            "https://user:pw@evil.example",
            "notaurl",
        ] {
            assert_eq!(web_href(bad), None, "{bad}");
        }
        assert_eq!(mailto_href("dana@example.com").as_deref(), Some("mailto:dana@example.com"));
        assert_eq!(mailto_href("dana@example.com?subject=x"), None);
        assert_eq!(mailto_href("\"><script>@x.y"), None);
        assert_eq!(tel_href("+1 (415) 555-0134").as_deref(), Some("tel:+14155550134"));
        assert_eq!(tel_href("call me"), None);
    }

    #[test]
    fn text_loses_controls_and_direction_overrides() {
        assert_eq!(clean("  Dana\u{202E}  Levi\u{0007}\n").as_deref(), Some("Dana Levi"));
        assert_eq!(clean(" \u{2066}\u{2069} "), None);
    }

    #[test]
    fn empty_sections_are_left_out_and_ranges_read_naturally() {
        let mut cv = CvData::default();
        cv.hero.full_name = Some("Dana".into());
        cv.experience.push(r2w_core::model::Experience {
            title: Some("Engineer".into()),
            dates: DateRange::new(Some(PartialDate::month(2020, 1).expect("date")), None, true).expect("range"),
            ..Default::default()
        });
        cv.projects.push(r2w_core::model::Project::default());
        let profile = Profile::of(&cv, Lang::Es);
        assert_eq!(profile.main.len(), 1, "only experience has content");
        assert!(profile.aside.is_empty());
        let dates = &profile.main[0].entries[0].dates;
        assert_eq!(dates[0], When { label: "ene 2020".into(), iso: Some("2020-01".into()) });
        assert_eq!(dates[1], When { label: "Actualidad".into(), iso: None });
        assert_eq!(profile.main[0].title, "Experiencia");
    }
}

//! The offline extractor: CV text -> CV data with no network, by headings, dates and contact
//! patterns. It is the default without an API key and the fallback while the LLM's circuit
//! breaker is open; its result says `extractionMethod: heuristic` so a client can offer a
//! better extraction later.
//!
//! Zero fabrication holds here too: every value is a piece of the text, never a guess; what
//! cannot be placed goes to `unclassifiedText`.

mod contacts;
mod dates;
mod headings;
mod labelled;

use r2w_core::model::{
    Achievement, Certification, Course, CvData, Education, Experience, ExtractionMethod, Hobby, Language, LanguageTag,
    Location, ProfileLink, Project, Publication, SkillCategory, Volunteer,
};

pub use dates::{field_date, find_range};
use dates::{is_month_name, leading_date, open_range_end, opening_date};
pub use headings::{Section, heading};

/// The CV data found in `text`.
pub fn extract(text: &str) -> CvData {
    let mut lines = join_wrapped_headings(labelled::rows_as_entries(join_continuations(text)));
    lift_stranded_name(&mut lines);
    let mut cv = CvData::default();
    cv.metadata.extraction_method = Some(ExtractionMethod::Heuristic);
    cv.metadata.source_language = detect_language(text);

    let mut unclassified: Vec<String> = Vec::new();
    let mut blocks: Vec<(Option<Section>, Vec<Line>)> = vec![(None, Vec::new())];
    for line in lines {
        match heading(&line.text) {
            Some(section) if !line.bullet => blocks.push((Some(section), Vec::new())),
            _ => {
                if let Some((_, current)) = blocks.last_mut() {
                    current.push(line);
                }
            }
        }
    }

    // Some themes print a section twice (one copy for each screen width): the second adds nothing.
    let mut seen: Vec<(Option<Section>, Vec<&str>)> = Vec::new();
    for (section, lines) in &blocks {
        let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        if section.is_some() && !text.is_empty() && seen.iter().any(|(s, t)| s == section && *t == text) {
            continue;
        }
        seen.push((*section, text));
        match section {
            None => header(lines, &mut cv, &mut unclassified),
            Some(Section::Summary) => {
                let text = lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join(" ");
                if !text.is_empty() {
                    cv.summary.text = Some(text);
                }
            }
            Some(Section::Experience) => {
                cv.experience.extend(entries(lines, Headings::Short, &mut unclassified).into_iter().map(experience))
            }
            Some(Section::Education) => cv
                .education
                .extend(regroup_degrees(entries(lines, Headings::Short, &mut unclassified)).into_iter().map(education)),
            Some(Section::Skills) => skills(&without_contacts(lines), &mut cv, &mut unclassified),
            // "Languages" is also what a skills list calls programming languages.
            Some(Section::Languages) => {
                let lines = without_contacts(lines);
                // Spoken languages, then what a sidebar read after them brings along (the
                // name and title of a main column that follows): read as a header would be.
                let spoken = lines.iter().take_while(|l| names_natural_languages(std::slice::from_ref(l))).count();
                if spoken > 0 && names_natural_languages(&lines[..spoken]) && lines.len() - spoken >= 2 {
                    languages(&lines[..spoken], &mut cv);
                    let rest = &lines[spoken..];
                    // Short items (a skills grid's next group) are skills; a name and title
                    // with a sentence under them are a header.
                    let skill_like =
                        rest.iter().all(|l| l.text.split_whitespace().count() <= 4 && !l.text.contains('@'));
                    if skill_like {
                        skills(rest, &mut cv, &mut unclassified);
                    } else if cv.hero.full_name.is_none() {
                        header(rest, &mut cv, &mut unclassified);
                    } else {
                        unclassified.extend(rest.iter().map(|l| l.text.clone()));
                    }
                } else if names_natural_languages(&lines) {
                    languages(&lines, &mut cv);
                } else {
                    skills(&lines, &mut cv, &mut unclassified);
                }
            }
            Some(other) => simple_section(*other, lines, &mut cv, &mut unclassified),
        }
    }

    // Contacts may sit outside the header (a sidebar read after the main column).
    if cv.contact.email.is_none() {
        cv.contact.email = contacts::emails(text).into_iter().next();
    }
    if cv.contact.phone.is_none() {
        let dated: Vec<&str> = text.lines().filter(|l| find_range(l).is_some()).collect();
        cv.contact.phone = text.lines().filter(|l| !dated.contains(l)).flat_map(contacts::phones).next();
    }
    if cv.contact.links.is_empty() {
        cv.contact.links = links(&contacts::urls(text));
    }
    if !unclassified.is_empty() {
        cv.unclassified_text = Some(unclassified.join("\n"));
    }
    cv
}

/// A heading too long for its column wraps ("PERSÖNLICHE FÄHIGKEITEN" / "UND KOMPETENZEN"):
/// two lines that only together name a section are that section's heading.
fn join_wrapped_headings(lines: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        if let Some(last) = out.last_mut()
            && !last.bullet
            && !line.bullet
            && heading(&last.text).is_none()
            && heading(&line.text).is_none()
        {
            let joined = format!("{} {}", last.text, line.text);
            if heading(&joined).is_some() {
                last.text = joined;
                continue;
            }
        }
        out.push(line);
    }
    out
}

/// In two-column CVs the sidebar (contact, skills, languages) is often read before the main
/// column, so the name and title arrive after the sidebar's sections, just before the main
/// column's first heading. When the top of the text has no name, move such a pair there.
fn lift_stranded_name(lines: &mut Vec<Line>) {
    let first_heading = lines.iter().position(|l| heading(&l.text).is_some()).unwrap_or(lines.len());
    let has_name =
        lines[..first_heading].iter().any(|l| !contacts::is_contact_line(&l.text) && looks_like_name(&l.text));
    if has_name {
        return;
    }
    // A name with contact details right under it is a header wherever it is: the whole block,
    // up to the next heading, goes to the top.
    let is_name = |line: &Line| {
        !line.bullet
            && looks_like_name(&line.text)
            && heading(&line.text).is_none()
            && !contacts::is_contact_line(&line.text)
    };
    let with_contacts = (first_heading..lines.len()).find(|&j| {
        is_name(&lines[j])
            && !lines[j].text.ends_with('.')
            && lines[j + 1..].iter().take(3).take_while(|l| heading(&l.text).is_none()).any(|l| {
                !contacts::emails(&l.text).is_empty()
                    || (find_range(&l.text).is_none() && !contacts::phones(&l.text).is_empty())
            })
    });
    if let Some(j) = with_contacts {
        let end = (j + 1..lines.len()).find(|&k| heading(&lines[k].text).is_some()).unwrap_or(lines.len());
        let block: Vec<Line> = lines.drain(j..end).collect();
        lines.splice(0..0, block);
        return;
    }
    let stranded = (first_heading..lines.len().saturating_sub(2)).find(|&j| {
        let (name, title, next) = (&lines[j], &lines[j + 1], &lines[j + 2]);
        !name.bullet
            && !title.bullet
            && looks_like_name(&name.text)
            && looks_like_title(&title.text)
            && heading(&name.text).is_none()
            && heading(&title.text).is_none()
            && heading(&next.text).is_some()
            && !contacts::is_contact_line(&name.text)
    });
    if let Some(j) = stranded {
        let pair: Vec<Line> = lines.drain(j..j + 2).collect();
        for (offset, line) in pair.into_iter().enumerate() {
            lines.insert(offset, line);
        }
    }
}

#[derive(Debug, Clone)]
struct Line {
    text: String,
    bullet: bool,
}

/// '{' is the bullet of LaTeX's itemize as a font without a Unicode map gives it.
const BULLETS: &[char] = &['•', '·', '▪', '◦', '●', '○', '■', '►', '➢', '✓', '*', '-', '–', '—', '\u{f0b7}', '{'];

/// Lines with bullets marked and wrapped lines re-joined: a line starting in lower case
/// continues the one before (narrow columns wrap mid-sentence).
fn join_continuations(text: &str) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    // A bullet drawn a tab away from its text comes out as a line of its own ("•" / "Kotlin").
    let mut marked = false;
    for raw in mend_wrapped_ranges(text) {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.chars().count() == 1 && trimmed.starts_with(BULLETS) {
            // Right to left, the bullet is read after its text (it is drawn at its right).
            match out.last_mut() {
                Some(prev) if crate::text::layout::is_rtl(&prev.text) => prev.bullet = true,
                _ => marked = true,
            }
            continue;
        }
        let (bullet, body) = match trimmed.strip_prefix(BULLETS) {
            Some(rest) if rest.starts_with(char::is_whitespace) => (true, rest.trim()),
            _ => (std::mem::take(&mut marked), trimmed),
        };
        marked = false;
        let continues = !bullet
            && (body.starts_with(|c: char| c.is_lowercase())
                || out.last().is_some_and(|prev| ends_mid_phrase(&prev.text)))
            && !contacts::is_contact_line(body)
            && out
                .last()
                .is_some_and(|prev| heading(&prev.text).is_none() && !prev.text.ends_with(['.', ':', '!', '?']));
        match (continues, out.last_mut()) {
            (true, Some(prev)) => {
                prev.text.push(' ');
                prev.text.push_str(body);
            }
            _ => out.push(Line { text: body.to_owned(), bullet }),
        }
    }
    out
}

/// A narrow date column wraps a range after its dash ("Mar 2021 – Senior Engineer, Acme" over
/// "Present Owns the platform."), or sets a month over its year ("December" over "2020"). The
/// parts go back together.
fn mend_wrapped_ranges(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(|l| l.trim().to_owned()).collect();
    fn unmarked(line: &str) -> &str {
        line.strip_prefix(BULLETS).map_or(line, str::trim_start)
    }
    let is_year = |text: &str| text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit());
    for i in 1..lines.len() {
        let (before, after) = lines.split_at_mut(i);
        let (open, next) = (&mut before[i - 1], &mut after[0]);
        if let Some(at) = open_range_end(open)
            && let Some(len) = opening_date(next)
        {
            *open = format!("{} {}{}", &open[..at], &next[..len], &open[at..]);
            *next = next[len..].trim_start_matches(':').trim_start().to_owned();
            continue;
        }
        if is_year(unmarked(next)) && is_month_name(unmarked(open)) {
            let joined = format!("{} {}", unmarked(open), unmarked(next));
            *open = joined;
            next.clear();
        }
    }
    // "2015" over "2019" (a page's end may come between): a range's years stacked in a column.
    for i in 1..lines.len() {
        let Some(j) = (i..lines.len().min(i + 2)).find(|&j| !lines[j].is_empty()) else { continue };
        let (start, end) = (unmarked(&lines[i - 1]), unmarked(&lines[j]));
        if is_year(start) && is_year(end) && (0..=12).contains(&(year_of(end) - year_of(start))) {
            lines[i - 1] = format!("{start} – {end}");
            lines[j].clear();
        }
    }
    lines
}

fn year_of(text: &str) -> i32 {
    text.parse().unwrap_or_default()
}

/// Words a line does not end on unless it wrapped: "University of Texas at" / "Austin".
const BINDING_WORDS: &[&str] = &[
    "of", "at", "and", "for", "the", "in", "de", "del", "la", "y", "en", "für", "und", "der", "von", "et", "du", "des",
    "à", "pour",
];

fn ends_mid_phrase(line: &str) -> bool {
    let binds = line.split_whitespace().count() >= 2
        && line.rsplit(' ').next().is_some_and(|last| BINDING_WORDS.contains(&last.to_lowercase().as_str()));
    // "Français (Langue" / "maternelle)": a bracket left open.
    binds || line.matches('(').count() > line.matches(')').count()
}

fn detect_language(text: &str) -> Option<LanguageTag> {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count().max(1);
    let hebrew = text.chars().filter(|c| ('\u{0590}'..='\u{05FF}').contains(c)).count();
    let arabic = text.chars().filter(|c| ('\u{0600}'..='\u{06FF}').contains(c)).count();
    let kana = text.chars().filter(|c| ('\u{3040}'..='\u{30FF}').contains(c)).count();
    let han = text.chars().filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c)).count();
    let tag = if hebrew * 5 > letters {
        "he"
    } else if arabic * 5 > letters {
        "ar"
    } else if kana > 0 && (kana + han) * 5 > letters {
        "ja"
    } else if han * 5 > letters {
        "zh"
    } else {
        const WORDS: &[(&str, &[&str])] = &[
            ("en", &["and", "the", "of", "with", "for", "to", "in"]),
            ("es", &["de", "y", "con", "en", "la", "el", "para", "los"]),
            ("de", &["und", "der", "die", "mit", "für", "von", "das", "im"]),
            ("fr", &["et", "de", "des", "le", "la", "avec", "pour", "les", "du"]),
        ];
        let words: Vec<String> = text.split(|c: char| !c.is_alphabetic()).map(str::to_lowercase).collect();
        let score = |list: &[&str]| words.iter().filter(|w| list.contains(&w.as_str())).count();
        WORDS.iter().map(|(tag, list)| (score(list), *tag)).filter(|(s, _)| *s >= 3).max().map(|(_, tag)| tag)?
    };
    tag.parse().ok()
}

fn links(urls: &[String]) -> Vec<ProfileLink> {
    let mut seen = Vec::new();
    urls.iter()
        .filter(|u| {
            let fresh = !seen.contains(u);
            seen.push(*u);
            fresh
        })
        .map(|url| ProfileLink {
            network: contacts::network(url).map(str::to_owned),
            username: None,
            url: Some(url.clone()),
        })
        .collect()
}

/// The lines before the first heading: name, title, contact details.
fn header(lines: &[Line], cv: &mut CvData, unclassified: &mut Vec<String>) {
    let mut urls = Vec::new();
    // The title is the line that names a role, when one does; else the first title-like line.
    let role_line = lines
        .iter()
        .position(|l| looks_like_title(&l.text) && looks_like_role(&l.text) && !contacts::is_contact_line(&l.text));
    for (i, line) in lines.iter().enumerate() {
        let text = line.text.as_str();
        // "Dana Levi, Backend Engineer" / "Dana Levi | Backend Engineer" on one line.
        if cv.hero.full_name.is_none()
            && let Some((name, title)) = [", ", " | ", " – ", " — ", " · "].iter().find_map(|s| text.split_once(s))
            && looks_like_name(name)
            && looks_like_role(title)
            && !looks_like_role(name)
        {
            cv.hero.full_name = Some(name.trim().to_owned());
            cv.hero.professional_title = Some(title.trim().to_owned());
            continue;
        }
        // "Personal information: Priya Raman": a form's first row names the person.
        if cv.hero.full_name.is_none()
            && let Some((label, name)) = text.split_once(": ")
            && heading(label) == Some(Section::Contact)
            && looks_like_name(name)
        {
            cv.hero.full_name = Some(name.trim().to_owned());
            continue;
        }
        let is_title = match role_line {
            Some(at) => at == i,
            // No line names a role: a place or a tagline is not a title.
            None => false,
        };
        if contacts::is_contact_line(text) {
            cv.contact.email = cv.contact.email.take().or_else(|| contacts::emails(text).into_iter().next());
            cv.contact.phone = cv.contact.phone.take().or_else(|| contacts::phones(text).into_iter().next());
            urls.extend(contacts::urls(text));
            // What is left of a "email | phone | City, Country" line is the location.
            let rest = text.split(['|', '•', '·']).map(str::trim).find(|part| {
                !part.is_empty() && !contacts::is_contact_line(part) && part.chars().any(char::is_alphabetic)
            });
            if let (None, Some(place)) = (&cv.contact.location, rest) {
                cv.contact.location = Some(Location { address: Some(place.to_owned()), ..Location::default() });
            }
        } else if cv.hero.full_name.is_none() && looks_like_name(text) {
            cv.hero.full_name = Some(text.to_owned());
        } else if cv.hero.full_name.is_some() && cv.hero.professional_title.is_none() && is_title {
            cv.hero.professional_title = Some(text.to_owned());
        } else {
            unclassified.push(text.to_owned());
        }
    }
    cv.contact.links = links(&urls);
}

/// What a CV calls itself at its top, which is nobody's name. (Section headings, "Personal
/// information" among them, end the lines a name is looked for in.)
const DOCUMENT_TITLES: &[&str] = &[
    "curriculum vitae",
    "curriculum vitæ",
    "cv",
    "résumé",
    "resume",
    "europass",
    "lebenslauf",
    "currículum",
    "currículum vitae",
];

fn looks_like_name(text: &str) -> bool {
    if DOCUMENT_TITLES.contains(&text.trim().to_lowercase().as_str()) {
        return false;
    }
    let words = text.split_whitespace().count();
    // "Austin, US": a place and its country's code.
    let place =
        text.rsplit_once(", ").is_some_and(|(_, code)| code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()));
    // A name is written with capitals where its script has them ("profile-pic" is an image's
    // stand-in text).
    let capitalised = text.chars().any(char::is_uppercase) || !text.chars().any(char::is_lowercase);
    (1..=5).contains(&words)
        && !place
        && capitalised
        && !text.chars().any(|c| c.is_ascii_digit() || "@/:|".contains(c))
        && text.chars().any(char::is_alphabetic)
}

fn looks_like_title(text: &str) -> bool {
    let words = text.split_whitespace().count();
    (1..=10).contains(&words) && !text.chars().any(|c| c.is_ascii_digit() || c == '@') && !text.ends_with('.')
}

/// One dated entry of a list section: its heading text, the text beside its dates, its
/// bullets and any other lines.
#[derive(Debug, Default)]
struct Entry {
    header: Vec<String>,
    beside_dates: Vec<String>,
    dates: r2w_core::model::DateRange,
    bullets: Vec<String>,
    other: Vec<String>,
}

/// How long the headings of a section's items may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Headings {
    /// A role, a school, a degree: a few words.
    Short,
    /// A publication's title, as long as a sentence.
    Long,
}

/// Splits a section into entries: a date range closes an entry's heading; the plain lines
/// right before a date line are the next entry's heading.
fn entries(lines: &[Line], headings: Headings, unclassified: &mut Vec<String>) -> Vec<Entry> {
    let lines = &unmark_dated_headings(lines);
    let dated: Vec<bool> = lines.iter().map(|l| !l.bullet && find_range(&l.text).is_some()).collect();
    let mut out: Vec<Entry> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    // "Dates / Role:" after an entry's last sentence: the role under the dates heads the entry.
    // A sentence, not a heading ("Research Assistant, University of Manchester" is one).
    let sentence =
        |t: &str| (t.split_whitespace().count() >= 5 && split_title_company(t).1.is_none()) || t.ends_with('.');
    let short_heading = |l: &Line| {
        !l.bullet
            && !sentence(&l.text)
            && find_range(&l.text).is_none()
            && !is_duration(&l.text)
            && !is_theme_label(&l.text)
    };
    let mut heading_below: Option<usize> = None;
    let mut one_line_headings = false;
    // Whether the first entry had nothing over its dates, and if so, nothing beside them either.
    let mut nothing_over_dates: Option<bool> = None;
    // Entries headed under their dates have text after the last ones; a section that ends on
    // dates has its headings over them.
    let text_after_last_dates = dated.iter().rposition(|d| *d).is_some_and(|last| last + 1 < lines.len());
    for (i, line) in lines.iter().enumerate() {
        if heading_below == Some(i) {
            continue;
        }
        if line.bullet {
            match out.last_mut() {
                Some(entry) if pending.is_empty() => entry.bullets.push(line.text.clone()),
                _ => pending.push(line.text.clone()),
            }
            continue;
        }
        if let (true, Some(found)) = (dated[i], find_range(&line.text)) {
            let alone = line.text[..found.start].trim().is_empty() && line.text[found.end..].trim().is_empty();
            if alone
                && !out.is_empty()
                && lines.get(i + 1).is_some_and(short_heading)
                // A publication's title is a long heading, not a sentence ("Causal effects of
                // discharge policies" / "Nov 2020" / "Statistics in Medicine").
                && pending.last().is_some_and(|p| sentence(p) && headings == Headings::Short)
                && let Some(previous) = out.last_mut()
            {
                previous.other.append(&mut pending);
                out.push(Entry { dates: found.range, header: vec![lines[i + 1].text.clone()], ..Entry::default() });
                heading_below = Some(i + 1);
                continue;
            }
            let beside: Vec<String> = [&line.text[..found.start], &line.text[found.end..]]
                .iter()
                .flat_map(|part| part.split('|'))
                .map(|p| p.trim().trim_matches(['-', '–', '—', ',', '·', '(', ')']).trim().to_owned())
                // What is left of "1 December 2020" once the month is read names nothing, nor
                // does the time a theme works out the job lasted ("3 years, 8 months").
                .filter(|p| p.chars().any(char::is_alphabetic) && !is_duration(p))
                .collect();
            let mut entry = Entry { dates: found.range, ..Entry::default() };
            // Only the last line or two before the dates head the entry; longer text before
            // them (bullets whose markers a PDF lost) belongs to the entry before. Entries keep
            // one shape: when the first was headed by one line, so are the others ("Title /
            // May 2023 / Journal" then "Title / Nov 2020 / Journal").
            let keep = match (one_line_headings, heading_lines(&pending)) {
                // Nothing over the first entry's dates: it is headed beside or under them
                // ("Oct 2013 – Dec 2015 Master of Science" / "Technische Universität Berlin"),
                // so are the others of that shape, and what stands over their dates ends the
                // entry before.
                _ if nothing_over_dates == Some(beside.is_empty()) && !out.is_empty() && text_after_last_dates => 0,
                (true, n) if n > 1 && !out.is_empty() => 1,
                (_, n) => n,
            };
            if out.is_empty() {
                one_line_headings = keep == 1 && pending.len() == 1;
                nothing_over_dates = pending.is_empty().then_some(beside.is_empty());
            }
            let earlier: Vec<String> = pending.drain(..pending.len() - keep).collect();
            match out.last_mut() {
                Some(previous) => previous.other.extend(earlier),
                None => unclassified.extend(earlier),
            }
            if pending.is_empty() {
                // Heading and dates on one line: "Senior Engineer, Acme | 2019 - 2021".
                entry.header = beside;
            } else {
                entry.header = std::mem::take(&mut pending);
                entry.beside_dates = beside;
            }
            out.push(entry);
            continue;
        }
        // A heading may take two lines ("Senior Engineer" / "Acme Corp" / dates), but a list of
        // technologies after an entry's bullets belongs to that entry.
        let heads_next = dated.get(i + 1).copied().unwrap_or(false)
            || (dated.get(i + 2).copied().unwrap_or(false)
                && lines.get(i + 1).is_some_and(|n| !n.bullet)
                && !looks_like_technologies(&line.text))
            // "Master of Science" / "Informatik" / "Technische Universität Berlin" / dates.
            || (dated.get(i + 3).copied().unwrap_or(false)
                && contains_word(&line.text, DEGREE_WORDS)
                && heading_lines(&lines[i..i + 3].iter().map(|l| l.text.clone()).collect::<Vec<_>>()) == 3
                && lines[i + 1..i + 3].iter().all(|n| !n.bullet));
        match out.last_mut() {
            Some(entry) if !heads_next && pending.is_empty() => entry.other.push(line.text.clone()),
            _ => pending.push(line.text.clone()),
        }
    }
    if !pending.is_empty() {
        // Undated text at the end: an entry without dates if it looks like one, else kept.
        match out.last_mut() {
            Some(entry) => entry.other.append(&mut pending),
            None => unclassified.append(&mut pending),
        }
    }
    out
}

/// Some layouts indent an entry's heading and dates like list items ("• Senior Engineer, Acme"
/// / "• Jul, 2019 - Present"): a date alone is never an item, and the line over it is the
/// heading it dates.
fn unmark_dated_headings(lines: &[Line]) -> Vec<Line> {
    let date_alone = |l: &Line| {
        find_range(&l.text).is_some_and(|f| {
            let bare = |t: &str| t.trim().trim_matches(['-', '–', '—', ',', '|', '(', ')']).trim().to_owned();
            // "• Jun, 2017 - Feb, 2021  3 years, 8 months": the time it lasted may follow.
            let after = bare(&l.text[f.end..]);
            bare(&l.text[..f.start]).is_empty() && (after.is_empty() || is_duration(&after))
        })
    };
    let short = |l: &Line| l.text.split_whitespace().count() <= 8 && !l.text.ends_with('.');
    let mut lines = lines.to_vec();
    // Dates alone, then the entry's heading as the first item under them ("03/2021 – present" /
    // "• Senior Engineer, Acme. Owns the platform." / "• Rebuilt ..."), when no heading stands over
    // the dates: the item is the heading, read as if it stood over the dates, and a sentence run
    // on after it is the entry's text.
    let mut i = 0;
    while i + 1 < lines.len() {
        // An item over the dates that names a role is their heading ("- Software Engineer").
        // The entry before ending in a sentence heads nothing either.
        let unheaded = i == 0
            || (lines[i - 1].bullet && !(short(&lines[i - 1]) && looks_like_role(&lines[i - 1].text)))
            || lines[i - 1].text.ends_with('.');
        if date_alone(&lines[i]) && unheaded && lines[i + 1].bullet {
            let item = lines[i + 1].text.clone();
            let (heading, rest) = match item.split_once(". ") {
                Some((heading, rest)) if heading.split_whitespace().count() <= 8 => (heading, rest.trim()),
                _ => (item.as_str(), ""),
            };
            // A heading names a role, a school or an organisation; an item that does not is
            // what was done ("- Aufbau von REST-Schnittstellen").
            let names = looks_like_role(heading)
                || contains_word(heading, INSTITUTION_WORDS)
                || split_title_company(heading).1.is_some();
            if !names || heading.split_whitespace().count() > 8 {
                i += 1;
                continue;
            }
            lines[i + 1] = lines[i].clone();
            lines[i] = Line { text: heading.trim_end_matches('.').to_owned(), bullet: false };
            if !rest.is_empty() {
                lines.insert(i + 2, Line { text: rest.to_owned(), bullet: false });
            }
            i += 1;
        }
        i += 1;
    }
    // The heading may instead stand under the dates, unmarked ("• Jun, 2017 - Feb, 2021" /
    // "Software Engineer"): then the item over the dates is the last of the entry before.
    for i in 0..lines.len() {
        if lines[i].bullet && date_alone(&lines[i]) {
            lines[i].bullet = false;
            let heading_below =
                lines.get(i + 1).is_some_and(|next| !next.bullet && short(next) && looks_like_role(&next.text));
            if i > 0 && lines[i - 1].bullet && !date_alone(&lines[i - 1]) && !heading_below {
                lines[i - 1].bullet = false;
            }
        }
    }
    lines
}

/// How many trailing `pending` lines form an entry heading: the last one alone when it holds
/// "Title, Company"; otherwise up to two short lines.
fn heading_lines(pending: &[String]) -> usize {
    let short = |l: &String| l.split_whitespace().count() <= 8 && !l.ends_with('.');
    match pending {
        [] => 0,
        // "University of X" over "Field, Degree" (or over the field, then the degree).
        [.., first, second, last]
            if short(first)
                && short(second)
                && short(last)
                && contains_word(first, INSTITUTION_WORDS)
                && contains_word(last, DEGREE_WORDS) =>
        {
            3
        }
        // "Master of Science" over "Informatik" over "Technische Universität Berlin".
        [.., first, second, last]
            if short(first)
                && short(second)
                && short(last)
                && contains_word(first, DEGREE_WORDS)
                && !contains_word(second, INSTITUTION_WORDS)
                && contains_word(last, INSTITUTION_WORDS) =>
        {
            3
        }
        [.., before, _] if short(before) && contains_word(before, INSTITUTION_WORDS) => 2,
        [.., last] if split_title_company(last).1.is_some() => 1,
        [.., before, last] if short(before) && short(last) => 2,
        [..] => 1,
    }
}

const COMPANY_SUFFIXES: &[&str] = &[
    "inc", "inc.", "ltd", "ltd.", "llc", "gmbh", "ag", "sa", "s.a.", "sas", "sarl", "s.l.", "sl", "sprl", "bv", "b.v.",
    "corp", "corp.", "plc", "co.", "kg", "בע\"מ",
];

fn has_company_suffix(text: &str) -> bool {
    text.split_whitespace().last().is_some_and(|w| COMPANY_SUFFIXES.contains(&w.to_lowercase().as_str()))
}

/// "Title, Company", "Title at Company", "Title — Company" (or the reverse, told by a company
/// suffix such as GmbH or Ltd).
/// Words that name a role, in the five languages the headings know (whole words, or the end
/// of a German compound: "Softwareentwickler").
const ROLE_WORDS: &[&str] = &[
    "engineer",
    "developer",
    "manager",
    "scientist",
    "analyst",
    "designer",
    "consultant",
    "lead",
    "director",
    "intern",
    "assistant",
    "head",
    "architect",
    "administrator",
    "specialist",
    "officer",
    "coordinator",
    "researcher",
    "mentor",
    "volunteer",
    "founder",
    "co-founder",
    "programmer",
    "technician",
    "teacher",
    "professor",
    "lecturer",
    "editor",
    "writer",
    "accountant",
    "nurse",
    "cto",
    "ceo",
    "cfo",
    "vp",
    "president",
    "owner",
    "trainee",
    "apprentice",
    "fellow",
    "ingeniero",
    "ingeniera",
    "desarrollador",
    "desarrolladora",
    "analista",
    "jefe",
    "jefa",
    "directora",
    "consultor",
    "consultora",
    "becario",
    "becaria",
    "développeur",
    "développeuse",
    "ingénieur",
    "ingénieure",
    "chargé",
    "chargée",
    "chef",
    "cheffe",
    "responsable",
    "stagiaire",
    "consultante",
    "werkstudent",
    "praktikant",
    "מהנדס",
    "מהנדסת",
    "מפתח",
    "מפתחת",
    "מנהל",
    "מנהלת",
    "מתנדב",
    "מתנדבת",
];
const ROLE_ENDINGS: &[&str] =
    &["entwickler", "entwicklerin", "ingenieur", "ingenieurin", "leiter", "leiterin", "berater", "beraterin"];

fn looks_like_role(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || c == '/' || c == ',').any(|word| {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_lowercase();
        ROLE_WORDS.contains(&word.as_str()) || ROLE_ENDINGS.iter().any(|e| word.ends_with(e))
    })
}

fn split_title_company(header: &str) -> (Option<String>, Option<String>) {
    for separator in [" at ", " @ ", " | ", " — ", " – ", ", ", " - "] {
        if let Some((first, second)) = header.split_once(separator) {
            let (first, second) = (first.trim().to_owned(), second.trim().to_owned());
            let swapped = (has_company_suffix(&first) && !has_company_suffix(&second))
                || (!looks_like_role(&first) && looks_like_role(&second));
            return if swapped { (Some(second), Some(first)) } else { (Some(first), Some(second)) };
        }
    }
    (Some(header.trim().to_owned()).filter(|h| !h.is_empty()), None)
}

fn looks_like_technologies(text: &str) -> bool {
    let items: Vec<&str> = text.split([',', ';', '·', '|']).map(str::trim).filter(|i| !i.is_empty()).collect();
    items.len() >= 2 && items.iter().all(|i| i.split_whitespace().count() <= 3) && !text.ends_with('.')
}

/// "Highlights", "Responsibilities:", "Logros": a label over an entry's list, not its text.
fn is_list_label(text: &str) -> bool {
    const LABELS: &[&str] = &[
        "highlights",
        "responsibilities",
        "achievements",
        "key achievements",
        "tasks",
        "duties",
        "logros",
        "responsabilidades",
        "funciones",
        "aufgaben",
        "erfolge",
        "tätigkeiten",
        "réalisations",
        "missions",
        "responsabilités",
        "תחומי אחריות",
        "הישגים",
    ];
    text.ends_with(':') || LABELS.contains(&text.trim().to_lowercase().as_str())
}

/// A list label exactly as a theme prints it ("Highlights", "Logros:"), nothing else on the line.
fn is_theme_label(text: &str) -> bool {
    let bare = text.trim().trim_end_matches(':');
    bare.split_whitespace().count() <= 2 && is_list_label(bare) && !bare.ends_with(':')
}

/// "7 years", "1 yr 3 mos", "2 Jahre", "3 años", "2 ans": how long, not who.
fn is_duration(text: &str) -> bool {
    const UNITS: &[&str] = &[
        "year",
        "years",
        "yr",
        "yrs",
        "month",
        "months",
        "mo",
        "mos",
        "jahr",
        "jahre",
        "monat",
        "monate",
        "año",
        "años",
        "mes",
        "meses",
        "an",
        "ans",
        "mois",
        "שנה",
        "שנים",
        "חודשים",
    ];
    let words: Vec<String> =
        text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).collect();
    !words.is_empty()
        && words.len() <= 6
        && words.iter().any(|w| w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty())
        && words
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_digit()) || UNITS.contains(&w.as_str()) || w == "and" || w.is_empty())
}

fn experience(entry: Entry) -> Experience {
    // Separators a theme leaves when a part is missing: ", Engineer", "Engineer at".
    let header = entry
        .header
        .iter()
        .map(|h| {
            let h = h.trim().trim_matches([',', '|', '@', '·', '-', '–']).trim();
            h.strip_suffix(" at").unwrap_or(h).trim().to_owned()
        })
        .filter(|h| !h.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let (title, mut company) = split_title_company(&header);
    if company.as_deref().is_some_and(|c| c.trim().is_empty()) {
        company = None;
    }
    let mut location = None;
    let mut title = title;
    for part in entry.beside_dates {
        if company.is_none() {
            // "DataKind UK" / "Volunteer Data Scientist   Jan 2018 - Dec 2020": the role beside
            // the dates, the organisation above.
            if title.as_deref().is_some_and(|t| !looks_like_role(t)) && looks_like_role(&part) {
                company = title.replace(part);
            } else {
                company = Some(part);
            }
        } else if location.is_none() {
            location = Some(part);
        }
    }
    let mut other = entry.other;
    // "Title / dates / Company" or "Company / dates / Title": the short line after the dates
    // is the other half of the heading.
    if company.is_none()
        && let Some(first) = other.first()
        && first.split_whitespace().count() <= 6
        && !first.ends_with('.')
        && !looks_like_technologies(first)
        && !is_duration(first)
        && !is_list_label(first)
    {
        let after = other.remove(0);
        if title.is_none() && looks_like_role(&after) {
            // Dates first, then the role ("March 2021 — Now / Senior Engineer"): no company.
            title = Some(after);
        } else if title.as_deref().is_some_and(|t| !looks_like_role(t)) && looks_like_role(&after) {
            company = title.replace(after);
        } else {
            company = Some(after);
        }
    }
    // "Dates / Company / Role": the role under the company.
    if title.is_none()
        && let Some(first) = other.first()
        && first.split_whitespace().count() <= 6
        && looks_like_role(first)
        && !first.ends_with('.')
    {
        title = Some(other.remove(0));
    }
    // A theme's own label over the list ("Highlights") and the time it works out the job
    // lasted ("3 years 8 months") are not the person's text.
    other.retain(|line| !is_theme_label(line) && !is_duration(line));
    let (technologies, summary): (Vec<String>, Vec<String>) =
        other.into_iter().partition(|l| looks_like_technologies(l));
    // "Senior Data Scientist:" — the colon a theme sets after the role is not part of it.
    let bare = |v: Option<String>| v.map(|v| v.trim_end_matches(':').trim_end().to_owned()).filter(|v| !v.is_empty());
    Experience {
        title: bare(title),
        company: bare(company),
        location,
        dates: entry.dates,
        summary: (!summary.is_empty()).then(|| summary.join(" ")),
        responsibilities: entry.bullets,
        technologies: technologies.iter().flat_map(|l| split_list(l)).collect(),
        ..Experience::default()
    }
}

const INSTITUTION_WORDS: &[&str] = &[
    "university",
    "universidad",
    "universität",
    "universitat",
    "université",
    "universiteit",
    "università",
    "college",
    "institute",
    "instituto",
    "institut",
    "school",
    "escuela",
    "école",
    "schule",
    "hochschule",
    "academy",
    "academia",
    "akademie",
    "polytechnic",
    "politécnica",
    "politecnico",
    "technion",
    "אוניברסיטת",
    "אוניברסיטה",
    "מכללת",
    "המכללה",
    "הטכניון",
];

const DEGREE_WORDS: &[&str] = &[
    "bachelor",
    "master",
    "bsc",
    "b.sc",
    "msc",
    "m.sc",
    "ba",
    "b.a",
    "ma",
    "m.a",
    "mba",
    "phd",
    "ph.d",
    "doctor",
    "doctorate",
    "diploma",
    "diplom",
    "licence",
    "licenciatura",
    "grado",
    "máster",
    "maestría",
    "doctorado",
    "magister",
    "meng",
    "beng",
    "associate",
    "תואר",
    "הנדסאי",
];

fn contains_word(text: &str, words: &[&str]) -> bool {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '"'))
        .map(|w| w.trim_end_matches('.'))
        .any(|w| words.contains(&w) || words.iter().any(|p| p.chars().count() > 4 && w.starts_with(p)))
}

/// "Bachelor of Science in Computer Science", "Grado en Ingeniería", "Master im Fach ...":
/// the degree and its field, when the words before the joint name a degree.
fn split_degree_field(text: &str) -> Option<(String, String)> {
    // "Master of Science (Informatik)".
    if let Some((degree, field)) = text.strip_suffix(')').and_then(|t| t.split_once(" ("))
        && contains_word(degree, DEGREE_WORDS)
        && !contains_word(field, DEGREE_WORDS)
        && !field.trim().is_empty()
    {
        return Some((degree.trim().to_owned(), field.trim().to_owned()));
    }
    let in_field = [" in ", " en ", " im ", " de ", ": "].iter().find_map(|joint| {
        let (a, b) = text.split_once(joint)?;
        let (a, b) = (a.trim(), b.trim());
        if a.is_empty() || b.is_empty() {
            return None;
        }
        // A right-to-left line read in the other direction has the field first.
        match (contains_word(a, DEGREE_WORDS), contains_word(b, DEGREE_WORDS)) {
            (true, false) => Some((a.to_owned(), b.to_owned())),
            (false, true) if joint.trim() != ":" => Some((b.to_owned(), a.to_owned())),
            _ => None,
        }
    });
    let in_field = in_field.or_else(|| degree_then_field(text)).or_else(|| field_then_degree(text));
    // "PhD - Statistics", "Statistics / PhD": the side with the degree word is the degree.
    in_field.or_else(|| {
        [" - ", " – ", " — ", " / ", " | "].iter().find_map(|joint| {
            let (a, b) = text.split_once(joint)?;
            let (a, b) = (a.trim().to_owned(), b.trim().to_owned());
            match (contains_word(&a, DEGREE_WORDS), contains_word(&b, DEGREE_WORDS)) {
                (true, false) => Some((a, b)),
                (false, true) => Some((b, a)),
                _ => None,
            }
        })
    })
}

/// What follows "of" in a degree's name ("Bachelor of Science"), in English.
const DEGREE_SUBJECTS: &[&str] = &[
    "science",
    "sciences",
    "arts",
    "engineering",
    "laws",
    "philosophy",
    "education",
    "technology",
    "commerce",
    "medicine",
    "music",
    "architecture",
    "business administration",
    "fine arts",
    "applied science",
];

/// "BSc Mathematics", "Bachelor of Science Computer Science", "Grado Ingeniería Informática",
/// "תואר ראשון מדעי המחשב": a degree named first and its field after it with nothing between.
fn degree_then_field(text: &str) -> Option<(String, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if contains_word(text, INSTITUTION_WORDS) {
        return None;
    }
    let taken = degree_name_len(&words)?;
    let degree = words.get(..taken)?.join(" ");
    let field = words.get(taken..)?.join(" ");
    let field = field.trim_start_matches([':', ',', '-', '–']).trim();
    let (degree, field) = (degree.trim_end_matches([':', ',']), field);
    (!field.is_empty() && !contains_word(field, DEGREE_WORDS) && field.chars().next().is_some_and(char::is_alphabetic))
        .then(|| (degree.to_owned(), field.to_owned()))
}

/// "Computer Science Bachelor of Science", "Statistics PhD", "Informatik Master of Science": the
/// field first and the degree's whole name after it, as some themes print area and degree.
fn field_then_degree(text: &str) -> Option<(String, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if contains_word(text, INSTITUTION_WORDS) {
        return None;
    }
    (1..words.len()).find_map(|at| {
        let field = words[..at].join(" ");
        (degree_name_len(&words[at..]) == Some(words.len() - at)
            && !contains_word(&field, DEGREE_WORDS)
            && field.chars().next().is_some_and(char::is_alphabetic))
        .then(|| (words[at..].join(" "), field.trim_end_matches([',', ':', '-', '–']).trim_end().to_owned()))
    })
}

/// How many of `words`, from the first, name a degree: "PhD", "Bachelor's", "Master of
/// Science", "Doctor of Business Administration", "תואר ראשון"; none when the first word is not
/// a degree's.
fn degree_name_len(words: &[&str]) -> Option<usize> {
    let first = words.first()?;
    if !contains_word(first, DEGREE_WORDS) {
        return None;
    }
    let lower = |w: &str| w.trim_end_matches([',', ':']).to_lowercase();
    if words.get(1).is_some_and(|w| lower(w) == "of") {
        let subject = DEGREE_SUBJECTS.iter().find(|subject| {
            let n = subject.split(' ').count();
            words.len() >= 2 + n && words[2..2 + n].iter().map(|w| lower(w)).collect::<Vec<_>>().join(" ") == **subject
        })?;
        return Some(2 + subject.split(' ').count());
    }
    // "תואר ראשון" (first degree), "שני", "שלישי".
    Some(if first.trim_end_matches(':') == "תואר" && words.len() >= 2 { 2 } else { 1 })
}

/// "Institution / dates / Degree": a degree line read after an entry's dates was taken as the
/// start of the next entry's heading (or left over at the end); it goes back to its entry.
fn regroup_degrees(mut entries: Vec<Entry>) -> Vec<Entry> {
    // Dates first, then school and degree ("2015 – 2019" / "University of Manchester" / "PhD"):
    // the degree under the dates is the entry's own.
    let has_degree = |e: &Entry| {
        e.header.iter().chain(&e.beside_dates).chain(e.other.iter().take(3)).any(|l| contains_word(l, DEGREE_WORDS))
    };
    let is_degree_line = |l: &String| contains_word(l, DEGREE_WORDS) && !contains_word(l, INSTITUTION_WORDS);
    for i in 1..entries.len() {
        // The entry keeps a heading of its own: another line of it, or the school beside its
        // dates ("Universität Potsdam   Oct 2010 — Sep 2013").
        let keeps_heading = entries[i].header.len() >= 2 || !entries[i].beside_dates.is_empty();
        let moves =
            !has_degree(&entries[i - 1]) && keeps_heading && entries[i].header.first().is_some_and(is_degree_line);
        if moves {
            let degree = entries[i].header.remove(0);
            entries[i - 1].header.push(degree);
        }
    }
    if let Some(last) = entries.last_mut()
        && !has_degree(last)
        && last.other.first().is_some_and(is_degree_line)
    {
        let degree = last.other.remove(0);
        last.header.push(degree);
    }
    entries
}

/// "PhD, Statistics - University of Manchester": the degree side and the school, when a
/// separator parts a degree from a school.
fn degree_and_school(header: &str) -> Option<(&str, Option<&str>)> {
    [" - ", " – ", " — ", " | ", " @ ", ", ", " at "].iter().find_map(|separator| {
        // "... at University of Texas at Austin": the school's own "at" comes after.
        let (left, right) =
            if *separator == " at " { header.split_once(separator)? } else { header.rsplit_once(separator)? };
        let (left, right) = (left.trim(), right.trim());
        let is_school = |p: &str| contains_word(p, INSTITUTION_WORDS) && !contains_word(p, DEGREE_WORDS);
        let is_degree = |p: &str| contains_word(p, DEGREE_WORDS) && !contains_word(p, INSTITUTION_WORDS);
        (is_degree(left) && is_school(right)).then_some((left, Some(right)))
    })
}

fn education(entry: Entry) -> Education {
    let mut parts: Vec<String> = Vec::new();
    for header in &entry.header {
        // "Degree, Field - School" on one line: the school apart, the rest as below.
        let (degree_side, school) = degree_and_school(header).unwrap_or((header.as_str(), None));
        // "Degree, Field" or "Degree in Field"; institution names keep their commas.
        if contains_word(degree_side, INSTITUTION_WORDS) {
            parts.push(degree_side.to_owned());
        } else {
            for part in degree_side.split(", ") {
                match split_degree_field(part) {
                    Some((degree, field)) => parts.extend([degree, field]),
                    None => parts.push(part.to_owned()),
                }
            }
        }
        parts.extend(school.map(str::to_owned));
    }
    for part in entry.beside_dates {
        match split_degree_field(&part) {
            Some((degree, field)) if !contains_word(&part, INSTITUTION_WORDS) => parts.extend([degree, field]),
            _ => parts.push(part),
        }
    }
    let institution_at = parts.iter().position(|p| contains_word(p, INSTITUTION_WORDS));
    let degree_at =
        parts.iter().enumerate().position(|(i, p)| Some(i) != institution_at && contains_word(p, DEGREE_WORDS));
    let take = |i: Option<usize>| i.and_then(|i| parts.get(i).cloned());
    let mut education = Education {
        institution: take(institution_at),
        degree: take(degree_at),
        dates: entry.dates,
        ..Education::default()
    };
    let rest: Vec<String> = parts
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != institution_at && Some(*i) != degree_at)
        .map(|(_, p)| p.clone())
        .collect();
    let mut rest = rest.into_iter();
    if education.degree.is_none() {
        education.degree = rest.next();
    } else {
        education.field = rest.next();
    }
    if education.institution.is_none() {
        education.institution = rest.next();
    } else if education.field.is_none() {
        education.field = rest.next();
    }
    // "Degree / dates / School": the school on the line after the dates (and after the time the
    // theme works out they lasted).
    if education.institution.is_none()
        && let Some(first) = entry.other.iter().find(|l| !is_duration(l))
        && contains_word(first, INSTITUTION_WORDS)
    {
        education.institution = Some(first.clone());
    }
    // "Dates / School / Field / Degree": the degree and its field among the short lines under
    // the dates.
    let short_line = |l: &String| l.split_whitespace().count() <= 6 && !l.ends_with('.');
    if education.degree.is_none()
        && let Some(line) = entry
            .other
            .iter()
            .take(4)
            .find(|l| short_line(l) && contains_word(l, DEGREE_WORDS) && !contains_word(l, INSTITUTION_WORDS))
    {
        match split_degree_field(line) {
            Some((degree, field)) => {
                education.degree = Some(degree);
                education.field = education.field.take().or(Some(field));
            }
            None => education.degree = Some(line.clone()),
        }
        if education.field.is_none() {
            education.field = entry
                .other
                .iter()
                .take(4)
                .find(|l| {
                    short_line(l)
                        && Some(*l) != Some(line)
                        && Some(l.as_str()) != education.institution.as_deref()
                        && !contains_word(l, INSTITUTION_WORDS)
                        && !contains_word(l, DEGREE_WORDS)
                })
                .cloned();
        }
    }
    let mut bullets = entry.bullets;
    // Themes that list the degree and the field as bullets under the school
    // ("• Computer Science • Bachelor of Science"): a degree among two short items.
    let short = |b: &String| b.split_whitespace().count() <= 5 && !b.ends_with('.');
    if education.degree.is_none()
        && education.field.is_none()
        && bullets.len() == 2
        && bullets.iter().all(short)
        && let Some(at) = bullets.iter().position(|b| contains_word(b, DEGREE_WORDS))
    {
        education.degree = Some(bullets.remove(at));
        education.field = Some(bullets.remove(0));
    }
    education.honours = bullets;
    education
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', ';', '·', '|', '•']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn skills(lines: &[Line], cv: &mut CvData, unclassified: &mut Vec<String>) {
    let items = |text: &str| -> Vec<String> { split_list(text).into_iter().map(|i| skill_item(&i)).collect() };
    let is_list = |line: &Line| items(&line.text).len() >= 2;
    // A name alone over a list ("Programmiersprachen" / "Kotlin, Go"): a group and its skills.
    let is_label = |line: &Line| {
        !line.bullet
            && !line.text.contains(':')
            && items(&line.text).len() == 1
            && line.text.split_whitespace().count() <= 4
    };
    // Over a list, or over the first of its skills set one per line and indented like a list
    // item ("Infrastructure" / "• Kubernetes" / "Terraform").
    let heads_group = |i: usize| is_label(&lines[i]) && lines.get(i + 1).is_some_and(|n| is_list(n) || n.bullet);
    let labelled = (0..lines.len()).any(heads_group);
    let mut group: Option<usize> = None;
    let mut awaiting_skills = false;
    let mut after_list = false;
    for (i, line) in lines.iter().enumerate() {
        if let Some((name, list)) = line.text.split_once(':')
            && name.split_whitespace().count() <= 4
            && !list.trim().is_empty()
        {
            cv.skills.categories.push(SkillCategory {
                name: Some(name.trim().to_owned()),
                level: None,
                keywords: items(list),
            });
            (group, awaiting_skills, after_list) = (None, false, false);
            continue;
        }
        // A group's name: over its skills, or alone after a list (a group with none listed);
        // a single skill under a group (one per line) is one of its skills.
        if labelled && is_label(line) && (heads_group(i) || (after_list && !awaiting_skills)) {
            cv.skills.categories.push(SkillCategory {
                name: Some(line.text.trim().trim_end_matches(':').to_owned()),
                level: None,
                keywords: Vec::new(),
            });
            (group, awaiting_skills, after_list) = (Some(cv.skills.categories.len() - 1), true, true);
            continue;
        }
        after_list = is_list(line);
        awaiting_skills = false;
        for item in items(&line.text) {
            if item.split_whitespace().count() > 6 {
                unclassified.push(item);
            } else if let Some(category) = group.and_then(|g| cv.skills.categories.get_mut(g)) {
                category.keywords.push(item);
            } else {
                cv.skills.ungrouped.push(item);
            }
        }
    }
}

/// One skill as a list gives it, without the mark a lost bullet glyph left before it or the
/// full stop that ended the list ("Kafka." -> "Kafka").
fn skill_item(item: &str) -> String {
    let item = item.trim_start_matches(['\u{FFFD}', '•', '*', '-', '·']).trim();
    match item.strip_suffix('.') {
        Some(bare) if !bare.contains('.') && bare.chars().last().is_some_and(char::is_alphanumeric) => bare.to_owned(),
        _ => item.to_owned(),
    }
}

/// Names of spoken languages (in English, Spanish, German, French and Hebrew, and their own
/// names), to tell a list of them from a list of programming languages.
const NATURAL_LANGUAGES: &[&str] = &[
    "english",
    "spanish",
    "german",
    "french",
    "hebrew",
    "arabic",
    "russian",
    "italian",
    "portuguese",
    "chinese",
    "mandarin",
    "cantonese",
    "japanese",
    "korean",
    "hindi",
    "bengali",
    "urdu",
    "tamil",
    "telugu",
    "punjabi",
    "turkish",
    "persian",
    "farsi",
    "polish",
    "dutch",
    "swedish",
    "norwegian",
    "danish",
    "finnish",
    "greek",
    "czech",
    "hungarian",
    "romanian",
    "ukrainian",
    "vietnamese",
    "thai",
    "indonesian",
    "malay",
    "tagalog",
    "swahili",
    "yoruba",
    "igbo",
    "hausa",
    "amharic",
    "catalan",
    "basque",
    "galician",
    "irish",
    "welsh",
    "yiddish",
    "latin",
    "español",
    "inglés",
    "alemán",
    "francés",
    "italiano",
    "portugués",
    "árabe",
    "ruso",
    "chino",
    "japonés",
    "hebreo",
    "catalán",
    "deutsch",
    "englisch",
    "spanisch",
    "französisch",
    "italienisch",
    "russisch",
    "türkisch",
    "arabisch",
    "hebräisch",
    "chinesisch",
    "japanisch",
    "polnisch",
    "niederländisch",
    "portugiesisch",
    "français",
    "anglais",
    "espagnol",
    "allemand",
    "italien",
    "arabe",
    "russe",
    "chinois",
    "japonais",
    "hébreu",
    "portugais",
    "néerlandais",
    "עברית",
    "אנגלית",
    "ערבית",
    "רוסית",
    "צרפתית",
    "ספרדית",
    "גרמנית",
    "אמהרית",
    "日本語",
    "中文",
    "한국어",
];

/// A list's lines less contact details and a "City, ST" location: a sidebar read after the
/// list brings them along, and they are read from the whole text anyway.
fn without_contacts(lines: &[Line]) -> Vec<Line> {
    let is_location = |text: &str| {
        text.split_once(", ").is_some_and(|(city, region)| {
            city.split_whitespace().count() <= 3
                && city.chars().next().is_some_and(char::is_uppercase)
                && region.len() == 2
                && region.chars().all(|c| c.is_ascii_uppercase())
        })
    };
    lines.iter().filter(|l| !contacts::is_contact_line(&l.text) && !is_location(&l.text)).cloned().collect()
}

/// What a level is labelled with under its language ("Fluency: Native").
const LEVEL_LABELS: &[&str] =
    &["fluency", "level", "proficiency", "nivel", "dominio", "niveau", "sprachniveau", "רמה", "שליטה"];

fn names_natural_languages(lines: &[Line]) -> bool {
    let words: Vec<String> = lines
        .iter()
        .flat_map(|l| {
            l.text.split([',', ';', '·', '|', '(', ')', ':', '–', '-']).map(str::to_owned).collect::<Vec<_>>()
        })
        .map(|w| w.trim().to_lowercase())
        // Levels, their labels and dates (a LaTeX footer's \today) name no language either way.
        .filter(|w| {
            !w.is_empty()
                && !is_proficiency(w)
                && !LEVEL_LABELS.contains(&w.as_str())
                && !w.chars().any(|c| c.is_ascii_digit())
        })
        .collect();
    let natural =
        words.iter().filter(|w| NATURAL_LANGUAGES.iter().any(|n| w.split_whitespace().next() == Some(*n))).count();
    words.is_empty() || natural * 2 >= words.len()
}

/// Words that say how well someone speaks a language, in the five languages the headings know.
const PROFICIENCY_WORDS: &[&str] = &[
    "native",
    "native speaker",
    "mother tongue",
    "bilingual",
    "fluent",
    "full professional proficiency",
    "professional working proficiency",
    "professional",
    "business",
    "business fluent",
    "advanced",
    "upper intermediate",
    "intermediate",
    "conversational",
    "basic",
    "beginner",
    "elementary",
    "limited working proficiency",
    "nativo",
    "nativa",
    "lengua materna",
    "bilingüe",
    "avanzado",
    "intermedio",
    "básico",
    "fluido",
    "muttersprache",
    "verhandlungssicher",
    "fließend",
    "sehr gut",
    "gut",
    "grundkenntnisse",
    "gute kenntnisse",
    "langue maternelle",
    "courant",
    "bilingue",
    "intermédiaire",
    "notions",
    "débutant",
    "שפת אם",
    "שוטפת",
    "שוטף",
    "טובה",
    "בסיסית",
];

/// "Native", "C1", "B2 (upper intermediate)": a level, not a language.
fn is_proficiency(text: &str) -> bool {
    let lower = text.trim().trim_matches(['(', ')', '.']).to_lowercase();
    PROFICIENCY_WORDS.contains(&lower.as_str())
        || lower.split_whitespace().next().is_some_and(|w| ["a1", "a2", "b1", "b2", "c1", "c2"].contains(&w))
}

fn languages(lines: &[Line], cv: &mut CvData) {
    for line in lines {
        for item in line.text.split([',', ';', '·', '|']) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            // A level on its own (a grid of languages, then their levels): the first language
            // still without one takes it.
            if is_proficiency(item) {
                match cv.languages.iter_mut().find(|l| l.proficiency.is_none()) {
                    Some(language) => language.proficiency = Some(item.to_owned()),
                    None => cv.languages.push(Language { language: None, proficiency: Some(item.to_owned()) }),
                }
                continue;
            }
            let after_space = item
                .char_indices()
                .filter(|(_, c)| *c == ' ')
                .map(|(i, _)| (item[..i].trim(), item[i..].trim()))
                .find(|(_, level)| is_proficiency(level));
            let (language, proficiency) = if let Some((lang, rest)) = item.split_once('(') {
                (lang.trim(), Some(rest.trim_end_matches(')').trim()))
            } else if let Some((lang, level)) =
                [" – ", " — ", " - ", ": ", ":", " –", "– "].iter().find_map(|s| item.split_once(s))
            {
                (lang.trim(), Some(level.trim()))
            } else if let Some((lang, level)) = after_space {
                // "English Native": the level written after the language.
                (lang, Some(level))
            } else {
                (item, None)
            };
            let proficiency = proficiency.filter(|p| !p.is_empty()).map(str::to_owned);
            // "Fluency: Native" under "English": the label of the level above's language.
            if proficiency.is_some()
                && LEVEL_LABELS.contains(&language.to_lowercase().as_str())
                && let Some(above) = cv.languages.iter_mut().rev().find(|l| l.proficiency.is_none())
            {
                above.proficiency = proficiency;
                continue;
            }
            // A language's name has no digits: "December 4, 2026" under the list is a date (a
            // LaTeX document's \today), not two languages.
            if proficiency.is_none() && language.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            cv.languages.push(Language { language: Some(language.to_owned()).filter(|l| !l.is_empty()), proficiency });
        }
    }
}

/// Sections the heuristic does not structure in depth: one item per line, with its date.
fn simple_section(section: Section, lines: &[Line], cv: &mut CvData, unclassified: &mut Vec<String>) {
    // Entries over several lines (a title, then "Issued by ...", then a date on its own line)
    // are grouped the way jobs are; a list of one-line items is read line by line.
    let date_alone = |l: &Line| {
        find_range(&l.text).is_some_and(|f| l.text[..f.start].trim().is_empty() && l.text[f.end..].trim().is_empty())
    };
    if section == Section::Volunteer {
        for entry in entries(lines, Headings::Short, unclassified) {
            let job = experience(entry);
            cv.volunteer.push(Volunteer {
                role: job.title,
                organization: job.company,
                location: job.location,
                dates: job.dates,
                summary: job.summary,
                highlights: job.responsibilities,
                ..Volunteer::default()
            });
        }
        return;
    }
    let grouped = matches!(
        section,
        Section::Certifications | Section::Achievements | Section::Courses | Section::Projects | Section::Publications
    ) && lines.iter().any(date_alone);
    if grouped {
        for entry in entries(
            lines,
            if section == Section::Publications { Headings::Long } else { Headings::Short },
            unclassified,
        ) {
            multi_line_item(section, entry, cv);
        }
        return;
    }
    for line in lines {
        // "Awarded on: Dec 01", "Issued 2021": a detail of the item above, not an item.
        let lower = line.text.to_lowercase();
        let detail = ["awarded on", "issued on", "received on", "date:", "awarded in", "issued in"]
            .iter()
            .any(|p| lower.starts_with(p));
        // "Published on: May 01, 2023": the date of the publication above.
        let published = ["published on", "published:", "publicado el", "veröffentlicht am", "publié le"]
            .iter()
            .any(|p| lower.starts_with(p));
        if published
            && section == Section::Publications
            && let Some(publication) = cv.publications.last_mut()
            && let Some(found) = find_range(&line.text)
        {
            publication.date = publication.date.or(found.range.end.or(found.range.start));
            continue;
        }
        if detail && matches!(section, Section::Achievements | Section::Certifications) {
            unclassified.push(line.text.clone());
            continue;
        }
        // "Awarded December 2020 by Bluebird": when and from whom, for the item above.
        if matches!(section, Section::Achievements | Section::Certifications)
            && let Some((when, who)) = award_detail(&line.text)
        {
            match section {
                Section::Achievements if let Some(award) = cv.achievements.last_mut() => {
                    award.date = award.date.or(when);
                    award.awarder = award.awarder.take().or(who);
                    continue;
                }
                Section::Certifications if let Some(certificate) = cv.certifications.last_mut() => {
                    certificate.date = certificate.date.or(when);
                    certificate.issuer = certificate.issuer.take().or(who);
                    continue;
                }
                _ => {}
            }
        }
        // "Awarded by X" under a one-line item says who gave it.
        if let Some(who) = strip_by(&line.text) {
            match section {
                Section::Achievements if cv.achievements.last().is_some_and(|a| a.awarder.is_none()) => {
                    if let Some(award) = cv.achievements.last_mut() {
                        award.awarder = Some(who);
                    }
                    continue;
                }
                Section::Certifications if cv.certifications.last().is_some_and(|c| c.issuer.is_none()) => {
                    if let Some(certificate) = cv.certifications.last_mut() {
                        certificate.issuer = Some(who);
                    }
                    continue;
                }
                _ => {}
            }
        }
        // "Published by Journal of Health Informatics" under a publication: where it appeared.
        if section == Section::Publications
            && let Some(venue) = strip_published_by(&line.text)
            && let Some(publication) = cv.publications.last_mut()
            && publication.venue.is_none()
        {
            publication.venue = Some(venue);
            continue;
        }
        // "Journal of Health Informatics" under a publication and the line that dated it: where
        // it appeared, when it is a name (the next title is in sentence case).
        if section == Section::Publications
            && !line.bullet
            && is_title_cased(&line.text)
            && line.text.split_whitespace().count() <= 6
            && find_range(&line.text).is_none()
            && let Some(publication) = cv.publications.last_mut()
            && publication.venue.is_none()
            && publication.date.is_some()
        {
            publication.venue = Some(line.text.clone());
            continue;
        }
        // "Bluebird Payments" under "Engineering Excellence Award": who gave it, when the line
        // above names the award and this one names nothing of its kind.
        let plain_name = line.text.split_whitespace().count() <= 5
            && !line.bullet
            && find_range(&line.text).is_none()
            && !names_the_item(section, &line.text);
        if plain_name
            && section == Section::Achievements
            && let Some(award) = cv.achievements.last_mut()
            && award.awarder.is_none()
            && award.title.as_deref().is_some_and(|t| names_the_item(section, t))
        {
            award.awarder = Some(line.text.clone());
            continue;
        }
        // A count a theme draws beside its list ("1") names nothing.
        if !line.text.chars().any(char::is_alphabetic) && find_range(&line.text).is_none() {
            unclassified.push(line.text.clone());
            continue;
        }
        let found = find_range(&line.text);
        let mut date = found.as_ref().and_then(|f| f.range.end.or(f.range.start));
        let text = match &found {
            // What the date leaves behind: "Prize, Society ( )" -> "Prize, Society"; "2021:
            // Prize" -> "Prize".
            Some(f) => without_separators(
                &format!("{} {}", &line.text[..f.start], &line.text[f.end..]).replace("( )", "").replace("()", ""),
            ),
            None => match leading_date(&line.text).or_else(|| leading_date_and_colon(&line.text)) {
                Some((when, at)) if section != Section::Projects => {
                    date = Some(when);
                    without_separators(&line.text[at..])
                }
                _ => line.text.clone(),
            },
        };
        match section {
            Section::Certifications => {
                let (name, issuer) = item_and_by(&text);
                cv.certifications.push(Certification { name: Some(name), issuer, date, ..Certification::default() })
            }
            Section::Achievements => {
                let (title, awarder) = item_and_by(&text);
                let (title, awarder) = match awarder {
                    None => award_at(&title),
                    awarder => (title, awarder),
                };
                cv.achievements.push(Achievement { title: Some(title), awarder, date, ..Achievement::default() })
            }
            Section::Courses => cv.courses.push(Course { name: Some(text), date, ..Course::default() }),
            Section::Publications => {
                let (title, venue) = publication_and_venue(&text);
                cv.publications.push(Publication { title: Some(title), venue, date, ..Publication::default() })
            }
            Section::Hobbies => cv
                .hobbies
                .extend(split_list(&text).into_iter().map(|name| Hobby { name: Some(name), keywords: Vec::new() })),
            Section::Projects if line.bullet => match cv.projects.last_mut() {
                Some(project) => project.highlights.push(text),
                None => unclassified.push(text),
            },
            Section::Projects => {
                let mut dates = found.map(|f| f.range).unwrap_or_default();
                let (name, url, description) = project_line(&text, &mut dates);
                cv.projects.push(Project { name: Some(name), description, url, dates, ..Project::default() })
            }
            _ => unclassified.push(line.text.clone()),
        }
    }
}

/// "2023: Forecasting bed occupancy": a date that labels the line, and where the rest starts.
fn leading_date_and_colon(text: &str) -> Option<(r2w_core::model::PartialDate, usize)> {
    let colon = text.find(':')?;
    let (date, end) = leading_date(&format!("{} ", &text[..colon]))?;
    (end == colon).then_some((date, colon + 1))
}

/// A line's text without the separators a removed date leaves at either end.
fn without_separators(text: &str) -> String {
    text.trim().trim_matches(['|', ',', '-', '–', '—', ':', '·', '•']).trim().to_owned()
}

/// "Published by X", "Publicado por X", "Veröffentlicht von X", "Publié par X": the venue.
fn strip_published_by(line: &str) -> Option<String> {
    const PREFIXES: &[&str] = &[
        "published by",
        "published in",
        "publicado por",
        "publicado en",
        "veröffentlicht von",
        "veröffentlicht in",
        "publié par",
        "publié dans",
    ];
    after_prefix(line, PREFIXES)
}

/// One item of a section other than jobs and studies, from its lines: the first heading line
/// names it; "Issued by X" / "Awarded by X" (or a second heading line) says by whom.
fn multi_line_item(section: Section, mut entry: Entry, cv: &mut CvData) {
    // Dates first ("December 2020" / "Bluebird Payments" / "• Engineering Excellence Award"):
    // the lines under them name the item.
    let mut bullets = std::mem::take(&mut entry.bullets);
    if entry.header.is_empty() && entry.beside_dates.is_empty() && section != Section::Projects {
        entry.other.append(&mut bullets);
    }
    let mut lines: Vec<String> = entry.header.into_iter().chain(entry.beside_dates).chain(entry.other).collect();
    // "Published in Journal of Health Informatics" over the title: the title names it.
    if lines.len() >= 2 && strip_published_by(&lines[0]).is_some() {
        lines.swap(0, 1);
    }
    let mut header = lines.into_iter();
    let Some(mut name) = header.next() else { return };
    let mut by = None;
    let mut rest = Vec::new();
    for line in header {
        match strip_by(&line) {
            Some(who) if by.is_none() => by = Some(who),
            _ if by.is_none() && rest.is_empty() && section != Section::Projects => by = Some(line),
            _ => rest.push(line),
        }
    }
    // Who gave it set above what it is: the line that names an award or a certificate is it.
    if let Some(who) = by.as_mut()
        && names_the_item(section, who)
        && !names_the_item(section, &name)
    {
        std::mem::swap(&mut name, who);
    }
    // "Engineering Excellence Award, Bluebird Payments" on one line: the item, then who gave it.
    let (name, by) = match by {
        None if matches!(section, Section::Achievements | Section::Certifications | Section::Courses) => {
            item_and_by(&name)
        }
        by => (name, by),
    };
    let (name, by) = match by {
        None if section == Section::Achievements => award_at(&name),
        by => (name, by),
    };
    let by = by.map(|who| strip_published_by(&who).unwrap_or(who));
    // A theme's "ledgerlite:" before the project's description.
    let name = name.trim_end_matches(':').trim().to_owned();
    let mut date = entry.dates.end.or(entry.dates.start);
    // Who gave it, with the date beside it ("Royal Statistical Society   Sep 2021"), and without
    // the emphasis a Markdown CV wraps it in.
    let by = by.map(|who| {
        let who = match find_range(&who) {
            Some(found) if found.end == who.trim_end().len() && found.start > 0 => {
                date = date.or(found.range.end.or(found.range.start));
                who[..found.start].trim().to_owned()
            }
            _ => who,
        };
        who.trim_matches(['*', '_']).trim().to_owned()
    });
    let summary = (!rest.is_empty()).then(|| rest.join(" "));
    match section {
        Section::Certifications => {
            cv.certifications.push(Certification { name: Some(name), issuer: by, date, ..Certification::default() })
        }
        Section::Achievements => cv.achievements.push(Achievement { title: Some(name), awarder: by, date, summary }),
        Section::Courses => {
            cv.courses.push(Course { name: Some(name), provider: by, date, summary, ..Course::default() })
        }
        Section::Publications => {
            let (title, venue) = publication_and_venue(&name);
            // A line under it that is itself a title and its venue is the next publication.
            let (venue, next) = match by {
                Some(line) if venue.is_some() && publication_and_venue(&line).1.is_some() => (venue, Some(line)),
                by => (venue.or(by), None),
            };
            cv.publications.push(Publication { title: Some(title), venue, date, summary, ..Publication::default() });
            if let Some(line) = next {
                let (title, venue) = publication_and_venue(&line);
                cv.publications.push(Publication { title: Some(title), venue, ..Publication::default() });
            }
        }
        _ => {
            let mut dates = entry.dates;
            let (name, url, said) = project_line(&name, &mut dates);
            cv.projects.push(Project {
                name: Some(name),
                description: said.into_iter().chain(by).chain(rest).reduce(|a, b| format!("{a} {b}")),
                url,
                dates,
                highlights: bullets,
                ..Project::default()
            })
        }
    }
}

/// Words that name an award or a certificate rather than who gave it.
fn names_the_item(section: Section, text: &str) -> bool {
    const AWARD: &[&str] = &[
        "award",
        "prize",
        "honor",
        "honour",
        "medal",
        "scholarship",
        "fellowship",
        "winner",
        "sieger",
        "gewinner",
        "ganador",
        "ganadora",
        "lauréat",
        "lauréate",
        "premio",
        "beca",
        "preis",
        "auszeichnung",
        "stipendium",
        "prix",
        "bourse",
        "médaille",
        "פרס",
        "מלגה",
    ];
    const CERTIFICATE: &[&str] = &[
        "certified",
        "certificate",
        "certification",
        "certificado",
        "certificación",
        "zertifikat",
        "zertifiziert",
        "certifié",
        "תעודה",
    ];
    let words = match section {
        Section::Achievements => AWARD,
        Section::Certifications => CERTIFICATE,
        _ => return false,
    };
    let lower = text.to_lowercase();
    words.iter().any(|w| lower.contains(w))
}

/// A project's first line, taken apart: "2019 ledgerlite, An open-source ledger library." is
/// its date (when the entry has none), its name and what it is; "ledgerlite
/// https://github.com/a/ledgerlite" is its name and address.
fn project_line(line: &str, dates: &mut r2w_core::model::DateRange) -> (String, Option<String>, Option<String>) {
    let mut line = line.trim();
    if dates.start.is_none()
        && dates.end.is_none()
        && let Some((date, at)) = leading_date(line)
    {
        dates.start = Some(date);
        line = line[at..].trim_start();
    }
    let (mut words, mut url) = (Vec::new(), None);
    for word in line.split_whitespace() {
        if url.is_none() && (word.starts_with("https://") || word.starts_with("http://")) {
            url = Some(word.trim_end_matches([',', ';', ')']).to_owned());
        } else {
            words.push(word);
        }
    }
    // A separator a theme draws after the name ("ledgerlite ∙") is not part of it.
    let line = words.join(" ").trim_end_matches([':', '∙', '·', '•', '|', '-', '–']).trim_end().to_owned();
    let sentence = |said: &str| said.ends_with('.') || said.split_whitespace().count() >= 4;
    // A project's name is usually one word ("ledgerlite"): what follows its comma or dash, when
    // it reads as a sentence, says what the project is.
    for separator in [", ", " - ", " – ", " — ", ": "] {
        if let Some((name, said)) = line.split_once(separator)
            && !name.contains(' ')
            && sentence(said)
        {
            return (name.to_owned(), url, Some(said.trim().to_owned()));
        }
    }
    // With only a gap between them: a name in a package's lower case ("tapas-cli"), then a
    // sentence ("tapas-cli Herramienta de línea de comandos.").
    if let Some((name, said)) = line.split_once(' ')
        && name.chars().any(char::is_alphabetic)
        && name.chars().all(|c| c.is_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
        && said.chars().next().is_some_and(char::is_uppercase)
        && said.ends_with('.')
        && said.split_whitespace().count() >= 3
    {
        return (name.to_owned(), url, Some(said.to_owned()));
    }
    (line, url, None)
}

/// "Engineering Award - Acme", "AWS Certified Developer, Amazon": an item and who gave it,
/// when the part after the separator is a short name.
fn item_and_by(text: &str) -> (String, Option<String>) {
    // The last separator on the line: "AWS Certified ML – Specialty, Amazon Web Services" is
    // split at the comma, the dash being part of the certificate's name.
    let split = [" - ", " – ", " — ", ", ", " | "]
        .iter()
        .filter_map(|separator| text.rfind(separator).map(|at| (at, separator.len())))
        .max_by_key(|(at, _)| *at);
    if let Some((at, len)) = split {
        let (item, by) = (text[..at].trim(), text[at + len..].trim());
        // A spaced dash or bar sets a one-word item apart too ("Hackathon-Sieger – Berlin
        // Energy Hack"); after a comma, only a name ("Hackathon-Sieger, Berlin Energy Hack"),
        // as a comma may be inside a one-word item's name.
        let title_cased = by.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase));
        let least = if text[at..at + len].contains(',') && !title_cased { 2 } else { 1 };
        if item.split_whitespace().count() >= least
            && (1..=5).contains(&by.split_whitespace().count())
            && !by.ends_with('.')
        {
            return (item.to_owned(), Some(by.to_owned()));
        }
    }
    (text.to_owned(), None)
}

/// "Engineering Excellence Award at Bluebird Payments": an award and who gave it, when what
/// follows the last " at " is a name of a few capitalised words.
fn award_at(text: &str) -> (String, Option<String>) {
    if let Some((award, by)) = text.rsplit_once(" at ")
        && names_the_item(Section::Achievements, award)
        && (1..=5).contains(&by.split_whitespace().count())
        && by.split_whitespace().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()))
    {
        return (award.trim().to_owned(), Some(by.trim().to_owned()));
    }
    (text.to_owned(), None)
}

/// "Forecasting bed occupancy, Journal of Health Informatics": a publication and its venue,
/// when what follows the last comma or dash is a title-cased name ("Statistics in Medicine"),
/// not the rest of a title ("Deep learning, revisited").
fn publication_and_venue(text: &str) -> (String, Option<String>) {
    // "... in Journal of Health Informatics", "... in Proceedings of ...": a venue named as one.
    const VENUES: &[&str] = &[
        "journal",
        "proceedings",
        "conference",
        "transactions",
        "review",
        "letters",
        "annals",
        "bulletin",
        "magazine",
        "symposium",
        "workshop",
        "revista",
        "zeitschrift",
        "actes",
        "revue",
        "congreso",
        "tagung",
    ];
    for joint in [" in ", " en ", " dans ", " published by "] {
        if let Some((title, venue)) = text.rsplit_once(joint)
            && !title.trim().is_empty()
            && venue.split_whitespace().next().is_some_and(|w| VENUES.contains(&w.to_lowercase().as_str()))
        {
            let venue = venue.split(',').next().unwrap_or(venue).trim();
            return (title.trim().to_owned(), Some(venue.to_owned()));
        }
    }
    let (title, venue) = item_and_by(text);
    if venue.as_deref().is_some_and(is_title_cased) { (title, venue) } else { (text.to_owned(), None) }
}

/// "Statistics in Medicine": every word capitalised but the small ones, as a name is written.
fn is_title_cased(text: &str) -> bool {
    let small = ["of", "in", "for", "and", "on", "the", "de", "des", "der", "und", "y", "et", "&"];
    text.split_whitespace().all(|w| small.contains(&w) || w.chars().next().is_some_and(char::is_uppercase))
}

/// "Issued by CNCF", "Awarded by Acme", "Emitido por ...", "Verliehen von ...", "Délivré par ...".
/// "Awarded December 2020 by Bluebird Payments", "Issued 2021": a line that only dates an item
/// (and may say who gave it), in the words of five languages. `None` for anything else.
fn award_detail(line: &str) -> Option<(Option<r2w_core::model::PartialDate>, Option<String>)> {
    const VERBS: &[&str] =
        &["awarded", "issued", "received", "granted", "otorgado", "emitido", "verliehen", "décerné", "délivré"];
    let lower = line.trim().to_lowercase();
    let verb = VERBS.iter().find(|v| lower.strip_prefix(**v).is_some_and(|rest| rest.starts_with(' ')))?;
    let found = find_range(line)?;
    let rest = format!("{} {}", &line[..found.start], &line[found.end..]);
    let rest = rest.trim().get(verb.len()..).unwrap_or_default().trim();
    let who = if rest.is_empty() { None } else { Some(strip_by(rest)?) };
    Some((found.range.end.or(found.range.start), who))
}

fn strip_by(line: &str) -> Option<String> {
    const PREFIXES: &[&str] = &[
        "issued by",
        "awarded by",
        "granted by",
        "presented by",
        "by",
        "emitido por",
        "otorgado por",
        "concedido por",
        "ausgestellt von",
        "verliehen von",
        "von",
        "délivré par",
        "décerné par",
        "par",
        "הוענק על ידי",
        "מטעם",
    ];
    after_prefix(line, PREFIXES)
}

/// What follows the first of `prefixes` (lower case, a whole word or words) that opens `line`,
/// after a space or colon: "Issued by: CNCF" -> "CNCF".
fn after_prefix(line: &str, prefixes: &[&str]) -> Option<String> {
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = line.to_lowercase();
    prefixes.iter().find_map(|p| {
        lower
            .strip_prefix(p)
            .filter(|rest| rest.starts_with([' ', ':']))
            .and_then(|_| line.get(p.len()..))
            .map(|rest| rest.trim_start_matches([' ', ':']).trim().to_owned())
            .filter(|rest| !rest.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use r2w_core::model::{DateRange, PartialDate};

    use super::*;

    #[test]
    fn a_level_under_its_label_joins_the_language_above_and_a_date_is_no_language() {
        let text = "Ada Lovelace\n\nLANGUAGES\nEnglish\nFluency: Native\nTamil\nFluency: Fluent\nDecember 4, 2026\n";
        let languages: Vec<(Option<String>, Option<String>)> =
            extract(text).languages.into_iter().map(|l| (l.language, l.proficiency)).collect();
        assert_eq!(
            languages,
            [(Some("English".into()), Some("Native".into())), (Some("Tamil".into()), Some("Fluent".into()))]
        );
    }

    #[test]
    fn one_line_items_are_split_into_what_and_by_whom() {
        let split = |t: &str| item_and_by(t);
        assert_eq!(
            split("Hackathon-Sieger – Berlin Energy Hack"),
            ("Hackathon-Sieger".into(), Some("Berlin Energy Hack".into()))
        );
        assert_eq!(
            split("Hackathon-Sieger, Berlin Energy Hack"),
            ("Hackathon-Sieger".into(), Some("Berlin Energy Hack".into()))
        );
        assert_eq!(
            split("Kubernetes, containers"),
            ("Kubernetes, containers".into(), None),
            "not a name after the comma"
        );
        assert_eq!(
            split("AWS Certified ML – Specialty, Amazon Web Services").1.as_deref(),
            Some("Amazon Web Services")
        );
    }

    #[test]
    fn a_project_line_gives_its_date_name_address_and_what_it_is() {
        let mut dates = r2w_core::model::DateRange::default();
        let (name, url, said) =
            project_line("2019 ledgerlite, An open-source double-entry ledger library for Go.", &mut dates);
        assert_eq!(
            (name.as_str(), url, said.as_deref()),
            ("ledgerlite", None, Some("An open-source double-entry ledger library for Go."))
        );
        assert_eq!(dates.start.map(|d| d.to_string()).as_deref(), Some("2019"));
        let mut dates = r2w_core::model::DateRange::default();
        let (name, url, said) = project_line("ledgerlite https://github.com/praman/ledgerlite", &mut dates);
        assert_eq!(
            (name.as_str(), url.as_deref(), said),
            ("ledgerlite", Some("https://github.com/praman/ledgerlite"), None)
        );
        let (name, _, said) = project_line("Payments platform rewrite", &mut dates);
        assert_eq!((name.as_str(), said), ("Payments platform rewrite", None), "a name of several words stays whole");
        let (name, _, said) = project_line("tapas-cli Herramienta de línea de comandos.", &mut dates);
        assert_eq!((name.as_str(), said.as_deref()), ("tapas-cli", Some("Herramienta de línea de comandos.")));
        let (name, _, said) = project_line("ledgerlite ∙", &mut dates);
        assert_eq!((name.as_str(), said), ("ledgerlite", None), "the theme's separator goes");
    }

    #[test]
    fn an_award_under_its_date_and_its_giver_and_a_school_wrapped_after_at() {
        let text = "Awards\n• December\n• 2020\nBluebird Payments\n• Engineering Excellence Award\nEducation\n2015\nUniversity of Texas at\nAustin\n";
        let cv = extract(text);
        assert_eq!(cv.achievements.len(), 1, "{:?}", cv.achievements);
        let award = &cv.achievements[0];
        assert_eq!(award.title.as_deref(), Some("Engineering Excellence Award"));
        assert_eq!(award.awarder.as_deref(), Some("Bluebird Payments"));
        assert_eq!(award.date.map(|d| d.to_string()).as_deref(), Some("2020-12"));
        assert_eq!(cv.education.len(), 1, "{:?}", cv.education);
        assert_eq!(cv.education[0].institution.as_deref(), Some("University of Texas at Austin"));
    }

    #[test]
    fn one_line_projects_a_wrapped_date_column_and_the_length_of_a_job() {
        // A LaTeX CV: the range wraps in its narrow column, bullets come out as '{'.
        let text = "Experience\nMar 2021 – Senior Backend Engineer, Northwind Freight\nPresent Owns the shipment tracking platform.\n{ Rebuilt the event pipeline\nJun 2017 – Software Engineer, Bluebird Payments\nFeb 2021 3 years 8 months\nProjects\nledgerlite: An open-source double-entry ledger library for Go.\nContact\nAustin, TX\n";
        let cv = extract(text);
        assert_eq!(cv.experience.len(), 2, "{:?}", cv.experience);
        let first = &cv.experience[0];
        assert_eq!(
            (first.title.as_deref(), first.company.as_deref()),
            (Some("Senior Backend Engineer"), Some("Northwind Freight"))
        );
        assert!(first.dates.is_current);
        assert_eq!(first.dates.start.map(|d| d.to_string()).as_deref(), Some("2021-03"));
        assert_eq!(first.responsibilities, ["Rebuilt the event pipeline"]);
        let second = &cv.experience[1];
        assert_eq!(second.dates.end.map(|d| d.to_string()).as_deref(), Some("2021-02"));
        assert_eq!(second.summary, None, "how long it lasted is not the person's text");
        assert_eq!(cv.projects.len(), 1, "the contact block is no project: {:?}", cv.projects);
        assert_eq!(cv.projects[0].name.as_deref(), Some("ledgerlite"));
        assert_eq!(cv.projects[0].description.as_deref(), Some("An open-source double-entry ledger library for Go."));
    }

    #[test]
    fn a_sidebar_read_after_the_languages_gives_the_name_and_title() {
        let cv = extract(
            "SKILLS\nGo, Python\nLANGUAGES\nEnglish : Native\nTamil : Fluent\nPriya Raman\nSenior Backend Engineer\nEXPERIENCE\nEngineer, Acme\n2019 – 2021\n",
        );
        let spoken: Vec<_> = cv.languages.iter().map(|l| (l.language.as_deref(), l.proficiency.as_deref())).collect();
        assert_eq!(spoken, [(Some("English"), Some("Native")), (Some("Tamil"), Some("Fluent"))]);
        assert_eq!(cv.hero.full_name.as_deref(), Some("Priya Raman"));
        assert_eq!(cv.hero.professional_title.as_deref(), Some("Senior Backend Engineer"));
        // A skills grid's next group after the languages: skills.
        let cv = extract("Dana Levi\nLANGUAGES\nEnglish\nNative\nInfrastructure\n• Kubernetes\nTerraform\n");
        assert_eq!(cv.languages.len(), 1);
        assert_eq!(cv.skills.categories[0].keywords, ["Kubernetes", "Terraform"]);
    }

    #[test]
    fn an_entry_heading_and_dates_indented_like_list_items_still_head_the_entry() {
        let cv = extract(
            "Work Experience\n• Senior Engineer, Spreewerk GmbH\n• Jul, 2019 - Present\n• Built the platform\n",
        );
        let job = &cv.experience[0];
        assert_eq!((job.title.as_deref(), job.company.as_deref()), (Some("Senior Engineer"), Some("Spreewerk GmbH")));
        assert!(job.dates.is_current);
        assert_eq!(job.responsibilities, ["Built the platform"]);
    }

    #[test]
    fn a_line_that_leaves_a_bracket_open_goes_on() {
        let lines = join_continuations("FRANÇAIS (LANGUE\nMATERNELLE)\nANGLAIS (COURANT)\n");
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["FRANÇAIS (LANGUE MATERNELLE)", "ANGLAIS (COURANT)"]);
    }

    #[test]
    fn a_degree_under_its_schools_dated_line_stays_with_that_school() {
        let cv = extract(
            "Education\nTechnische Universität Berlin Oct 2013 — Dec 2015\nMaster of Science - Informatik\nUniversität Potsdam Oct 2010 — Sep 2013\nBachelor of Science - Informatik\n",
        );
        let schools: Vec<_> =
            cv.education.iter().map(|e| (e.institution.as_deref(), e.degree.as_deref(), e.field.as_deref())).collect();
        assert_eq!(
            schools,
            [
                (Some("Technische Universität Berlin"), Some("Master of Science"), Some("Informatik")),
                (Some("Universität Potsdam"), Some("Bachelor of Science"), Some("Informatik"))
            ]
        );
    }

    #[test]
    fn dated_items_venues_named_as_such_and_counts() {
        let cv = extract(
            "Publications\n2023: Forecasting bed occupancy\nDeep learning in practice in Journal of Health Informatics\nAwards\n1\nHackathon Winner at Berlin Energy Hack\n",
        );
        let publications: Vec<_> = cv
            .publications
            .iter()
            .map(|p| (p.title.as_deref(), p.venue.as_deref(), p.date.map(|d| d.to_string())))
            .collect();
        assert_eq!(
            publications,
            [
                (Some("Forecasting bed occupancy"), None, Some("2023".to_owned())),
                (Some("Deep learning in practice"), Some("Journal of Health Informatics"), None)
            ]
        );
        let awards: Vec<_> = cv.achievements.iter().map(|a| (a.title.as_deref(), a.awarder.as_deref())).collect();
        assert_eq!(awards, [(Some("Hackathon Winner"), Some("Berlin Energy Hack"))], "a count is no award");
    }

    #[test]
    fn a_role_under_its_dates_after_the_last_entrys_sentences_heads_its_entry() {
        let cv = extract(
            "Work Experience\nSenior Data Scientist:\n2022-01 to Present\nBuilt the forecast used by 40 trusts\nIntroduced model monitoring and bias audits\n2019-09 to 2021-12\nData Scientist:\nDelivered churn models for retail clients\n",
        );
        let jobs: Vec<_> =
            cv.experience.iter().map(|j| (j.title.as_deref(), j.dates.start.map(|d| d.to_string()))).collect();
        assert_eq!(
            jobs,
            [
                (Some("Senior Data Scientist"), Some("2022-01".to_owned())),
                (Some("Data Scientist"), Some("2019-09".to_owned()))
            ]
        );
    }

    #[test]
    fn publications_one_shape_after_another() {
        let titles = |text: &str| -> Vec<(Option<String>, Option<String>)> {
            extract(text).publications.into_iter().map(|p| (p.title, p.venue)).collect()
        };
        let pair = |t: &str, v: &str| (Some(t.to_owned()), Some(v.to_owned()));
        assert_eq!(
            titles(
                "Publications\nForecasting bed occupancy\nMay 2023\nJournal of Health Informatics\nCausal effects of discharge\nNov 2020\nStatistics in Medicine\n"
            ),
            [
                pair("Forecasting bed occupancy", "Journal of Health Informatics"),
                pair("Causal effects of discharge", "Statistics in Medicine")
            ]
        );
        assert_eq!(
            titles(
                "Publications\nForecasting bed occupancy in Journal of Health Informatics\nMay 2023\nCausal effects in Journal of Statistics\n"
            ),
            [
                pair("Forecasting bed occupancy", "Journal of Health Informatics"),
                pair("Causal effects", "Journal of Statistics")
            ]
        );
    }

    #[test]
    fn the_organisation_over_a_role_beside_its_dates() {
        let cv =
            extract("Volunteering\nDataKind UK\nVolunteer Data Scientist Jan 2018 - Dec 2020\n• Analysed demand\n");
        let role = &cv.volunteer[0];
        assert_eq!(
            (role.organization.as_deref(), role.role.as_deref()),
            (Some("DataKind UK"), Some("Volunteer Data Scientist"))
        );
    }

    #[test]
    fn a_bullet_on_a_line_of_its_own_marks_the_next() {
        let lines = join_continuations("Programmiersprachen\n•\nKotlin\n•\nJava\n");
        let read: Vec<(&str, bool)> = lines.iter().map(|l| (l.text.as_str(), l.bullet)).collect();
        assert_eq!(read, [("Programmiersprachen", false), ("Kotlin", true), ("Java", true)]);
        let lines = join_continuations("עבודה\nפיתוח שירותים\n•\nמפתחת\n");
        let read: Vec<(&str, bool)> = lines.iter().map(|l| (l.text.as_str(), l.bullet)).collect();
        assert_eq!(read, [("עבודה", false), ("פיתוח שירותים", true), ("מפתחת", false)], "read after its text");
    }

    #[test]
    fn skill_groups_named_over_their_lists() {
        let lines = |text: &str| text.lines().map(|t| Line { text: t.to_owned(), bullet: false }).collect::<Vec<_>>();
        let mut cv = CvData::default();
        skills(&lines("Languages\nKotlin, Go.\nTools\nCloud\nAWS, GCP\nMobile\nFlutter"), &mut cv, &mut Vec::new());
        let groups: Vec<(Option<&str>, Vec<&str>)> = cv
            .skills
            .categories
            .iter()
            .map(|c| (c.name.as_deref(), c.keywords.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            groups,
            [
                (Some("Languages"), vec!["Kotlin", "Go"]),
                (Some("Tools"), vec![]),
                (Some("Cloud"), vec!["AWS", "GCP"]),
                (Some("Mobile"), vec!["Flutter"])
            ]
        );
        // Skills one per line under their group's name, the first indented like a list item.
        let mut cv = CvData::default();
        let chips =
            [("Infrastructure", false), ("Kubernetes", true), ("Terraform", false), ("Cloud", false), ("AWS", true)]
                .map(|(text, bullet)| Line { text: text.to_owned(), bullet });
        skills(&chips, &mut cv, &mut Vec::new());
        let groups: Vec<(Option<&str>, &[String])> =
            cv.skills.categories.iter().map(|c| (c.name.as_deref(), c.keywords.as_slice())).collect();
        assert_eq!(
            groups,
            [
                (Some("Infrastructure"), &["Kubernetes".to_owned(), "Terraform".to_owned()][..]),
                (Some("Cloud"), &["AWS".to_owned()][..])
            ]
        );
        // One skill per line, with no list anywhere: skills, not groups.
        let mut cv = CvData::default();
        skills(&lines("Python\nGo\nNode.js"), &mut cv, &mut Vec::new());
        assert_eq!(cv.skills.ungrouped, ["Python", "Go", "Node.js"]);
        assert!(cv.skills.categories.is_empty());
    }

    #[test]
    fn a_plain_text_cv() {
        let text = "Olivia Bennett\nSenior Software Engineer\nolivia@example.com | +1 (415) 555-0134 | San Francisco, CA\nhttps://github.com/obennett\n\nSUMMARY\nBackend engineer.\n\nWORK EXPERIENCE\nSenior Software Engineer, Lumen Payments\nSan Francisco, CA | Mar 2020 – Present\n• Led the ledger rewrite\n• Mentored five engineers\nGo, PostgreSQL\nSoftware Engineer, Brightwave Inc.\nOakland, CA | Jun 2016 – Feb 2020\n\nEDUCATION\nBachelor of Science, Computer Science\nUniversity of California, Davis | 2011 – 2015\n\nSKILLS\nLanguages: Go, Python, SQL\nMentoring, Writing\n\nLANGUAGES\nEnglish – Native\nSpanish (B2)\n";
        let cv = extract(text);
        assert_eq!(cv.hero.full_name.as_deref(), Some("Olivia Bennett"));
        assert_eq!(cv.hero.professional_title.as_deref(), Some("Senior Software Engineer"));
        assert_eq!(cv.contact.email.as_deref(), Some("olivia@example.com"));
        assert_eq!(cv.contact.phone.as_deref(), Some("+1 (415) 555-0134"));
        assert_eq!(cv.contact.location.as_ref().and_then(|l| l.address.as_deref()), Some("San Francisco, CA"));
        assert_eq!(cv.contact.links[0].network.as_deref(), Some("GitHub"));
        assert_eq!(cv.experience.len(), 2);
        let first = &cv.experience[0];
        assert_eq!(
            (first.title.as_deref(), first.company.as_deref()),
            (Some("Senior Software Engineer"), Some("Lumen Payments"))
        );
        assert_eq!(first.location.as_deref(), Some("San Francisco, CA"));
        assert!(first.dates.is_current);
        assert_eq!(first.responsibilities.len(), 2);
        assert_eq!(first.technologies, ["Go", "PostgreSQL"]);
        assert_eq!(cv.education[0].institution.as_deref(), Some("University of California, Davis"));
        assert_eq!(cv.education[0].degree.as_deref(), Some("Bachelor of Science"));
        assert_eq!(cv.education[0].field.as_deref(), Some("Computer Science"));
        assert_eq!(cv.skills.categories[0].keywords, ["Go", "Python", "SQL"]);
        assert_eq!(cv.skills.ungrouped, ["Mentoring", "Writing"]);
        assert_eq!(cv.languages[1].proficiency.as_deref(), Some("B2"));
        assert_eq!(cv.metadata.source_language.as_ref().map(|l| l.as_str()), Some("en"));
        assert_eq!(cv.metadata.extraction_method, Some(ExtractionMethod::Heuristic));
    }

    #[test]
    fn a_degree_and_its_school_on_one_line_over_dates_in_year_and_month_name() {
        let text = "Tomás Okafor\n\nEDUCATION\nPhD, Statistics - University of Manchester\n2015-Sep - 2019-Jul\n\nBSc, Mathematics – University of Lagos\n2010-Sep - 2014-Jul\n\nAWARDS\nYoung Statistician Prize - Royal Statistical Society\n2021-Sep\n";
        let cv = extract(text);
        let schools: Vec<_> = cv
            .education
            .iter()
            .map(|e| {
                (e.institution.as_deref(), e.degree.as_deref(), e.field.as_deref(), e.dates.end.map(|d| d.to_string()))
            })
            .collect();
        assert_eq!(
            schools,
            [
                (Some("University of Manchester"), Some("PhD"), Some("Statistics"), Some("2019-07".to_owned())),
                (Some("University of Lagos"), Some("BSc"), Some("Mathematics"), Some("2014-07".to_owned())),
            ]
        );
        assert_eq!(cv.achievements.len(), 1, "a date is not an award: {:?}", cv.achievements);
    }

    #[test]
    fn one_line_items_split_at_their_last_separator_and_publications_only_before_a_venue() {
        let by = |t: &str| item_and_by(t);
        assert_eq!(
            by("AWS Certified Machine Learning – Specialty, Amazon Web Services"),
            ("AWS Certified Machine Learning – Specialty".to_owned(), Some("Amazon Web Services".to_owned()))
        );
        assert_eq!(
            by("Engineering Excellence Award - Bluebird"),
            ("Engineering Excellence Award".to_owned(), Some("Bluebird".to_owned()))
        );
        let venue = |t: &str| publication_and_venue(t);
        assert_eq!(
            venue("Causal effects of discharge policies, Statistics in Medicine"),
            ("Causal effects of discharge policies".to_owned(), Some("Statistics in Medicine".to_owned()))
        );
        assert_eq!(
            venue("Deep learning, revisited for tabular data"),
            ("Deep learning, revisited for tabular data".to_owned(), None)
        );
        let cv = extract(
            "Ada Byron\n\nPUBLICATIONS\nForecasting bed occupancy with hierarchical models, Journal of Health Informatics (2023)\n",
        );
        let publication = &cv.publications[0];
        assert_eq!(publication.title.as_deref(), Some("Forecasting bed occupancy with hierarchical models"));
        assert_eq!(publication.venue.as_deref(), Some("Journal of Health Informatics"));
        assert_eq!(publication.date.map(|d| d.to_string()).as_deref(), Some("2023"));
    }

    #[test]
    fn a_name_read_after_a_sidebar_is_still_the_name() {
        let text = "marcus@example.net | +44 7700 900123 | Bristol\nSkills\nFigma, Prototyping\nLanguages\nEnglish – Native\nMarcus Oyelaran\nProduct Designer\nSummary\nDesigner.\n";
        let cv = extract(text);
        assert_eq!(cv.hero.full_name.as_deref(), Some("Marcus Oyelaran"));
        assert_eq!(cv.hero.professional_title.as_deref(), Some("Product Designer"));
        assert_eq!(cv.languages.len(), 1, "{:?}", cv.languages);
    }

    #[test]
    fn an_entry_that_starts_with_its_dates_and_names_only_the_role() {
        let text = "Work\nMarch 2021 — Now\nSenior Backend Engineer\nOwns the shipment tracking platform.\nHighlights\n• Rebuilt the event pipeline\nJune 2017 — February 2021\nSoftware Engineer\nHighlights\n• Designed the refunds API\n";
        let cv = extract(text);
        assert_eq!(cv.experience.len(), 2, "{:?}", cv.experience);
        let first = &cv.experience[0];
        assert_eq!((first.title.as_deref(), first.company.as_deref()), (Some("Senior Backend Engineer"), None));
        assert_eq!(
            first.summary.as_deref(),
            Some("Owns the shipment tracking platform."),
            "the theme's label is not text"
        );
        assert_eq!(first.responsibilities, ["Rebuilt the event pipeline"]);
        assert_eq!(cv.experience[1].title.as_deref(), Some("Software Engineer"));
    }

    #[test]
    fn a_degree_and_its_field_listed_as_bullets() {
        let text = "Education\nUniversity of Texas at Austin\nAugust 2011 — May 2015\n• Computer Science\n• Bachelor of Science\n";
        let cv = extract(text);
        let school = &cv.education[0];
        assert_eq!(
            (school.degree.as_deref(), school.field.as_deref()),
            (Some("Bachelor of Science"), Some("Computer Science"))
        );
        assert!(school.honours.is_empty());
    }

    #[test]
    fn a_sidebar_read_after_the_languages_brings_no_languages_along() {
        let text = "Priya Raman\nSkills\nGo\nPython\nLanguages\nEnglish\nTamil\nNative\nFluent\nAustin, TX\npriya@example.com\n+1 (512) 555-0187\n";
        let cv = extract(text);
        let spoken: Vec<_> = cv.languages.iter().map(|l| (l.language.as_deref(), l.proficiency.as_deref())).collect();
        assert_eq!(spoken, [(Some("English"), Some("Native")), (Some("Tamil"), Some("Fluent"))]);
        assert_eq!(cv.skills.ungrouped, ["Go", "Python"]);
        assert_eq!(cv.contact.email.as_deref(), Some("priya@example.com"));
    }

    #[test]
    fn a_line_that_dates_an_award_belongs_to_it() {
        let text =
            "Awards\nEngineering Excellence Award\nAwarded December 2020 by Bluebird Payments\nHackathon winner\n";
        let cv = extract(text);
        let awards: Vec<_> = cv
            .achievements
            .iter()
            .map(|a| (a.title.as_deref(), a.awarder.as_deref(), a.date.map(|d| d.to_string())))
            .collect();
        assert_eq!(
            awards,
            [
                (Some("Engineering Excellence Award"), Some("Bluebird Payments"), Some("2020-12".to_owned())),
                (Some("Hackathon winner"), None, None)
            ]
        );
    }

    #[test]
    fn an_award_and_its_awarder_on_one_line_over_its_date() {
        let text = "Awards\nEngineering Excellence Award, Bluebird Payments\nDec 2020\nProjects\nledgerlite:\n";
        let cv = extract(text);
        let award = &cv.achievements[0];
        assert_eq!(
            (award.title.as_deref(), award.awarder.as_deref(), award.date.map(|d| d.to_string())),
            (Some("Engineering Excellence Award"), Some("Bluebird Payments"), Some("2020-12".to_owned()))
        );
        assert_eq!(cv.projects[0].name.as_deref(), Some("ledgerlite"));
    }

    #[test]
    fn a_school_named_after_the_dates() {
        let text = "Education\nComputer Science, Bachelor of Science\n2011 — 2015\nUniversity of Texas at Austin\n";
        let cv = extract(text);
        let school = &cv.education[0];
        assert_eq!(school.institution.as_deref(), Some("University of Texas at Austin"));
        assert_eq!(school.degree.as_deref(), Some("Bachelor of Science"));
    }

    #[test]
    fn bullets_that_lost_their_markers_stay_with_their_job() {
        let text = "EXPERIENCE\nEngineer, Acme\nBerlin | 2019 - 2021\nBuilt the billing API Cut p99 latency by 40% for every region\nDeveloper, Beta GmbH\nMunich | 2016 - 2019\n";
        let cv = extract(text);
        assert_eq!(cv.experience.len(), 2);
        assert_eq!(
            (cv.experience[1].title.as_deref(), cv.experience[1].company.as_deref()),
            (Some("Developer"), Some("Beta GmbH"))
        );
        assert!(cv.experience[0].summary.as_deref().is_some_and(|s| s.contains("billing API")));
    }

    #[test]
    fn nothing_is_dropped_or_invented() {
        let cv = extract("Jo Bloggs\nSome line we cannot place 123\n");
        assert_eq!(cv.hero.full_name.as_deref(), Some("Jo Bloggs"));
        assert_eq!(cv.unclassified_text.as_deref(), Some("Some line we cannot place 123"));
        assert!(cv.contact.email.is_none() && cv.experience.is_empty());
    }

    #[test]
    fn dates_marked_as_items_with_the_time_they_lasted_and_the_role_under_them() {
        let text = "Experience\n• March, 2021 - Present 5 years, 9 months\nSenior Backend Engineer\nOwns the platform.\n\
            • Led a team of four engineers through a zero-downtime migration\n• Cut costs by half\n\
            • June, 2017 - February, 2021 3 years, 8 months\nSoftware Engineer\n• Designed the refunds API\n\
            Experience\n• March, 2021 - Present 5 years, 9 months\nSenior Backend Engineer\nOwns the platform.\n\
            • Led a team of four engineers through a zero-downtime migration\n• Cut costs by half\n\
            • June, 2017 - February, 2021 3 years, 8 months\nSoftware Engineer\n• Designed the refunds API\n";
        let cv = extract(text);
        // The section printed twice (one copy per screen width) is read once.
        let jobs: Vec<(Option<&str>, Option<&str>, usize)> = cv
            .experience
            .iter()
            .map(|e| (e.title.as_deref(), e.company.as_deref(), e.responsibilities.len()))
            .collect();
        assert_eq!(jobs, [(Some("Senior Backend Engineer"), None, 2), (Some("Software Engineer"), None, 1)]);
        assert_eq!(cv.experience[1].dates.start, PartialDate::month(2017, 6).ok());
    }

    #[test]
    fn a_degree_after_its_field_in_brackets_or_over_it_and_years_stacked_in_a_column() {
        let split = |t: &str| split_degree_field(t);
        assert_eq!(
            split("Computer Science Bachelor of Science"),
            Some(("Bachelor of Science".into(), "Computer Science".into()))
        );
        assert_eq!(split("Statistics PhD"), Some(("PhD".into(), "Statistics".into())));
        assert_eq!(split("מדעי המחשב תואר ראשון"), Some(("תואר ראשון".into(), "מדעי המחשב".into())));
        assert_eq!(split("Master of Science (Informatik)"), Some(("Master of Science".into(), "Informatik".into())));
        assert_eq!(split("Science Museum"), None);
        let cv = extract(
            "Education\n2015\n\n2019\nUniversity of Manchester\nPhD\nStatistics\n\
             Master of Science\nInformatik\nTechnische Universität Berlin\n2013 – 2015\n",
        );
        let schools: Vec<String> =
            cv.education.iter().map(|e| format!("{:?} {:?} {:?}", e.institution, e.degree, e.dates)).collect();
        let year = |y| PartialDate::year(y).ok();
        assert_eq!(
            schools,
            [
                format!(
                    "{:?} {:?} {:?}",
                    Some("University of Manchester"),
                    Some("PhD"),
                    DateRange { start: year(2015), end: year(2019), ..DateRange::default() }
                ),
                format!(
                    "{:?} {:?} {:?}",
                    Some("Technische Universität Berlin"),
                    Some("Master of Science"),
                    DateRange { start: year(2013), end: year(2015), ..DateRange::default() }
                ),
            ]
        );
    }

    #[test]
    fn a_europass_form_reads_as_entries_and_languages() {
        let text = "Europass\nCurriculum Vitae\nPersonal information\nName / Surname: Priya Raman\n\
            Address: Austin, US\nTelephone: +1 (512) 555-0187\nSenior Backend Engineer\nWork experience\n\
            Dates: 03/2021 – present\n\
            Occupation or position held: Senior Backend Engineer\nMain activities and: Owns the tracking platform.\n\
            responsibilities\n– Rebuilt the event pipeline on Kafka\nName of employer: Northwind Freight\n\
            Education and training\nDates: 08/2011 – 05/2015\nTitle of qualification awarded: Bachelor of Science\n\
            Principal subjects: Computer Science\nName of organisation providing: University of Texas at Austin education\n\
            Personal skills and competences\nMother tongue: English\nOther languages: Tamil (Fluent)\n\
            Infrastructure: Kubernetes, Terraform\n";
        let cv = extract(text);
        assert_eq!(cv.hero.full_name.as_deref(), Some("Priya Raman"));
        assert_eq!(cv.hero.professional_title.as_deref(), Some("Senior Backend Engineer"));
        let job = &cv.experience[0];
        assert_eq!(
            (job.title.as_deref(), job.company.as_deref(), job.dates.start),
            (Some("Senior Backend Engineer"), Some("Northwind Freight"), PartialDate::month(2021, 3).ok())
        );
        assert_eq!(job.responsibilities, ["Rebuilt the event pipeline on Kafka"]);
        let school = &cv.education[0];
        assert_eq!(
            (school.institution.as_deref(), school.degree.as_deref(), school.field.as_deref()),
            (Some("University of Texas at Austin"), Some("Bachelor of Science"), Some("Computer Science"))
        );
        let languages: Vec<Option<&str>> = cv.languages.iter().map(|l| l.language.as_deref()).collect();
        assert_eq!(languages, [Some("English"), Some("Tamil")]);
        let skills: Vec<&str> =
            cv.skills.categories.iter().flat_map(|g| g.keywords.iter().map(String::as_str)).collect();
        assert_eq!(skills, ["Kubernetes", "Terraform"]);
    }

    #[test]
    fn dates_over_an_item_that_heads_the_entry_and_no_place_or_title_for_a_name() {
        let cv = extract(
            "priya@example.com\nAustin, US\nPriya Raman\nSenior Backend Engineer\nWork experience\n\
             03/2021 – present\n• Senior Backend Engineer, Northwind Freight. Owns the platform.\n\
             • Rebuilt the event pipeline\n06/2017 – 02/2021\n• Software Engineer, Bluebird Payments.\n\
             • Reduced p99 latency by 35%\nEducation\n2011 – 2015\n• University of Texas at Austin\n",
        );
        assert_eq!(cv.hero.full_name.as_deref(), Some("Priya Raman"));
        let jobs: Vec<String> = cv
            .experience
            .iter()
            .map(|e| format!("{:?} {:?} {:?} {}", e.title, e.company, e.summary, e.responsibilities.len()))
            .collect();
        assert_eq!(
            jobs,
            [
                r#"Some("Senior Backend Engineer") Some("Northwind Freight") Some("Owns the platform.") 1"#,
                r#"Some("Software Engineer") Some("Bluebird Payments") None 1"#,
            ]
        );
        assert_eq!(cv.education[0].institution.as_deref(), Some("University of Texas at Austin"));
        assert!(!looks_like_name("Europass") && !looks_like_name("Curriculum Vitae"));
    }

    #[test]
    fn a_name_over_its_contacts_after_a_sidebar_and_names_that_are_no_names() {
        // The sidebar's skills end on two short lines over a heading, like a name and title;
        // the name is the one with contact details under it.
        let cv = extract(
            "Skills\nGo\nPostgreSQL\nKafka\nLanguages\nEnglish: Native\nPriya RAMAN\nAustin, US\n\
             +1 (512) 555-0187 priya@example.com\nSenior Backend Engineer\nExperience\n\
             2021 – present\nSenior Backend Engineer, Northwind Freight\n",
        );
        assert_eq!(cv.hero.full_name.as_deref(), Some("Priya RAMAN"));
        assert_eq!(cv.hero.professional_title.as_deref(), Some("Senior Backend Engineer"));
        let cv = extract("profile-pic\nJonas Müller · Softwareentwickler\njonas@example.de\n");
        assert_eq!(cv.hero.full_name.as_deref(), Some("Jonas Müller"));
        assert_eq!(cv.hero.professional_title.as_deref(), Some("Softwareentwickler"));
        let cv = extract("Curriculum vitae\nPersonal information: Priya Raman\nAustin, US\nSenior Backend Engineer\n");
        assert_eq!(cv.hero.full_name.as_deref(), Some("Priya Raman"));
        assert!(looks_like_name("נועה כהן") && looks_like_name("佐藤 陽翔") && !looks_like_name("profile-pic"));
    }

    #[test]
    fn a_role_marked_as_an_item_under_its_dates_and_a_role_under_its_company() {
        let cv = extract(
            "Experience\n• 2021-03 - Present\n• Senior Backend Engineer\nOwns the platform.\n\
             • 2017-06 - 2021-02\n• Software Engineer\n• 2015-01 - 2017-05\n• Junior Developer\n",
        );
        let titles: Vec<_> = cv.experience.iter().map(|e| e.title.as_deref()).collect();
        assert_eq!(titles, [Some("Senior Backend Engineer"), Some("Software Engineer"), Some("Junior Developer")]);
        let cv = extract(
            "Work\n2021-03 - present\nNorthwind Freight\nSenior Backend Engineer\n- Rebuilt the pipeline\n\
             2017-06 - 2021-02\nBluebird Payments\nSoftware Engineer\n- Designed the refunds API\n",
        );
        let jobs: Vec<_> = cv.experience.iter().map(|e| (e.title.as_deref(), e.company.as_deref())).collect();
        assert_eq!(
            jobs,
            [
                (Some("Senior Backend Engineer"), Some("Northwind Freight")),
                (Some("Software Engineer"), Some("Bluebird Payments"))
            ]
        );
    }

    #[test]
    fn schools_under_degrees_beside_their_dates_a_wrapped_heading_and_a_school_after_the_years() {
        let cv = extract(
            "SCHUL- UND BERUFSBILDUNG\nOct 2013 – Dec 2015 Master of Science – Informatik\n\
             Technische Universität Berlin\nOct 2010 – Sep 2013 Bachelor of Science – Informatik\n\
             Universität Potsdam\nPERSÖNLICHE FÄHIGKEITEN\nUND KOMPETENZEN\nDeutsch: Muttersprache\n\
             Programmiersprachen: Kotlin, Java\n",
        );
        let schools: Vec<_> =
            cv.education.iter().map(|e| (e.institution.as_deref(), e.degree.as_deref(), e.field.as_deref())).collect();
        assert_eq!(
            schools,
            [
                (Some("Technische Universität Berlin"), Some("Master of Science"), Some("Informatik")),
                (Some("Universität Potsdam"), Some("Bachelor of Science"), Some("Informatik"))
            ]
        );
        let groups: Vec<_> = cv.skills.categories.iter().map(|c| c.name.as_deref()).collect();
        assert_eq!(groups, [Some("Deutsch"), Some("Programmiersprachen")]);
        assert_eq!(cv.skills.categories[1].keywords, ["Kotlin", "Java"]);
        let cv = extract("Education\nStatistics, PhD\n2015 — 2019\n4 years\nUniversity of Manchester\n");
        assert_eq!(cv.education[0].institution.as_deref(), Some("University of Manchester"));
    }

    #[test]
    fn publications_titled_over_their_dates_and_venues() {
        let cv = extract(
            "Publications\nForecasting bed occupancy with hierarchical models\nMay 2023\n\
             Journal of Health Informatics\nCausal effects of discharge policies\nNov 2020\nStatistics in Medicine\n",
        );
        assert_eq!(
            titles_and_venues(&cv),
            [
                (Some("Forecasting bed occupancy with hierarchical models"), Some("Journal of Health Informatics")),
                (Some("Causal effects of discharge policies"), Some("Statistics in Medicine"))
            ]
        );
    }

    #[test]
    fn a_venue_under_the_line_that_dates_a_publication_and_one_named_before_its_title() {
        let cv = extract(
            "Publications\nForecasting bed occupancy with hierarchical models\n• Published on: May 1, 2023\n\
             Journal of Health Informatics\nCausal effects of discharge policies\n",
        );
        assert_eq!(
            titles_and_venues(&cv),
            [
                (Some("Forecasting bed occupancy with hierarchical models"), Some("Journal of Health Informatics")),
                (Some("Causal effects of discharge policies"), None)
            ]
        );
        let cv = extract(
            "Publications\n2023-05\nPublished in Journal of Health Informatics\n\
             Forecasting bed occupancy with hierarchical models\n2020-11\nPublished in Statistics in Medicine\n\
             Causal effects of discharge policies\n",
        );
        assert_eq!(
            titles_and_venues(&cv),
            [
                (Some("Forecasting bed occupancy with hierarchical models"), Some("Journal of Health Informatics")),
                (Some("Causal effects of discharge policies"), Some("Statistics in Medicine"))
            ]
        );
    }

    fn titles_and_venues(cv: &CvData) -> Vec<(Option<&str>, Option<&str>)> {
        cv.publications.iter().map(|p| (p.title.as_deref(), p.venue.as_deref())).collect()
    }
}

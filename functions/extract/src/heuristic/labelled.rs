//! CVs written as a form: every value on a row of its own under a label in the margin, as the
//! Europass CV has them ("Dates: 03/2021 – present", "Occupation or position held: Senior
//! Engineer", "Name of employer: Acme"). The labels are Europass's own words in English, Spanish,
//! German and French. Rows are rewritten into the shape the rest of the reader knows: an
//! entry's heading, then its dates, then what it says.

use super::Line;
use super::headings::heading;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Dates,
    Position,
    Activities,
    Employer,
    Qualification,
    Subjects,
    School,
    MotherTongue,
    OtherLanguages,
    /// The person's name, which heads the CV whatever section the form sets it in.
    Name,
    /// A label whose value stands as it is (address, telephone, e-mail, home page).
    Plain,
}

const LABELS: &[(Label, &[&str])] = &[
    (Label::Dates, &["dates", "fechas", "zeitraum", "période", "periodo"]),
    (
        Label::Position,
        &[
            "occupation or position held",
            "profesión o cargo desempeñado",
            "beruf oder funktion",
            "fonction ou poste occupé",
        ],
    ),
    (
        Label::Activities,
        &[
            "main activities and responsibilities",
            "funciones y responsabilidades principales",
            "wichtigste tätigkeiten und zuständigkeiten",
            "principales activités et responsabilités",
        ],
    ),
    (
        Label::Employer,
        &[
            "name of employer",
            "name and address of employer",
            "nombre del empleador",
            "nombre y dirección del empleador",
            "name des arbeitgebers",
            "name und adresse des arbeitgebers",
            "nom de l'employeur",
            "nom et adresse de l'employeur",
            "organisation",
            "organization",
            "organización",
        ],
    ),
    (
        Label::Qualification,
        &[
            "title of qualification awarded",
            "cualificación obtenida",
            "título de la cualificación obtenida",
            "bezeichnung der erworbenen qualifikation",
            "intitulé du diplôme délivré",
            "intitulé du certificat ou diplôme délivré",
        ],
    ),
    (Label::Subjects, &["principal subjects", "principales materias", "hauptfächer", "principales matières"]),
    (
        Label::School,
        &[
            "name of organisation providing education",
            "name and type of organisation providing education and training",
            "nombre de la organización",
            "nombre y tipo de la organización",
            "name der bildungseinrichtung",
            "name und art der bildungs- oder ausbildungseinrichtung",
            "nom de l'organisme de formation",
            "nom et type de l'établissement",
        ],
    ),
    (
        Label::MotherTongue,
        &["mother tongue", "mother tongue(s)", "lengua(s) materna(s)", "muttersprache(n)", "langue(s) maternelle(s)"],
    ),
    (
        Label::Name,
        &[
            "name / surname",
            "surname / first name",
            "nombre(s) / apellido(s)",
            "nachname(n) / vorname(n)",
            "prénom(s)/ nom(s)",
            "prénom(s) / nom(s)",
        ],
    ),
    (Label::OtherLanguages, &["other languages", "otros idiomas", "sonstige sprachen", "autres langues"]),
    (
        Label::Plain,
        &[
            "address",
            "dirección(es)",
            "adresse(n)",
            "adresse(s)",
            "telephone",
            "teléfono(s)",
            "telefon",
            "téléphone(s)",
            "mobile",
            "email",
            "e-mail",
            "personal email",
            "correo(s) electrónico(s)",
            "courrier(s) électronique(s)",
            "home page",
        ],
    ),
];

/// The label a row's text starts with, and where its value begins; a label cut short where its
/// margin wrapped it ("Main activities and: …") counts when it is most of the label.
fn label_of(text: &str) -> Option<(Label, &str)> {
    let (head, value) = match text.split_once(": ") {
        Some((head, value)) => (head, value.trim()),
        None => (text.trim_end_matches(':'), ""),
    };
    let head = head.trim().to_lowercase();
    LABELS.iter().find_map(|(label, words)| {
        words.iter().find_map(|w| {
            if *w == head {
                return Some((*label, value));
            }
            // The label's wrapped rest may have been read onto the end of its value.
            let rest = w.strip_prefix(head.as_str())?.strip_prefix(' ')?;
            let value = match value.len().checked_sub(rest.len() + 1) {
                Some(cut) if value.is_char_boundary(cut) && value[cut..].eq_ignore_ascii_case(&format!(" {rest}")) => {
                    value[..cut].trim_end()
                }
                _ => value,
            };
            (head.split_whitespace().count() >= 3).then_some((*label, value))
        })
    })
}

/// The rest of a label its margin wrapped onto a line of its own ("responsibilities"): a word
/// or two, and no section's heading ("Education and training" ends a label too).
fn is_label_tail(text: &str) -> bool {
    let text = text.trim().to_lowercase();
    !text.is_empty()
        && text.split_whitespace().count() <= 2
        && heading(&text).is_none()
        && LABELS
            .iter()
            .flat_map(|(_, words)| words.iter())
            .any(|w| w.len() > text.len() && w.ends_with(&format!(" {text}")))
}

/// The entry being read: its dates row waits for the heading rows that follow it.
#[derive(Default)]
struct Entry {
    dates: Option<String>,
    heading: Vec<String>,
    body: Vec<Line>,
}

impl Entry {
    fn is_open(&self) -> bool {
        self.dates.is_some() || !self.heading.is_empty()
    }

    /// The entry as the rest of the reader knows one: heading, dates, then what it says.
    fn close_into(&mut self, out: &mut Vec<Line>) {
        if !self.heading.is_empty() {
            out.push(Line { text: self.heading.join(" - "), bullet: false });
            self.heading.clear();
        }
        out.extend(self.dates.take().map(|text| Line { text, bullet: false }));
        out.append(&mut self.body);
    }
}

/// Rewrites labelled rows; lines of a CV with fewer than three labelled rows come back as
/// they were.
pub(super) fn rows_as_entries(lines: Vec<Line>) -> Vec<Line> {
    let labelled = lines.iter().filter(|l| label_of(&l.text).is_some_and(|(_, v)| !v.is_empty())).count();
    if labelled < 3 {
        return lines;
    }
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut entry = Entry::default();
    let mut languages_open = false;
    // Whether the person's name was read, and whether the last row was a personal detail.
    let (mut named, mut after_details) = (false, false);
    for line in lines {
        if is_label_tail(&line.text) {
            continue;
        }
        let row = label_of(&line.text).map(|(label, value)| (label, value.to_owned()));
        let language_row = row.as_ref().is_some_and(|(l, _)| matches!(l, Label::MotherTongue | Label::OtherLanguages));
        if languages_open && !language_row {
            // What follows the languages in the same section are the other skills.
            entry.close_into(&mut out);
            out.push(Line { text: "Skills".to_owned(), bullet: false });
            languages_open = false;
        }
        let Some((label, value)) = row else {
            if entry.is_open() {
                entry.body.push(line);
            } else if std::mem::take(&mut after_details) && named && super::looks_like_role(&line.text) {
                // The headline under the personal details goes with the name, at the top.
                out.insert(1, line);
            } else {
                out.push(line);
            }
            continue;
        };
        after_details = false;
        // A label without its value says nothing, but for dates, which still start an entry.
        if value.is_empty() && label != Label::Dates {
            continue;
        }
        match label {
            Label::Dates => {
                entry.close_into(&mut out);
                entry.dates = Some(value);
            }
            Label::Position | Label::Qualification => entry.heading.insert(0, value),
            Label::Subjects => match entry.heading.first_mut() {
                Some(degree) => *degree = format!("{degree}, {value}"),
                None => entry.heading.push(value),
            },
            Label::Employer | Label::School => entry.heading.push(value),
            // The languages under a heading of their own, so that they are not read as skills.
            Label::MotherTongue | Label::OtherLanguages => {
                entry.close_into(&mut out);
                if !languages_open {
                    out.push(Line { text: "Languages".to_owned(), bullet: false });
                }
                languages_open = true;
                out.extend(value.split(", ").map(|language| Line {
                    text: if label == Label::MotherTongue {
                        format!("{language} (native)")
                    } else {
                        language.to_owned()
                    },
                    bullet: false,
                }));
            }
            Label::Name => {
                out.insert(0, Line { text: value, bullet: false });
                named = true;
                after_details = true;
            }
            Label::Activities => entry.body.push(Line { text: value, bullet: false }),
            Label::Plain => {
                entry.close_into(&mut out);
                out.push(Line { text: value, bullet: false });
                after_details = true;
            }
        }
    }
    entry.close_into(&mut out);
    out
}

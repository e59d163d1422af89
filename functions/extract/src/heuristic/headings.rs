//! Section headings in English, Spanish, German, French and Hebrew, however they are styled:
//! "EXPERIENCE", "Work Experience:", "S U M M A R Y", "WORK   EXPERIENCE".

use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Summary,
    Experience,
    Education,
    Skills,
    Languages,
    Projects,
    Certifications,
    Achievements,
    Volunteer,
    Publications,
    Courses,
    Hobbies,
    References,
    /// Address, phone, e-mail and links set under a heading of their own (often a sidebar).
    Contact,
}

const HEADINGS: &[(Section, &[&str])] = &[
    (
        Section::Summary,
        &[
            "summary",
            "profile",
            "professional summary",
            "career summary",
            "about me",
            "about",
            "objective",
            "career objective",
            "personal statement",
            "professional profile",
            "executive summary",
            "introduction",
            "perfil",
            "resumen",
            "sobre mí",
            "perfil profesional",
            "extracto",
            "profil",
            "zusammenfassung",
            "über mich",
            "kurzprofil",
            "persönliches profil",
            "à propos",
            "présentation",
            "résumé",
            "תקציר",
            "פרופיל",
            "על עצמי",
            "אודות",
        ],
    ),
    (
        Section::Experience,
        &[
            "experience",
            "work experience",
            "professional experience",
            "employment",
            "employment history",
            "work history",
            "work",
            "career",
            "trayectoria profesional",
            "historial laboral",
            "werdegang",
            "berufspraxis",
            "career history",
            "relevant experience",
            "professional background",
            "industry experience",
            "experiencia relevante",
            "expérience pertinente",
            "experiencia",
            "experiencia profesional",
            "experiencia laboral",
            "berufserfahrung",
            "erfahrung",
            "beruflicher werdegang",
            "berufliche erfahrung",
            "expérience",
            "expériences",
            "expérience professionnelle",
            "expériences professionnelles",
            "parcours professionnel",
            "ניסיון",
            "ניסיון תעסוקתי",
            "ניסיון מקצועי",
            "ניסיון בעבודה",
        ],
    ),
    (
        Section::Education,
        &[
            "education",
            "academic background",
            "education and training",
            "educación y formación",
            "schul- und berufsbildung",
            "éducation et formation",
            "qualifications",
            "academic qualifications",
            "academic history",
            "educación",
            "formación",
            "formación académica",
            "estudios",
            "ausbildung",
            "bildung",
            "studium",
            "bildungsweg",
            "akademische ausbildung",
            "formation",
            "études",
            "formation académique",
            "השכלה",
            "לימודים",
        ],
    ),
    (
        Section::Skills,
        &[
            "skills",
            "personal skills and competences",
            "capacidades y competencias personales",
            "persönliche fähigkeiten und kompetenzen",
            "aptitudes et compétences personnelles",
            "technical skills",
            "core skills",
            "key skills",
            "competencies",
            "core competencies",
            "expertise",
            "skills and tools",
            "skills and tech",
            "skills and technologies",
            "skills and expertise",
            "tech stack",
            "technologies",
            "technical expertise",
            "tools",
            "skills summary",
            "soft skills",
            "technical proficiencies",
            "tools and technologies",
            "technologies and tools",
            "programming",
            "herramientas",
            "outils",
            "habilidades",
            "competencias",
            "conocimientos",
            "aptitudes",
            "kenntnisse",
            "fähigkeiten",
            "kompetenzen",
            "it-kenntnisse",
            "fachkenntnisse",
            "compétences",
            "compétences techniques",
            "savoir-faire",
            "כישורים",
            "מיומנויות",
            "יכולות",
        ],
    ),
    (
        Section::Languages,
        &[
            "languages",
            "language skills",
            "spoken languages",
            "idiomas",
            "lenguas",
            "sprachen",
            "sprachkenntnisse",
            "fremdsprachen",
            "langues",
            "langues parlées",
            "שפות",
        ],
    ),
    (
        Section::Projects,
        &[
            "projects",
            "personal projects",
            "side projects",
            "selected projects",
            "key projects",
            "project experience",
            "projects experience",
            "academic projects",
            "open source",
            "open-source projects",
            "open source projects",
            "open source contributions",
            "proyectos",
            "proyectos personales",
            "projekte",
            "eigene projekte",
            "projets",
            "projets personnels",
            "פרויקטים",
        ],
    ),
    (
        Section::Certifications,
        &[
            "certifications",
            "certificates",
            "licenses & certifications",
            "licenses and certifications",
            "professional certifications",
            "certifications and licenses",
            "licenses",
            "certificados",
            "certifications professionnelles",
            "certificaciones",
            "zertifikate",
            "zertifizierungen",
            "הסמכות",
            "תעודות",
        ],
    ),
    (
        Section::Achievements,
        &[
            "awards",
            "achievements",
            "honors",
            "honours",
            "honors and awards",
            "honours and awards",
            "awards and honors",
            "awards and honours",
            "awards and achievements",
            "prizes",
            "recognition",
            "accomplishments",
            "reconocimientos",
            "premios y reconocimientos",
            "preise",
            "ehrungen",
            "récompenses",
            "logros",
            "premios",
            "auszeichnungen",
            "distinctions",
            "prix",
            "פרסים",
            "הישגים",
        ],
    ),
    (
        Section::Volunteer,
        &[
            "volunteer",
            "volunteering",
            "volunteer experience",
            "volunteer work",
            "volunteering experience",
            "community involvement",
            "community",
            "voluntariado y comunidad",
            "engagement bénévole",
            "voluntariado",
            "ehrenamt",
            "ehrenamtliches engagement",
            "bénévolat",
            "התנדבות",
        ],
    ),
    (
        Section::Publications,
        &[
            "publications",
            "selected publications",
            "papers",
            "publicaciones",
            "publikationen",
            "veröffentlichungen",
            "publications scientifiques",
            "פרסומים",
        ],
    ),
    (
        Section::Courses,
        &[
            "courses",
            "training",
            "professional development",
            "continuing education",
            "cursos",
            "weiterbildung",
            "kurse",
            "formations complémentaires",
            "קורסים",
        ],
    ),
    (
        Section::Hobbies,
        &[
            "interests",
            "hobbies",
            "personal interests",
            "interests and hobbies",
            "hobbies and interests",
            "activities",
            "extracurricular activities",
            "freizeit",
            "intereses",
            "aficiones",
            "interessen",
            "hobbys",
            "centres d'intérêt",
            "loisirs",
            "תחביבים",
        ],
    ),
    (Section::References, &["references", "referees", "referencias", "referenzen", "références", "ממליצים"]),
    (
        Section::Contact,
        &[
            "contact",
            "contact me",
            "contact information",
            "contact info",
            "contact details",
            "personal details",
            "personal information",
            "contacto",
            "datos de contacto",
            "datos personales",
            "información personal",
            "kontakt",
            "kontaktdaten",
            "persönliche daten",
            "angaben zur person",
            "coordonnées",
            "informations personnelles",
            "פרטי קשר",
            "פרטים אישיים",
            "יצירת קשר",
        ],
    ),
];

/// The headings without their accents, as capitals are often written ("EXPERIENCES
/// PROFESSIONNELLES", "FORMACION"): folded once, compared folded.
static FOLDED: LazyLock<Vec<(String, Section)>> = LazyLock::new(|| {
    HEADINGS.iter().flat_map(|(section, names)| names.iter().map(|name| (fold(name), *section))).collect()
});

/// The section a line announces, if it is a heading.
pub fn heading(line: &str) -> Option<Section> {
    // "Skills & Tools" is "skills and tools".
    let normalised = fold(&normalise(line)?.replace(" & ", " and "));
    FOLDED.iter().find(|(name, _)| *name == normalised).map(|(_, section)| *section)
}

/// Without accents or other combining marks: "compétences" -> "competences".
fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    text.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

/// Lower case, no trailing colon, letter-spacing undone ("S U M M A R Y" -> "summary"),
/// single spaces; `None` for lines too long to be a heading.
fn normalise(line: &str) -> Option<String> {
    let trimmed = line.trim().trim_end_matches([':', '：']).trim();
    if trimmed.is_empty() || trimmed.chars().count() > 60 {
        return None;
    }
    let words: Vec<&str> = trimmed.split(' ').filter(|w| !w.is_empty()).collect();
    let single_letters = words.iter().filter(|w| w.chars().count() == 1).count();
    let joined = if words.len() >= 4 && single_letters * 10 >= words.len() * 8 {
        // Letter-spaced: words are separated by wider gaps (two or more spaces).
        trimmed.split("  ").map(|w| w.replace(' ', "")).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
    } else {
        words.join(" ")
    };
    Some(joined.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_styles_and_languages() {
        assert_eq!(heading("EXPERIENCE"), Some(Section::Experience));
        assert_eq!(heading("Work Experience:"), Some(Section::Experience));
        assert_eq!(heading("WORK       EXPERIENCE"), Some(Section::Experience));
        assert_eq!(heading("S U M M A R Y"), Some(Section::Summary));
        assert_eq!(heading("W O R K   E X P E R I E N C E"), Some(Section::Experience));
        assert_eq!(heading("Berufserfahrung"), Some(Section::Experience));
        assert_eq!(heading("FORMACIÓN"), Some(Section::Education));
        assert_eq!(heading("Compétences"), Some(Section::Skills));
        assert_eq!(heading("ניסיון תעסוקתי"), Some(Section::Experience));
        assert_eq!(heading("שפות"), Some(Section::Languages));
    }

    #[test]
    fn the_common_variants_end_the_section_before_them() {
        assert_eq!(heading("Honors & Awards"), Some(Section::Achievements));
        assert_eq!(heading("Open Source"), Some(Section::Projects));
        assert_eq!(heading("VOLUNTEER WORK"), Some(Section::Volunteer));
        assert_eq!(heading("Interests and hobbies"), Some(Section::Hobbies));
        assert_eq!(heading("Selected Publications"), Some(Section::Publications));
        assert_eq!(heading("Fremdsprachen"), Some(Section::Languages));
        assert_eq!(heading("CONTACT"), Some(Section::Contact));
        assert_eq!(heading("EXPERIENCES PROFESSIONNELLES"), Some(Section::Experience));
        assert_eq!(heading("COMPETENCES"), Some(Section::Skills));
        assert_eq!(heading("FORMACION"), Some(Section::Education));
        assert_eq!(heading("Projects Experience"), Some(Section::Projects));
    }

    #[test]
    fn ordinary_lines_are_not_headings() {
        assert_eq!(heading("Led the ledger rewrite"), None);
        assert_eq!(heading("Experience with Kubernetes and Terraform in production"), None);
        assert_eq!(heading(""), None);
    }
}

//! The words a site prints itself (section titles, "Present", month names), in the CV's own
//! language where we have them, English otherwise. A Hebrew CV gets Hebrew headings.

use r2w_core::model::PartialDate;

pub use r2w_core::lang::Lang;

/// A site's own words in a [`Lang`].
pub trait SiteWords {
    fn section(self, section: SectionId) -> &'static str;
    fn word(self, word: Word) -> &'static str;
    /// "Jan 2020" or "2020" in this language (a CV's days are not worth the space).
    fn date(self, date: &PartialDate) -> String;
}

impl SiteWords for Lang {
    fn section(self, section: SectionId) -> &'static str {
        use SectionId::*;
        let [en, es, de, fr, he] = match section {
            Summary => ["About", "Perfil", "Profil", "Profil", "אודות"],
            Experience => ["Experience", "Experiencia", "Berufserfahrung", "Expérience", "ניסיון תעסוקתי"],
            Projects => ["Projects", "Proyectos", "Projekte", "Projets", "פרויקטים"],
            Education => ["Education", "Formación", "Ausbildung", "Formation", "השכלה"],
            Skills => ["Skills", "Habilidades", "Kenntnisse", "Compétences", "כישורים"],
            Certifications => ["Certifications", "Certificaciones", "Zertifikate", "Certifications", "הסמכות"],
            Achievements => ["Awards", "Premios", "Auszeichnungen", "Distinctions", "פרסים"],
            Publications => ["Publications", "Publicaciones", "Publikationen", "Publications", "פרסומים"],
            Speaking => ["Talks", "Conferencias", "Vorträge", "Conférences", "הרצאות"],
            Patents => ["Patents", "Patentes", "Patente", "Brevets", "פטנטים"],
            Volunteer => ["Volunteering", "Voluntariado", "Ehrenamt", "Bénévolat", "התנדבות"],
            Courses => ["Courses", "Cursos", "Kurse", "Cours", "קורסים"],
            Languages => ["Languages", "Idiomas", "Sprachen", "Langues", "שפות"],
            Memberships => ["Memberships", "Afiliaciones", "Mitgliedschaften", "Adhésions", "חברות בארגונים"],
            Hobbies => ["Interests", "Intereses", "Interessen", "Centres d'intérêt", "תחומי עניין"],
            Testimonials => ["Recommendations", "Recomendaciones", "Empfehlungen", "Recommandations", "המלצות"],
        };
        self.pick([en, es, de, fr, he])
    }

    fn word(self, word: Word) -> &'static str {
        use Word::*;
        let [en, es, de, fr, he] = match word {
            Present => ["Present", "Actualidad", "heute", "aujourd'hui", "היום"],
            Contact => ["Contact", "Contacto", "Kontakt", "Contact", "יצירת קשר"],
            DownloadVcard => {
                ["Add to contacts", "Añadir a contactos", "Zu Kontakten", "Ajouter aux contacts", "הוספה לאנשי קשר"]
            }
            DownloadJson => ["CV as JSON", "CV en JSON", "Lebenslauf als JSON", "CV en JSON", "קורות חיים כ-JSON"],
            NotFoundTitle => {
                ["Page not found", "Página no encontrada", "Seite nicht gefunden", "Page introuvable", "הדף לא נמצא"]
            }
            BackHome => [
                "Back to the portfolio",
                "Volver al portafolio",
                "Zurück zum Portfolio",
                "Retour au portfolio",
                "חזרה לתיק העבודות",
            ],
            Credential => ["Credential", "Credencial", "Nachweis", "Identifiant", "מזהה"],
        };
        self.pick([en, es, de, fr, he])
    }

    fn date(self, date: &PartialDate) -> String {
        let year = date.year_part();
        match date.month_part() {
            None => year.to_string(),
            Some(month) => format!("{} {year}", month_name(self, month)),
        }
    }
}

/// A month's short name (1 is January); nothing for a month that does not exist.
fn month_name(lang: Lang, month: u8) -> &'static str {
    const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const ES: [&str; 12] = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"];
    const DE: [&str; 12] =
        ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."];
    const FR: [&str; 12] =
        ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
    const HE: [&str; 12] =
        ["ינו׳", "פבר׳", "מרץ", "אפר׳", "מאי", "יוני", "יולי", "אוג׳", "ספט׳", "אוק׳", "נוב׳", "דצמ׳"];
    let table = lang.pick([&EN, &ES, &DE, &FR, &HE]);
    table.get(usize::from(month.saturating_sub(1))).copied().unwrap_or("")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionId {
    Summary,
    Experience,
    Projects,
    Education,
    Skills,
    Certifications,
    Achievements,
    Publications,
    Speaking,
    Patents,
    Volunteer,
    Courses,
    Languages,
    Memberships,
    Hobbies,
    Testimonials,
}

impl SectionId {
    /// The element id, also the anchor a visitor can link to.
    pub fn anchor(self) -> &'static str {
        use SectionId::*;
        match self {
            Summary => "about",
            Experience => "experience",
            Projects => "projects",
            Education => "education",
            Skills => "skills",
            Certifications => "certifications",
            Achievements => "awards",
            Publications => "publications",
            Speaking => "talks",
            Patents => "patents",
            Volunteer => "volunteering",
            Courses => "courses",
            Languages => "languages",
            Memberships => "memberships",
            Hobbies => "interests",
            Testimonials => "recommendations",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    Present,
    Contact,
    DownloadVcard,
    DownloadJson,
    NotFoundTitle,
    BackHome,
    Credential,
}

//! The CV as the product understands it: 18 sections plus whatever could not be placed.
//!
//! Zero fabrication is a property of the data, not only of the extractor: every field is
//! optional, so a CV that does not state something leaves it empty. Strings are kept in the
//! CV's own language and wording.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::dates::{DateRange, PartialDate};
use super::language::LanguageTag;

/// Bumped only together with a migration of stored data.
pub const CV_SCHEMA_VERSION: u32 = 1;

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[schemars(title = "CvData", description = "A CV in 18 sections. Leave anything the CV does not state empty.")]
pub struct CvData {
    pub schema_version: u32,
    pub metadata: Metadata,
    pub hero: Hero,
    pub contact: Contact,
    pub summary: Summary,
    pub experience: Vec<Experience>,
    pub education: Vec<Education>,
    pub skills: Skills,
    pub projects: Vec<Project>,
    pub achievements: Vec<Achievement>,
    pub certifications: Vec<Certification>,
    pub languages: Vec<Language>,
    pub volunteer: Vec<Volunteer>,
    pub publications: Vec<Publication>,
    pub speaking: Vec<Talk>,
    pub courses: Vec<Course>,
    pub memberships: Vec<Membership>,
    pub hobbies: Vec<Hobby>,
    pub patents: Vec<Patent>,
    pub testimonials: Vec<Testimonial>,
    /// Text from the CV that fits no section, kept so nothing is silently dropped.
    pub unclassified_text: Option<String>,
    /// What the person keeps off their site, as JSON Pointers (RFC 6901) into the sections:
    /// "/contact/phone", "/experience/2", "/education/0/grade". It stays in the CV and in the
    /// person's own exports; the site is built without it. The extractor never sets this.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hidden: Vec<String>,
}

impl Default for CvData {
    fn default() -> Self {
        Self {
            schema_version: CV_SCHEMA_VERSION,
            metadata: Metadata::default(),
            hero: Hero::default(),
            contact: Contact::default(),
            summary: Summary::default(),
            experience: Vec::new(),
            education: Vec::new(),
            skills: Skills::default(),
            projects: Vec::new(),
            achievements: Vec::new(),
            certifications: Vec::new(),
            languages: Vec::new(),
            volunteer: Vec::new(),
            publications: Vec::new(),
            speaking: Vec::new(),
            courses: Vec::new(),
            memberships: Vec::new(),
            hobbies: Vec::new(),
            patents: Vec::new(),
            testimonials: Vec::new(),
            unclassified_text: None,
            hidden: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExtractionMethod {
    /// Structured by the LLM.
    Llm,
    /// Structured offline by the built-in heuristic extractor.
    Heuristic,
    /// Imported from a structured document (JSON Resume).
    Import,
    /// Written or edited by the person.
    Manual,
    /// Carried over from the original application's database.
    Legacy,
}

impl ExtractionMethod {
    /// The name it has in the JSON (`llm`, `heuristic`...), for logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Llm => "llm",
            Self::Heuristic => "heuristic",
            Self::Import => "import",
            Self::Manual => "manual",
            Self::Legacy => "legacy",
        }
    }
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Metadata {
    /// BCP 47 tag of the language the CV is written in, e.g. "en", "he", "pt-BR".
    pub source_language: Option<LanguageTag>,
    pub extraction_method: Option<ExtractionMethod>,
    pub extraction_model: Option<String>,
    pub warnings: Vec<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Hero {
    pub full_name: Option<String>,
    pub professional_title: Option<String>,
    pub tagline: Option<String>,
    pub photo_url: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<Location>,
    /// The person's own website.
    pub website: Option<String>,
    /// Profiles elsewhere: LinkedIn, GitHub, a portfolio site...
    pub links: Vec<ProfileLink>,
    /// e.g. "Open to relocation", "Available from March 2025".
    pub availability: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Location {
    /// The location as the CV writes it when it is not split into parts.
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 code, when the CV makes the country unambiguous.
    pub country_code: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ProfileLink {
    /// e.g. "LinkedIn", "GitHub".
    pub network: Option<String>,
    pub username: Option<String>,
    pub url: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Summary {
    pub text: Option<String>,
    pub years_of_experience: Option<u16>,
    pub specialisations: Vec<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Experience {
    pub title: Option<String>,
    pub company: Option<String>,
    pub company_description: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub dates: DateRange,
    pub summary: Option<String>,
    pub responsibilities: Vec<String>,
    pub technologies: Vec<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Education {
    pub institution: Option<String>,
    /// e.g. "BSc", "Master of Arts".
    pub degree: Option<String>,
    /// Field of study, e.g. "Computer Science".
    pub field: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub dates: DateRange,
    /// GPA, classification or mark as written.
    pub grade: Option<String>,
    pub honours: Vec<String>,
    pub courses: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Skills {
    pub categories: Vec<SkillCategory>,
    /// Skills the CV lists without a group.
    pub ungrouped: Vec<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SkillCategory {
    pub name: Option<String>,
    pub level: Option<String>,
    pub keywords: Vec<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Project {
    pub name: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
    pub dates: DateRange,
    pub roles: Vec<String>,
    /// The organisation the project was for.
    pub entity: Option<String>,
    /// e.g. "application", "open source", "research".
    pub kind: Option<String>,
    pub highlights: Vec<String>,
    pub technologies: Vec<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Achievement {
    pub title: Option<String>,
    pub awarder: Option<String>,
    pub date: Option<PartialDate>,
    pub summary: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Certification {
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub date: Option<PartialDate>,
    pub credential_id: Option<String>,
    /// Where the credential can be verified.
    pub url: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Language {
    pub language: Option<String>,
    /// As the CV states it: "Native", "C1", "Conversational"...
    pub proficiency: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Volunteer {
    pub organization: Option<String>,
    pub role: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub dates: DateRange,
    pub summary: Option<String>,
    pub highlights: Vec<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Publication {
    pub title: Option<String>,
    /// e.g. "journal article", "conference paper", "book".
    pub kind: Option<String>,
    /// Journal, conference or publisher.
    pub venue: Option<String>,
    pub date: Option<PartialDate>,
    pub url: Option<String>,
    pub doi: Option<String>,
    pub authors: Vec<String>,
    pub summary: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Talk {
    pub title: Option<String>,
    pub event: Option<String>,
    pub date: Option<PartialDate>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub summary: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Course {
    pub name: Option<String>,
    pub provider: Option<String>,
    pub date: Option<PartialDate>,
    pub url: Option<String>,
    pub summary: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Membership {
    pub organization: Option<String>,
    pub role: Option<String>,
    pub dates: DateRange,
    pub url: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Hobby {
    pub name: Option<String>,
    pub keywords: Vec<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Patent {
    pub title: Option<String>,
    pub number: Option<String>,
    /// As the CV states it: "granted", "pending", "filed"...
    pub status: Option<String>,
    pub filing_date: Option<PartialDate>,
    pub grant_date: Option<PartialDate>,
    pub inventors: Vec<String>,
    pub url: Option<String>,
    pub summary: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Testimonial {
    pub name: Option<String>,
    pub role: Option<String>,
    pub company: Option<String>,
    /// e.g. "Former manager".
    pub relationship: Option<String>,
    pub quote: Option<String>,
}

impl CvData {
    /// Parses stored or submitted CV JSON: unknown fields, impossible dates and a schema version
    /// this code does not know are errors, not silently dropped data.
    pub fn from_json(json: &[u8]) -> Result<Self, CvDataError> {
        let mut reader = serde_json::Deserializer::from_slice(json);
        let cv: Self = serde_path_to_error::deserialize(&mut reader).map_err(|e| {
            let pointer = json_pointer(e.path());
            let detail = e.into_inner().to_string();
            if pointer.is_empty() { CvDataError::Invalid(detail) } else { CvDataError::InvalidAt { pointer, detail } }
        })?;
        if cv.schema_version != CV_SCHEMA_VERSION {
            return Err(CvDataError::UnknownSchemaVersion(cv.schema_version));
        }
        cv.without_hidden()?;
        Ok(cv)
    }
}

/// Where a deserialisation error happened, as a JSON Pointer (RFC 6901) into the document.
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => Some(key.replace('~', "~0").replace('/', "~1")),
            Segment::Unknown => None,
        })
        .map(|token| format!("/{token}"))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvDataError {
    #[error("CV data is invalid: {0}")]
    Invalid(String),
    /// A field that is wrong, named by a JSON Pointer into the document.
    #[error("CV data is invalid at {pointer}: {detail}")]
    InvalidAt { pointer: String, detail: String },
    #[error("CV schema version {0} is not supported (expected {CV_SCHEMA_VERSION})")]
    UnknownSchemaVersion(u32),
}

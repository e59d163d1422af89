//! What a site serves is exactly what its page shows: a CV whose every private place holds a
//! marker is built (preview) and published, and no file of either holds a marker; every string
//! of a site's `resume.json` is on its page; the public `resume.json` is valid JSON Resume.

use std::path::{Path, PathBuf};

use crate::support::World;
use r2w_core::clock::Clock;
use r2w_core::model::*;
use r2w_core::records::cvs;
use r2w_sites::{Site, SiteOptions, Theme, render};
use scraper::{Html, Node};
use serde_json::Value;

/// Private places, each with its own marker.
const MARKERS: [&str; 12] = [
    "PRIVATE-UNCLASSIFIED-3c1f",
    "PRIVATE-WARNING-9a2e",
    "PRIVATE-MODEL-77d0",
    "PRIVATE-HIDDEN-PHONE-0415",
    "PRIVATE-HIDDEN-JOB-5be1",
    "PRIVATE-HIDDEN-GRADE-c4d2",
    "PRIVATE-POSTCODE-1e8b",
    "PRIVATE-STREET-64f0",
    "PRIVATE-RELATIONSHIP-b7a9",
    "PRIVATE-BAD-LINK-2d33",
    "PRIVATE-HIDDEN-SKILL-e5c1",
    "PRIVATE-EMPTY-ENTRY-0c6a",
];

fn marked_cv() -> CvData {
    let date = |y: u16| PartialDate::year(y).ok();
    let range = |a: u16, b: u16| DateRange::new(date(a), date(b), false).expect("range");
    CvData {
        metadata: Metadata {
            source_language: "en".parse().ok(),
            extraction_method: Some(ExtractionMethod::Llm),
            extraction_model: Some(MARKERS[2].into()),
            warnings: vec![format!("could not verify {}", MARKERS[1])],
        },
        hero: Hero {
            full_name: Some("Noa Peretz".into()),
            professional_title: Some("Data Engineer".into()),
            ..Hero::default()
        },
        contact: Contact {
            email: Some("noa@example.com".into()),
            phone: Some(format!("+972 {}", MARKERS[3])),
            location: Some(Location {
                address: Some(MARKERS[7].into()),
                postal_code: Some(MARKERS[6].into()),
                city: Some("Haifa".into()),
                country_code: Some("IL".into()),
                ..Location::default()
            }),
            links: vec![
                ProfileLink {
                    network: Some("GitHub".into()),
                    url: Some("https://github.com/noa".into()),
                    ..Default::default()
                },
                ProfileLink {
                    network: Some(MARKERS[9].into()),
                    url: Some(format!("javascript:alert('{}')", MARKERS[9])),
                    ..Default::default()
                },
            ],
            ..Contact::default()
        },
        summary: Summary {
            text: Some("Pipelines that do not lose data.".into()),
            years_of_experience: Some(9),
            ..Summary::default()
        },
        experience: vec![
            Experience {
                title: Some("Data Engineer".into()),
                company: Some("Wavelength".into()),
                dates: range(2019, 2024),
                ..Default::default()
            },
            Experience { title: Some(MARKERS[4].into()), company: Some(MARKERS[4].into()), ..Default::default() },
            // Nothing a page would show as an entry: the page leaves it out, so must the files.
            Experience { technologies: vec![MARKERS[11].into()], ..Default::default() },
        ],
        education: vec![Education {
            institution: Some("Technion".into()),
            degree: Some("BSc".into()),
            grade: Some(MARKERS[5].into()),
            dates: range(2012, 2016),
            ..Default::default()
        }],
        skills: Skills {
            categories: vec![SkillCategory {
                name: Some("Data".into()),
                keywords: vec!["Spark".into(), MARKERS[10].into()],
                ..Default::default()
            }],
            ungrouped: vec!["SQL".into()],
        },
        testimonials: vec![Testimonial {
            name: Some("Avi".into()),
            relationship: Some(MARKERS[8].into()),
            quote: Some("Noa ships.".into()),
            ..Default::default()
        }],
        unclassified_text: Some(format!("date of birth 1.1.1990, passport {}", MARKERS[0])),
        hidden: vec![
            "/contact/phone".into(),
            "/experience/1".into(),
            "/education/0/grade".into(),
            "/skills/categories/0/keywords/1".into(),
        ],
        ..CvData::default()
    }
}

fn assert_no_marker(path: &str, body: &[u8]) {
    let text = String::from_utf8_lossy(body);
    for marker in MARKERS {
        assert!(!text.contains(marker), "{path} serves {marker}");
    }
}

#[tokio::test]
async fn neither_the_preview_nor_the_published_site_serves_anything_private() {
    let world = World::new().await;
    let user = UserId::random();
    let input = world.extracted(&user, "Noa Peretz").await;
    let table = world.app.table.as_ref();
    cvs::save_version(table, &user, &input.cv_id, marked_cv(), world.clock.now()).await.expect("save").expect("cv");

    let built = world.task().run(input).await.expect("built");
    let published = world.sites().publish(&user, &built.portfolio_id, None).await.expect("published");
    let slug = published.published.expect("live").slug;

    let mut served = Vec::new();
    for prefix in [format!("previews/{}/", built.portfolio_id), format!("sites/{slug}/")] {
        let keys = world.keys(&prefix).await;
        assert!(keys.len() >= 6, "{prefix}: {keys:?}");
        served.extend(keys);
    }
    for key in &served {
        let blob =
            world.app.sites.get(&r2w_core::store::BlobKey::parse(key.as_str()).expect("key")).await.expect("get");
        assert_no_marker(key, &blob.body);
    }
    let page = world.page(&format!("sites/{slug}/index.html")).await;
    for shown in ["Noa Peretz", "Wavelength", "Technion", "Spark", "Noa ships.", "Haifa", "github.com/noa"] {
        assert!(page.contains(shown), "the page still shows {shown}");
    }
    assert_eq!(slug.as_str(), "noa-peretz");
}

#[test]
fn a_site_made_with_every_private_place_filled_holds_no_marker_in_any_theme() {
    for theme in Theme::ALL {
        for options in [SiteOptions::preview(theme), published(theme)] {
            let site = render(&marked_cv(), &options).expect("render");
            for file in &site.files {
                assert_no_marker(&file.path, &file.body);
            }
        }
    }
}

#[test]
fn a_hidden_name_does_not_name_the_site() {
    let mut cv = marked_cv();
    cv.hidden.push("/hero/fullName".into());
    let site = render(&cv, &published(Theme::default())).expect("render");
    for file in &site.files {
        assert!(!String::from_utf8_lossy(&file.body).contains("Noa Peretz"), "{}", file.path);
    }
}

fn published(theme: Theme) -> SiteOptions {
    SiteOptions::published(theme, url::Url::parse("https://r2w.example/noa/").expect("url"))
}

fn fixtures() -> Vec<(String, CvData)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates/core/tests/fixtures/cv");
    let mut found: Vec<(String, CvData)> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| (p.display().to_string(), CvData::from_json(&std::fs::read(&p).expect("read")).expect("cv")))
        .collect();
    found.push(("marked".into(), marked_cv()));
    let hostile = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates/sites/tests/fixtures/hostile.json");
    found.push(("hostile".into(), CvData::from_json(&std::fs::read(hostile).expect("read")).expect("cv")));
    found
}

/// What a visitor reads: the text of every element but scripts, and the links' targets.
fn visible(html: &str) -> String {
    let document = Html::parse_document(html);
    let mut out = String::new();
    for node in document.tree.nodes() {
        match node.value() {
            Node::Text(text) => {
                let in_script =
                    node.parent().and_then(|p| p.value().as_element()).is_some_and(|e| e.name() == "script");
                if !in_script {
                    out.push_str(text);
                    out.push('\n');
                }
            }
            Node::Element(element) => {
                for attribute in ["href", "src"] {
                    if let Some(value) = element.attr(attribute) {
                        out.push_str(value);
                        out.push('\n');
                    }
                }
            }
            _ => {}
        }
    }
    // Phone numbers are printed with no-break spaces and hyphens.
    out.replace('\u{a0}', " ").replace('\u{2011}', "-")
}

/// Every string in `value` with the name of its field.
fn strings<'a>(value: &'a Value, field: &'a str, out: &mut Vec<(&'a str, &'a str)>) {
    match value {
        Value::String(s) => out.push((field, s)),
        Value::Array(items) => items.iter().for_each(|v| strings(v, field, out)),
        Value::Object(fields) => fields.iter().for_each(|(k, v)| strings(v, k, out)),
        _ => {}
    }
}

#[test]
fn every_string_the_resume_json_serves_is_on_the_page() {
    // Dates are on the page in words ("Mar 2021"); they are checked by the site tests.
    const DATES: [&str; 8] = ["startDate", "endDate", "date", "releaseDate", "filingDate", "grantDate", "start", "end"];
    for (name, cv) in fixtures() {
        let site = render(&cv, &published(Theme::default())).expect("render");
        let page = visible(std::str::from_utf8(&file(&site, "index.html").body).expect("utf-8"));
        let resume: Value = serde_json::from_slice(&file(&site, "resume.json").body).expect("json");
        let mut found = Vec::new();
        strings(&resume, "", &mut found);
        assert!(!found.is_empty() || name.contains("minimal"), "{name}");
        for (field, text) in found {
            if DATES.contains(&field) {
                continue;
            }
            for paragraph in text.split("\n\n") {
                assert!(
                    page.contains(paragraph),
                    "{name}: resume.json serves {field} = {paragraph:?}, which its page does not show"
                );
            }
        }
    }
}

fn file<'a>(site: &'a Site, path: &str) -> &'a r2w_sites::SiteFile {
    site.file(path).unwrap_or_else(|| panic!("{path}"))
}

/// The official schema, from the npm package `@jsonresume/schema` that `npm ci` installs.
fn official_schema() -> jsonschema::Validator {
    let path = std::env::var("R2W_JSON_RESUME_PACKAGE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/@jsonresume/schema"))
        .join("schema.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run `npm ci` in the workspace root; make test does)", path.display()));
    let schema: Value = serde_json::from_str(&text).expect("schema JSON");
    jsonschema::draft7::options().should_validate_formats(true).build(&schema).expect("schema compiles")
}

#[test]
fn the_public_resume_json_is_valid_json_resume_without_internal_keys() {
    let validator = official_schema();
    for (name, cv) in fixtures() {
        let site = render(&cv, &published(Theme::default())).expect("render");
        let resume: Value = serde_json::from_slice(&file(&site, "resume.json").body).expect("json");
        let errors: Vec<String> =
            validator.iter_errors(&resume).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{name}: not valid JSON Resume:\n{}", errors.join("\n"));
        if let Some(extension) = resume.get("x-r2w") {
            for internal in ["schemaVersion", "metadata", "unclassifiedText", "hidden"] {
                assert!(extension.get(internal).is_none(), "{name}: x-r2w.{internal} is served");
            }
        }
    }
}

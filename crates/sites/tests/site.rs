//! Sites rendered from the checked-in CVs, read back as a browser would parse them.

use r2w_core::model::CvData;
use r2w_sites::render::CONTENT_SECURITY_POLICY;
use r2w_sites::{Site, SiteOptions, Theme, render};
use scraper::{Html, Selector};
use serde_json::Value;

fn fixture(name: &str) -> CvData {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates/core/tests/fixtures/cv").join(name);
    CvData::from_json(&std::fs::read(&path).expect("fixture")).expect("cv")
}

fn page(site: &Site) -> Html {
    let index = site.file("index.html").expect("index.html");
    Html::parse_document(std::str::from_utf8(&index.body).expect("utf-8"))
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).expect("selector");
    html.select(&selector).collect()
}

fn text_of(html: &Html, css: &str) -> Vec<String> {
    select(html, css).iter().map(|e| e.text().collect::<String>().trim().to_owned()).collect()
}

fn published(theme: Theme) -> SiteOptions {
    SiteOptions::published(theme, url::Url::parse("https://r2w.example/amelia-hartley/").expect("url"))
}

#[test]
fn every_section_with_content_appears_in_order_under_every_theme() {
    let cv = fixture("full-every-field.json");
    for theme in Theme::ALL {
        let site = render(&cv, &published(theme)).expect("render");
        let html = page(&site);
        assert_eq!(text_of(&html, "h1"), ["Amelia Hartley"]);
        let sections: Vec<String> =
            select(&html, "section").iter().filter_map(|s| s.value().attr("id").map(str::to_owned)).collect();
        assert_eq!(
            sections,
            [
                "about",
                "experience",
                "projects",
                "education",
                "certifications",
                "awards",
                "publications",
                "talks",
                "patents",
                "volunteering",
                "courses",
                "recommendations",
                "skills",
                "languages",
                "memberships",
                "interests"
            ],
            "{theme}"
        );
        let responsibilities = cv.experience[0].responsibilities.len();
        let bullets = select(&html, "#experience article:first-of-type ul.bullets > li").len();
        assert_eq!(bullets, responsibilities, "bullets stay a list");
        assert_eq!(select(&html, "main").len(), 1);
        assert_eq!(select(&html, "header.hero").len(), 1);
        assert!(!String::from_utf8_lossy(&site.file("index.html").expect("index").body).contains("N/A"));

        let css = select(&html, "link[rel=stylesheet]")[0].value().attr("href").expect("href").to_owned();
        assert!(css.starts_with(&format!("assets/{theme}.")), "{css}");
        let asset = site.file(&css).expect("the stylesheet is part of the site");
        assert!(asset.cache_control.contains("immutable"));
    }
}

#[test]
fn a_minimal_cv_has_no_empty_sections() {
    let cv = fixture("minimal-name-only.json");
    let html = page(&render(&cv, &SiteOptions::preview(Theme::Modern)).expect("render"));
    assert!(select(&html, "section").is_empty());
    assert!(select(&html, "aside").is_empty());
    assert_eq!(text_of(&html, "h1").len(), 1);
}

#[test]
fn hebrew_reads_right_to_left_with_hebrew_headings() {
    let cv = fixture("rtl-hebrew.json");
    let html = page(&render(&cv, &SiteOptions::preview(Theme::Classic)).expect("render"));
    let root = select(&html, "html")[0].value();
    assert_eq!((root.attr("lang"), root.attr("dir")), (Some("he"), Some("rtl")));
    assert!(text_of(&html, "h2").iter().any(|h| h == "ניסיון תעסוקתי"), "{:?}", text_of(&html, "h2"));
    assert_eq!(select(&html, "li.phone[dir=ltr], li.email[dir=ltr]").len(), 2, "numbers and addresses stay LTR");
}

#[test]
fn search_engines_see_the_published_site_only() {
    let cv = fixture("full-every-field.json");
    let preview = render(&cv, &SiteOptions::preview(Theme::Minimal)).expect("preview");
    let html = page(&preview);
    assert_eq!(select(&html, "meta[name=robots]")[0].value().attr("content"), Some("noindex, nofollow"));
    assert!(select(&html, "link[rel=canonical]").is_empty());
    assert_eq!(preview.file("robots.txt").map(|f| f.body.as_slice()), Some(&b"User-agent: *\nDisallow: /\n"[..]));
    assert!(preview.file("sitemap.xml").is_none());
    assert!(preview.file("index.html").is_some_and(|f| f.cache_control.starts_with("private")));

    let live = render(&cv, &published(Theme::Minimal)).expect("published");
    let html = page(&live);
    assert_eq!(select(&html, "meta[name=robots]")[0].value().attr("content"), Some("index, follow"));
    let canonical = select(&html, "link[rel=canonical]")[0].value().attr("href").map(str::to_owned);
    assert_eq!(canonical.as_deref(), Some("https://r2w.example/amelia-hartley/"));
    let sitemap = String::from_utf8_lossy(&live.file("sitemap.xml").expect("sitemap").body).into_owned();
    assert!(sitemap.contains("<loc>https://r2w.example/amelia-hartley/</loc>"));
    let not_found = String::from_utf8_lossy(&live.file("404.html").expect("404").body).into_owned();
    assert!(not_found.contains("href=\"/amelia-hartley/assets/minimal."), "absolute links from any depth");
}

#[test]
fn a_shared_link_shows_a_card_and_the_tab_an_icon() {
    let cv = fixture("full-every-field.json");
    let preview = render(&cv, &SiteOptions::preview(Theme::Modern)).expect("preview");
    let html = page(&preview);
    assert!(select(&html, "meta[property='og:image']").is_empty(), "a preview has no address to give");
    assert!(preview.file("qr.svg").is_none() && preview.file("card.png").is_none());

    let live = render(&cv, &published(Theme::Modern)).expect("published");
    let html = page(&live);
    let meta =
        |selector: &str| select(&html, selector).first().and_then(|m| m.value().attr("content")).map(str::to_owned);
    assert_eq!(meta("meta[property='og:image']").as_deref(), Some("https://r2w.example/amelia-hartley/card.png"));
    assert_eq!(meta("meta[name='twitter:card']").as_deref(), Some("summary_large_image"));
    assert!(meta("meta[property='og:image:alt']").is_some_and(|alt| alt.starts_with("Amelia Hartley")));
    let card = live.file("card.png").expect("card");
    assert_eq!((card.content_type, &card.body[..8]), ("image/png", &b"\x89PNG\r\n\x1a\n"[..]));
    // PNG's header chunk: width and height, big-endian, at bytes 16..24.
    assert_eq!(&card.body[16..24], &[0, 0, 4, 176, 0, 0, 2, 118], "1200 x 630");
    let icons: Vec<_> =
        select(&html, "link[rel=icon]").iter().filter_map(|l| l.value().attr("href")).map(str::to_owned).collect();
    assert_eq!(icons, ["favicon.svg", "favicon.png"]);
    let favicon = String::from_utf8_lossy(&live.file("favicon.svg").expect("favicon").body).into_owned();
    assert!(favicon.contains(">AH</text>") && favicon.contains(Theme::Modern.palette().accent), "{favicon}");
    assert!(live.file("favicon.png").is_some_and(|f| f.body.starts_with(b"\x89PNG")));
    assert!(live.file("qr.svg").is_some_and(|f| f.content_type == "image/svg+xml"));
}

#[test]
fn the_stylesheet_carries_its_integrity() {
    use base64::Engine;
    use sha2::Digest;
    for theme in Theme::ALL {
        let site = render(&fixture("full-every-field.json"), &published(theme)).expect("render");
        let html = page(&site);
        let link = select(&html, "link[rel=stylesheet]")[0].value().clone();
        let css = site.file(link.attr("href").expect("href")).expect("the stylesheet is in the site");
        let expected = format!("sha384-{}", base64::prelude::BASE64_STANDARD.encode(sha2::Sha384::digest(&css.body)));
        assert_eq!(link.attr("integrity"), Some(expected.as_str()), "{theme}");
    }
}

#[test]
fn structured_data_states_what_the_cv_states() {
    let cv = fixture("full-every-field.json");
    let html = page(&render(&cv, &published(Theme::Classic)).expect("render"));
    let scripts = select(&html, "script");
    assert_eq!(scripts.len(), 1);
    assert_eq!(scripts[0].value().attr("type"), Some("application/ld+json"));
    let person: Value = serde_json::from_str(&scripts[0].text().collect::<String>()).expect("JSON-LD");
    assert_eq!(person["@type"], "Person");
    assert_eq!(person["name"], "Amelia Hartley");
    assert_eq!(person["jobTitle"], "Principal Data Engineer");
    assert_eq!(person["url"], "https://r2w.example/amelia-hartley/");
    assert!(person["sameAs"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(person["alumniOf"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(person["knowsLanguage"].as_array().is_some_and(|a| !a.is_empty()));
    for meta in ["og:title", "og:description", "og:url", "og:type"] {
        assert_eq!(select(&html, &format!("meta[property=\"{meta}\"]")).len(), 1, "{meta}");
    }
    assert_eq!(select(&html, "meta[name=\"twitter:card\"]").len(), 1);
    let description = select(&html, "meta[name=description]")[0].value().attr("content").unwrap_or_default();
    assert!(!description.is_empty() && description.chars().count() <= 160);
}

/// A CV written by an attacker (`tests/fixtures/hostile.json`, shared with the browser tests):
/// every string tries to become markup, script or a link.
fn hostile_cv() -> CvData {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile.json");
    CvData::from_json(&std::fs::read(path).expect("fixture")).expect("hostile but well-formed CV data")
}

#[test]
fn a_hostile_cv_cannot_inject_markup_script_or_links() {
    for theme in Theme::ALL {
        let site = render(&hostile_cv(), &published(theme)).expect("render");
        let raw = String::from_utf8_lossy(&site.file("index.html").expect("index").body).into_owned();
        let html = page(&site);
        let scripts = select(&html, "script");
        assert_eq!(scripts.len(), 1, "only the JSON-LD block");
        assert_eq!(scripts[0].value().attr("type"), Some("application/ld+json"));
        let ld: Value = serde_json::from_str(&scripts[0].text().collect::<String>()).expect("JSON-LD intact");
        assert!(ld["name"].as_str().is_some_and(|n| n.contains("</script>")), "kept as data");
        for forbidden in ["iframe", "img[onerror]", "svg", "[onmouseover]", "[onload]", "b", "style"] {
            assert!(select(&html, forbidden).is_empty(), "{forbidden} in {theme}");
        }
        for link in select(&html, "[href], [src]") {
            let target = link.value().attr("href").or_else(|| link.value().attr("src")).unwrap_or_default();
            let scheme_ok =
                ["https:", "http:", "mailto:", "tel:", "assets/", "contact.vcf", "resume.json", "favicon.", "#"]
                    .iter()
                    .any(|p| target.starts_with(p));
            assert!(scheme_ok, "unexpected link target {target:?}");
        }
        assert!(!raw.to_ascii_lowercase().contains("javascript:"), "no javascript: URL anywhere");
        assert!(!raw.contains('\u{202E}'), "direction overrides are removed");
        let csp = select(&html, "meta[http-equiv=Content-Security-Policy]")[0].value().attr("content");
        assert_eq!(csp, Some(CONTENT_SECURITY_POLICY));
    }
}

//! CV data -> the files of a static site, in memory. No I/O: the caller writes them to a folder
//! (`r2w build`) or to S3 (the pipeline), so rendering is pure and takes about a millisecond.

use askama::Template;
use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use r2w_core::model::{CvData, TextDirection, json_resume};
use serde_json::{Value, json};
use sha2::{Digest, Sha256, Sha384};
use url::Url;

use crate::i18n::{Lang, SiteWords, Word};
use crate::images;
use crate::public::public_cv;
use crate::themes::Theme;
use crate::vcard::vcard;
use crate::view::{Profile, clean, mailto_href, tel_href, web_href};

/// The page allows its own stylesheet and images, and nothing else: no script runs (the
/// JSON-LD block is data, not script), no form posts, no base-URL tricks. `connect-src 'self'`
/// lets no script of ours do anything (there is none); it lets an auditor in the page (Lighthouse)
/// read the site's own robots.txt, which `default-src 'none'` would refuse it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOptions {
    pub theme: Theme,
    /// Where the site is published (ending in `/`); `None` for a preview.
    pub canonical_url: Option<Url>,
    /// The person's photo as `photo::process` made it (a square JPEG), served as `photo.jpg`
    /// and drawn on the card. A photo address found in the CV is never shown: a visitor's
    /// browser would fetch it from wherever the CV says.
    pub photo: Option<Vec<u8>>,
}

impl SiteOptions {
    pub fn preview(theme: Theme) -> Self {
        Self { theme, canonical_url: None, photo: None }
    }

    pub fn published(theme: Theme, canonical_url: Url) -> Self {
        Self { theme, canonical_url: Some(canonical_url), photo: None }
    }

    pub fn with_photo(self, photo: Option<Vec<u8>>) -> Self {
        Self { photo, ..self }
    }

    /// Search engines may index only a published site.
    pub fn indexable(&self) -> bool {
        self.canonical_url.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    /// Relative to the site's root, `/`-separated.
    pub path: String,
    pub content_type: &'static str,
    pub cache_control: &'static str,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub files: Vec<SiteFile>,
}

impl Site {
    pub fn file(&self, path: &str) -> Option<&SiteFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("rendering failed: {0}")]
pub struct RenderError(String);

/// Hashed assets never change under their name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages of a published site: short-lived, so an edit shows within minutes.
const PUBLISHED: &str = "public, max-age=300";
/// A preview is for its owner only and always fresh.
const PREVIEW: &str = "private, no-cache";

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    lang: &'a str,
    dir: &'a str,
    og_locale: String,
    theme: &'a str,
    csp: &'a str,
    title: &'a str,
    heading: &'a str,
    description: &'a str,
    canonical: Option<&'a str>,
    indexable: bool,
    css_href: &'a str,
    css_integrity: &'a str,
    card_url: Option<&'a str>,
    card_alt: &'a str,
    json_ld: &'a str,
    skip_label: &'a str,
    contact_label: &'a str,
    aside_label: String,
    vcard_label: &'a str,
    json_label: &'a str,
    p: &'a Profile,
}

#[derive(Template)]
#[template(path = "404.html")]
struct NotFoundPage<'a> {
    lang: &'a str,
    dir: &'a str,
    theme: &'a str,
    csp: &'a str,
    title: &'a str,
    css_href: &'a str,
    css_integrity: &'a str,
    home_href: &'a str,
    back_label: &'a str,
}

/// The site of `cv`: every file is made from its public view ([`public_cv`]), so nothing the
/// page does not show can be downloaded from the site.
pub fn render(cv: &CvData, options: &SiteOptions) -> Result<Site, RenderError> {
    let public = public_cv(cv).map_err(|e| RenderError(e.to_string()))?;
    let cv = &public;
    let (lang_tag, dir) = match &cv.metadata.source_language {
        Some(tag) => (tag.as_str().to_owned(), tag.direction()),
        None => ("en".to_owned(), TextDirection::Ltr),
    };
    let lang = Lang::for_primary(lang_tag.split('-').next().unwrap_or_default());
    let mut profile = Profile::of(cv, lang);
    profile.photo = options.photo.as_ref().map(|_| PHOTO.to_owned());
    let heading = profile.name.clone().or_else(|| profile.headline.clone()).unwrap_or_else(|| "Portfolio".into());
    let full_title = match (&profile.name, &profile.headline) {
        (Some(name), Some(headline)) => format!("{name} — {headline}"),
        _ => heading.clone(),
    };
    // Search results show about 60-70 characters of a title.
    let title = truncate_words(&full_title, 70);
    let description = description(cv, &profile);

    let css = options.theme.css();
    let css_path = format!("assets/{}.{}.css", options.theme.name(), short_hash(css.as_bytes()));
    let css_integrity = integrity(css.as_bytes());
    let canonical = options.canonical_url.as_ref().map(Url::as_str);
    // Link previews need the card's full address, so only a published site names it.
    let card_url = options.canonical_url.as_ref().map(|url| format!("{url}{CARD}"));
    // A 404 page is served for any missing path, so its links must not be relative.
    let root = options.canonical_url.as_ref().map(|u| u.path().to_owned()).unwrap_or_default();
    let json_ld = script_safe_json(&person(cv, &profile, canonical));
    let og_locale = og_locale(&lang_tag);

    let index = IndexPage {
        lang: &lang_tag,
        dir: dir.as_str(),
        og_locale,
        theme: options.theme.name(),
        csp: CONTENT_SECURITY_POLICY,
        title: &title,
        heading: &heading,
        description: &description,
        canonical,
        indexable: options.indexable(),
        css_href: &css_path,
        css_integrity: &css_integrity,
        card_url: card_url.as_deref(),
        card_alt: &full_title,
        json_ld: &json_ld,
        skip_label: skip_label(lang),
        contact_label: lang.word(Word::Contact),
        aside_label: profile.aside.iter().map(|s| s.title).collect::<Vec<_>>().join(", "),
        vcard_label: lang.word(Word::DownloadVcard),
        json_label: lang.word(Word::DownloadJson),
        p: &profile,
    }
    .render()
    .map_err(|e| RenderError(e.to_string()))?;
    let not_found_css = format!("{root}{css_path}");
    let home = if root.is_empty() { "./".to_owned() } else { root.clone() };
    let not_found = NotFoundPage {
        lang: &lang_tag,
        dir: dir.as_str(),
        theme: options.theme.name(),
        csp: CONTENT_SECURITY_POLICY,
        title: lang.word(Word::NotFoundTitle),
        css_href: &not_found_css,
        css_integrity: &css_integrity,
        home_href: &home,
        back_label: lang.word(Word::BackHome),
    }
    .render()
    .map_err(|e| RenderError(e.to_string()))?;

    let pages = if options.indexable() { PUBLISHED } else { PREVIEW };
    let resume = serde_json::to_vec_pretty(&json_resume::export_public(cv)).map_err(|e| RenderError(e.to_string()))?;
    let mut files = vec![
        file("index.html", "text/html; charset=utf-8", pages, index.into_bytes()),
        file("404.html", "text/html; charset=utf-8", pages, not_found.into_bytes()),
        file(&css_path, "text/css; charset=utf-8", IMMUTABLE, css.as_bytes().to_vec()),
        file("resume.json", "application/json", pages, resume),
        file("contact.vcf", "text/vcard; charset=utf-8", pages, vcard(cv).into_bytes()),
        file("robots.txt", "text/plain; charset=utf-8", pages, robots(options.canonical_url.as_ref()).into_bytes()),
    ];
    files.extend(pictures(&profile, &heading, options, dir == TextDirection::Rtl, pages)?);
    if let Some(url) = &options.canonical_url {
        files.push(file("sitemap.xml", "application/xml", pages, sitemap(url).into_bytes()));
    }
    Ok(Site { files })
}

/// Where the social card is, in the site.
const CARD: &str = "card.png";
/// Where the person's photo is, in the site.
const PHOTO: &str = "photo.jpg";

/// The favicon (SVG and PNG) from the initials, in the theme's colours; and, once the site has
/// an address, the social card and a QR code of it (a preview's pages name neither).
fn pictures(
    profile: &Profile,
    heading: &str,
    options: &SiteOptions,
    rtl: bool,
    pages: &'static str,
) -> Result<Vec<SiteFile>, RenderError> {
    let palette = options.theme.palette();
    let initials = images::initials(heading);
    let failed = |e: images::ImageError| RenderError(e.to_string());
    let mut files = vec![
        file("favicon.svg", "image/svg+xml", pages, images::favicon_svg(&initials, &palette).into_bytes()),
        file("favicon.png", "image/png", pages, images::favicon_png(&initials, &palette).map_err(failed)?),
    ];
    if let Some(photo) = &options.photo {
        files.push(file(PHOTO, "image/jpeg", pages, photo.clone()));
    }
    if let Some(url) = &options.canonical_url {
        let address = url.as_str();
        let card = images::Card {
            name: heading,
            headline: profile.name.as_ref().and(profile.headline.as_deref()),
            address: Some(address.strip_prefix("https://").unwrap_or(address).trim_end_matches('/')),
            right_to_left: rtl,
            photo: options.photo.as_deref(),
        };
        files.push(file(CARD, "image/png", pages, images::card_png(&card, &palette).map_err(failed)?));
        let qr = images::qr_svg(address, &palette).map_err(failed)?;
        files.push(file("qr.svg", "image/svg+xml", pages, qr.into_bytes()));
    }
    Ok(files)
}

/// Subresource integrity: the browser refuses a stylesheet whose bytes are not these.
fn integrity(bytes: &[u8]) -> String {
    format!("sha384-{}", BASE64_STANDARD.encode(Sha384::digest(bytes)))
}

/// The store's own error page, `errors/404.html`, with its stylesheet: what the CDN answers for
/// any path nothing is stored under. `sites_url` is where the store is served; the page's links
/// are absolute because it answers for every path.
pub fn error_pages(sites_url: &Url) -> Result<Site, RenderError> {
    let theme = Theme::default();
    let css = theme.css();
    let css_path = format!("assets/{}.{}.css", theme.name(), short_hash(css.as_bytes()));
    let root = sites_url.path();
    let lang = Lang::for_primary("en");
    let page = NotFoundPage {
        lang: "en",
        dir: TextDirection::Ltr.as_str(),
        theme: theme.name(),
        csp: CONTENT_SECURITY_POLICY,
        title: lang.word(Word::NotFoundTitle),
        css_href: &format!("{root}{ERROR_PAGES_FOLDER}/{css_path}"),
        css_integrity: &integrity(css.as_bytes()),
        home_href: root,
        back_label: lang.word(Word::BackHome),
    }
    .render()
    .map_err(|e| RenderError(e.to_string()))?;
    Ok(Site {
        files: vec![
            file("404.html", "text/html; charset=utf-8", PUBLISHED, page.into_bytes()),
            file(&css_path, "text/css; charset=utf-8", IMMUTABLE, css.as_bytes().to_vec()),
        ],
    })
}

/// Where [`error_pages`] live in the sites store (the CDN serves them as they are).
pub const ERROR_PAGES_FOLDER: &str = "errors";

fn file(path: &str, content_type: &'static str, cache_control: &'static str, body: Vec<u8>) -> SiteFile {
    SiteFile { path: path.to_owned(), content_type, cache_control, body }
}

fn short_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().take(5).map(|b| format!("{b:02x}")).collect()
}

/// The meta description: the tagline, else the start of the summary, else title and place.
fn description(cv: &CvData, profile: &Profile) -> String {
    let source = profile
        .tagline
        .clone()
        .or_else(|| cv.summary.text.as_deref().and_then(clean))
        .or_else(|| {
            let parts: Vec<&str> = [&profile.name, &profile.headline, &profile.location]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            (!parts.is_empty()).then(|| parts.join(" · "))
        })
        .unwrap_or_default();
    truncate_words(&source, 160)
}

/// At most `max_chars` characters, cut at a word with an ellipsis.
pub(crate) fn truncate_words(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > max_chars / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

fn skip_label(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Skip to content",
        Lang::Es => "Saltar al contenido",
        Lang::De => "Zum Inhalt",
        Lang::Fr => "Aller au contenu",
        Lang::He => "דילוג לתוכן",
    }
}

fn og_locale(tag: &str) -> String {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or("en").to_ascii_lowercase();
    let region = parts.find(|p| p.len() == 2).map(str::to_ascii_uppercase).unwrap_or_else(|| {
        match language.as_str() {
            "en" => "US",
            "he" => "IL",
            "es" => "ES",
            "de" => "DE",
            "fr" => "FR",
            "ja" => "JP",
            "ar" => "SA",
            other => return other.to_ascii_uppercase(),
        }
        .to_owned()
    });
    format!("{language}_{region}")
}

/// schema.org `Person`, from what the CV states (nothing is added).
fn person(cv: &CvData, profile: &Profile, canonical: Option<&str>) -> Value {
    let mut person = json!({ "@context": "https://schema.org", "@type": "Person" });
    let mut set = |key: &str, value: Value| {
        let empty = value.is_null() || value.as_array().is_some_and(Vec::is_empty);
        if !empty && let Some(object) = person.as_object_mut() {
            object.insert(key.to_owned(), value);
        }
    };
    set("name", json!(profile.name));
    set("jobTitle", json!(profile.headline));
    set("description", json!(profile.tagline));
    set("url", json!(canonical));
    set("image", json!(profile.photo.as_ref().map(|p| format!("{}{p}", canonical.unwrap_or_default()))));
    set("email", json!(cv.contact.email.as_deref().and_then(mailto_href)));
    set(
        "telephone",
        json!(cv.contact.phone.as_deref().and_then(tel_href).map(|t| t.trim_start_matches("tel:").to_owned())),
    );
    if let Some(location) = &cv.contact.location {
        let clean_opt = |v: &Option<String>| v.as_deref().and_then(clean);
        let mut address = json!({ "@type": "PostalAddress" });
        for (key, value) in [
            ("addressLocality", clean_opt(&location.city)),
            ("addressRegion", clean_opt(&location.region)),
            ("addressCountry", clean_opt(&location.country_code)),
        ] {
            if let (Some(value), Some(object)) = (value, address.as_object_mut()) {
                object.insert(key.to_owned(), json!(value));
            }
        }
        if address.as_object().is_some_and(|o| o.len() > 1) {
            set("address", address);
        }
    }
    let same_as: Vec<String> = cv
        .contact
        .website
        .iter()
        .chain(cv.contact.links.iter().filter_map(|l| l.url.as_ref()))
        .filter_map(|u| web_href(u))
        .collect();
    set("sameAs", json!(same_as));
    let organisation = |kind: &str, name: &Option<String>| {
        name.as_deref().and_then(clean).map(|name| json!({ "@type": kind, "name": name }))
    };
    let works_for: Vec<Value> = cv
        .experience
        .iter()
        .filter(|e| e.dates.is_current)
        .filter_map(|e| organisation("Organization", &e.company))
        .collect();
    set("worksFor", json!(works_for));
    let alumni: Vec<Value> =
        cv.education.iter().filter_map(|e| organisation("EducationalOrganization", &e.institution)).collect();
    set("alumniOf", json!(alumni));
    let languages: Vec<String> = cv.languages.iter().filter_map(|l| l.language.as_deref().and_then(clean)).collect();
    set("knowsLanguage", json!(languages));
    person
}

/// JSON for inside `<script>`: `<`, `>` and `&` as `\u` escapes, so no value can close the
/// element or open a comment, and the line separators JavaScript once rejected.
pub fn script_safe_json(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn robots(canonical: Option<&Url>) -> String {
    match canonical {
        Some(url) => format!("User-agent: *\nAllow: /\nSitemap: {url}sitemap.xml\n"),
        None => "User-agent: *\nDisallow: /\n".to_owned(),
    }
}

fn sitemap(url: &Url) -> String {
    let loc = r2w_core::markup::escape(url.as_str());
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <url><loc>{loc}</loc></url>\n</urlset>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let value = json!({ "name": "</script><script>alert(1)</script><!--", "x": "a\u{2028}b&c" });
        let safe = script_safe_json(&value);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'), "{safe}");
        assert_eq!(serde_json::from_str::<Value>(&safe).expect("still JSON"), value);
    }

    #[test]
    fn descriptions_are_cut_at_a_word() {
        let long = "word ".repeat(60);
        let cut = truncate_words(long.trim(), 160);
        assert!(cut.chars().count() <= 160 && cut.ends_with("word…"), "{cut}");
        assert_eq!(og_locale("he"), "he_IL");
        assert_eq!(og_locale("pt-BR"), "pt_BR");
    }
}

//! The pictures a site carries, drawn while it is built, from its own data and nothing
//! fetched: a favicon of the person's initials, a social card (the 1200x630 image a shared link
//! shows) and a QR code of the site's address. All in the theme's colours.
//!
//! Text is drawn with our own fonts (`fonts/`: DejaVu Sans Bold for Latin, Greek, Cyrillic and
//! Hebrew, compiled in; in `fonts/east-asian/`, zlib-compressed, Droid Sans Fallback cut to the
//! ideographs of Chinese and Japanese names and Nanum Gothic Bold cut to the 2,350 Hangul
//! syllables of KS X 1001, which Korean names are written in), never the system's, so a card
//! looks the same on a laptop and in a Lambda that has no fonts at all.
//!
//! The East Asian faces (1.4 MB) are compiled in with the `embedded-fonts` feature (the `r2w`
//! command, tests, local runs). A Lambda function is built without it and reads them from the
//! folder `R2W_CARD_FONTS_DIR` names: the fonts layer the three publishing functions share
//! (template.yaml), so no function binary carries them.

use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use qrcode::QrCode;
use qrcode::render::svg;
use r2w_core::markup::escape;
use resvg::tiny_skia::{FillRule, IntSize, Mask, PathBuilder, Pixmap, PixmapPaint, Transform};
use resvg::usvg::{self, fontdb};

use crate::render::truncate_words;
use crate::themes::Palette;

/// What a shared link shows: the size Open Graph and X (Twitter) ask for.
pub const CARD_WIDTH: u32 = 1200;
pub const CARD_HEIGHT: u32 = 630;
/// The PNG favicon (for browsers without SVG icons, and the home-screen icon).
pub const ICON_SIZE: u32 = 180;

const SANS: &str = "DejaVu Sans";
const CJK: &str = "Droid Sans Fallback";
const HANGUL: &str = "R2W Card Hangul";

static SANS_FONT: &[u8] = include_bytes!("../fonts/card-sans.ttf");
/// The East Asian faces, compressed (1.5 MB instead of 3.0 MB), inflated the first time a name
/// needs them.
pub const EAST_ASIAN_FILES: [&str; 2] = ["card-cjk.ttf.zlib", "card-hangul.ttf.zlib"];
#[cfg(feature = "embedded-fonts")]
static EAST_ASIAN_FONTS: [&[u8]; 2] = [
    include_bytes!("../fonts/east-asian/card-cjk.ttf.zlib"),
    include_bytes!("../fonts/east-asian/card-hangul.ttf.zlib"),
];
/// Where a build without `embedded-fonts` finds [`EAST_ASIAN_FILES`].
pub const FONTS_DIR_VARIABLE: &str = "R2W_CARD_FONTS_DIR";

/// More than any of our fonts inflates to (the CJK one is 2.2 MB).
const FONT_LIMIT: usize = 8 << 20;

/// The Latin, Greek, Cyrillic and Hebrew face alone: what most pictures need, read where the
/// binary holds it.
static SANS_FONTS: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| faces(false));
/// Every face, the East Asian ones inflated once: for text in Chinese, Japanese or Korean.
static ALL_FONTS: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| faces(true));

fn faces(east_asian: bool) -> Arc<fontdb::Database> {
    let mut fonts = fontdb::Database::new();
    fonts.load_font_source(fontdb::Source::Binary(Arc::new(SANS_FONT)));
    if east_asian {
        for compressed in east_asian_fonts() {
            // The inflater png reads its compressed chunks with, so no other is linked.
            match fdeflate::decompress_to_vec_bounded(&compressed, FONT_LIMIT) {
                Ok(font) => {
                    fonts.load_font_source(fontdb::Source::Binary(Arc::new(font)));
                }
                Err(_) => tracing::error!("an East Asian card font did not inflate"),
            }
        }
    }
    fonts.set_sans_serif_family(SANS);
    Arc::new(fonts)
}

#[cfg(feature = "embedded-fonts")]
fn east_asian_fonts() -> Vec<Cow<'static, [u8]>> {
    EAST_ASIAN_FONTS.iter().map(|font| Cow::Borrowed(*font)).collect()
}

#[cfg(not(feature = "embedded-fonts"))]
fn east_asian_fonts() -> Vec<Cow<'static, [u8]>> {
    match std::env::var_os(FONTS_DIR_VARIABLE) {
        Some(dir) => read_east_asian_fonts(Path::new(&dir)),
        None => {
            tracing::error!("{FONTS_DIR_VARIABLE} is not set: East Asian names are drawn without their faces");
            Vec::new()
        }
    }
}

/// The compressed East Asian faces in `dir`; a missing one is logged (the picture is still drawn,
/// its East Asian characters as blanks) rather than failing the site.
#[cfg_attr(feature = "embedded-fonts", allow(dead_code))]
fn read_east_asian_fonts(dir: &Path) -> Vec<Cow<'static, [u8]>> {
    let read = |file: &str| match std::fs::read(dir.join(file)) {
        Ok(font) => Some(Cow::Owned(font)),
        Err(e) => {
            tracing::error!(file, dir = %dir.display(), error = %e, "an East Asian card font is missing");
            None
        }
    };
    EAST_ASIAN_FILES.iter().filter_map(|file| read(file)).collect()
}

/// Characters only the East Asian faces draw: Hangul, kana, ideographs and their punctuation.
fn needs_east_asian_face(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'
            | '\u{2E80}'..='\u{9FFF}'
            | '\u{A960}'..='\u{A97F}'
            | '\u{AC00}'..='\u{D7FF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{FF00}'..='\u{FFEF}'
            | '\u{20000}'..='\u{3FFFF}')
}

#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("the picture could not be drawn: {0}")]
    Draw(#[from] usvg::Error),
    #[error("the picture could not be encoded: {0}")]
    Encode(String),
    #[error("the QR code could not be made: {0}")]
    Qr(#[from] qrcode::types::QrError),
}

/// What the card says: the name large, the headline under it, the address at the foot.
#[derive(Debug, Clone, Copy)]
pub struct Card<'a> {
    pub name: &'a str,
    pub headline: Option<&'a str>,
    pub address: Option<&'a str>,
    pub right_to_left: bool,
    /// The person's photo (a square JPEG from `photo::process`), drawn in a circle beside
    /// the text.
    pub photo: Option<&'a [u8]>,
}

/// The photo's circle on the card: its diameter, and its centre's distance from the near edge.
const CARD_PHOTO: u32 = 300;
const CARD_MARGIN: u32 = 88;
const CARD_GAP: u32 = 48;

/// Up to two letters for an icon: the first of the first and last words ("Ada Lovelace" ->
/// "AL"), or the first character of a name written without spaces ("佐藤陽翔" -> "佐").
pub fn initials(name: &str) -> String {
    let words: Vec<&str> =
        name.split_whitespace().filter(|w| w.chars().next().is_some_and(char::is_alphabetic)).collect();
    let first = |word: &str| word.chars().next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    match words.as_slice() {
        [] => String::new(),
        [only] => first(only),
        [head, .., tail] => format!("{}{}", first(head), first(tail)),
    }
}

/// The favicon: the initials on a rounded square of the theme's accent.
pub fn favicon_svg(initials: &str, palette: &Palette) -> String {
    let size = if initials.chars().count() > 1 { 28 } else { 36 };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\" width=\"64\" height=\"64\">\
<rect width=\"64\" height=\"64\" rx=\"14\" fill=\"{accent}\"/>\
<text x=\"32\" y=\"32\" dy=\"0.35em\" text-anchor=\"middle\" font-family=\"{SANS}, {CJK}, {HANGUL}, sans-serif\" \
font-weight=\"bold\" font-size=\"{size}\" fill=\"{bg}\">{text}</text></svg>",
        accent = palette.accent,
        bg = palette.bg,
        text = escape(initials),
    )
}

/// The favicon as a PNG, `ICON_SIZE` pixels square.
pub fn favicon_png(initials: &str, palette: &Palette) -> Result<Vec<u8>, ImageError> {
    rasterise(&favicon_svg(initials, palette), ICON_SIZE, ICON_SIZE)
}

/// The social card as SVG: each line's size chosen so it fits the card's width.
pub fn card_svg(card: &Card<'_>, palette: &Palette) -> String {
    const MARGIN: u32 = CARD_MARGIN;
    let beside = if card.photo.is_some() { CARD_PHOTO + CARD_GAP } else { 0 };
    let width = CARD_WIDTH - 2 * MARGIN - beside;
    // The text reads from the side the script starts at; the photo takes the other.
    let (x, anchor) = if card.right_to_left { (CARD_WIDTH - MARGIN, "end") } else { (MARGIN, "start") };
    let line = |text: &str, y: u32, largest: f32, colour: &str, weight: &str| {
        let text = truncate_words(&text.split_whitespace().collect::<Vec<_>>().join(" "), 80);
        let size = fitting_size(&text, width as f32, largest);
        format!(
            "<text x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\" font-family=\"{SANS}, {CJK}, {HANGUL}, sans-serif\" \
font-weight=\"{weight}\" font-size=\"{size:.0}\" fill=\"{colour}\">{}</text>",
            escape(&text)
        )
    };
    let mut body = line(card.name, 300, 96.0, palette.fg, "bold");
    if let Some(headline) = card.headline {
        body.push_str(&line(headline, 390, 52.0, palette.muted, "normal"));
    }
    if let Some(address) = card.address {
        body.push_str(&line(address, 540, 34.0, palette.accent, "normal"));
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {CARD_WIDTH} {CARD_HEIGHT}\" \
width=\"{CARD_WIDTH}\" height=\"{CARD_HEIGHT}\"><rect width=\"{CARD_WIDTH}\" height=\"{CARD_HEIGHT}\" fill=\"{bg}\"/>\
<rect width=\"{CARD_WIDTH}\" height=\"24\" fill=\"{accent}\"/>{body}</svg>",
        bg = palette.bg,
        accent = palette.accent,
    )
}

/// The social card, `CARD_WIDTH` x `CARD_HEIGHT` PNG.
pub fn card_png(card: &Card<'_>, palette: &Palette) -> Result<Vec<u8>, ImageError> {
    let mut pixmap = draw(&card_svg(card, palette), CARD_WIDTH, CARD_HEIGHT)?;
    if let Some(photo) = card.photo {
        let left = if card.right_to_left { CARD_MARGIN } else { CARD_WIDTH - CARD_MARGIN - CARD_PHOTO };
        let top = (CARD_HEIGHT - CARD_PHOTO) / 2;
        place_in_circle(&mut pixmap, photo, left, top, CARD_PHOTO)?;
    }
    pixmap.encode_png().map_err(|e| ImageError::Encode(e.to_string()))
}

/// Draws the JPEG `photo` scaled to `side`, clipped to the circle in that square at
/// (`left`, `top`).
fn place_in_circle(pixmap: &mut Pixmap, photo: &[u8], left: u32, top: u32, side: u32) -> Result<(), ImageError> {
    let failed = |e: image::ImageError| ImageError::Encode(e.to_string());
    let picture = image::load_from_memory_with_format(photo, image::ImageFormat::Jpeg).map_err(failed)?;
    let rgba = picture.resize_exact(side, side, image::imageops::FilterType::Lanczos3).to_rgba8();
    // Opaque pixels: premultiplied RGBA, as the pixmap keeps them, is the same bytes.
    let size = IntSize::from_wh(side, side).ok_or_else(|| ImageError::Encode("empty photo".into()))?;
    let photo = Pixmap::from_vec(rgba.into_raw(), size).ok_or_else(|| ImageError::Encode("photo size".into()))?;
    let mut circle = Mask::new(pixmap.width(), pixmap.height()).ok_or_else(|| ImageError::Encode("mask".into()))?;
    let radius = side as f32 / 2.0;
    let path = PathBuilder::from_circle(left as f32 + radius, top as f32 + radius, radius)
        .ok_or_else(|| ImageError::Encode("circle".into()))?;
    circle.fill_path(&path, FillRule::Winding, true, Transform::identity());
    pixmap.draw_pixmap(
        left as i32,
        top as i32,
        photo.as_ref(),
        &PixmapPaint::default(),
        Transform::identity(),
        Some(&circle),
    );
    Ok(())
}

/// A QR code of `address` as SVG, dark modules in the theme's text colour on its background.
pub fn qr_svg(address: &str, palette: &Palette) -> Result<String, ImageError> {
    let code = QrCode::new(address.as_bytes())?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .dark_color(svg::Color(palette.fg))
        .light_color(svg::Color(palette.bg))
        .build())
}

/// An SVG drawn into a PNG of `width` x `height` pixels.
pub fn rasterise(svg: &str, width: u32, height: u32) -> Result<Vec<u8>, ImageError> {
    draw(svg, width, height)?.encode_png().map_err(|e| ImageError::Encode(e.to_string()))
}

fn draw(svg: &str, width: u32, height: u32) -> Result<Pixmap, ImageError> {
    let fonts = if svg.chars().any(needs_east_asian_face) { &ALL_FONTS } else { &SANS_FONTS };
    let options = usvg::Options { fontdb: Arc::clone(fonts), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(svg, &options)?;
    let mut pixmap = Pixmap::new(width, height).ok_or_else(|| ImageError::Encode("empty picture".into()))?;
    let size = tree.size();
    let scale = Transform::from_scale(width as f32 / size.width(), height as f32 / size.height());
    resvg::render(&tree, scale, &mut pixmap.as_mut());
    Ok(pixmap)
}

/// The largest size up to `largest` at which `text` fits in `width`, from the advance the fonts
/// give on average: an ideograph is a full em, a Latin or Hebrew letter about 0.62 of one in
/// this bold face.
fn fitting_size(text: &str, width: f32, largest: f32) -> f32 {
    let ems: f32 = text.chars().map(|c| if is_wide(c) { 1.0 } else { 0.62 }).sum();
    (width / ems.max(1.0)).clamp(24.0, largest)
}

fn is_wide(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}' | '\u{AC00}'..='\u{D7A3}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_names_in_every_script() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("  maría josé  de la cruz "), "MC");
        assert_eq!(initials("佐藤陽翔"), "佐");
        assert_eq!(initials("נועה לוי"), "נל");
        assert_eq!(initials("Cher"), "C");
        assert_eq!(initials("— 42"), "");
    }

    #[test]
    fn the_compressed_faces_inflate_and_only_east_asian_text_needs_them() {
        let families: Vec<String> =
            ALL_FONTS.faces().flat_map(|face| face.families.iter().map(|(name, _)| name.clone())).collect();
        for family in [SANS, CJK, HANGUL] {
            assert!(families.iter().any(|f| f == family), "{family} is not among {families:?}");
        }
        assert_eq!(SANS_FONTS.len(), 1);
        assert!("佐藤 김민준 ｱ".chars().filter(|c| *c != ' ').all(needs_east_asian_face));
        assert!(!"Ada Łovelace — נועה Ωμέγα Ж".chars().any(needs_east_asian_face));
    }

    /// What a Lambda function reads from its fonts layer: the same files, inflating to the
    /// same faces; a folder without them gives none, and no panic.
    #[test]
    fn the_east_asian_faces_read_from_a_folder_are_the_compiled_in_ones() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/east-asian");
        let read = read_east_asian_fonts(&folder);
        assert_eq!(read.len(), EAST_ASIAN_FILES.len());
        let mut fonts = fontdb::Database::new();
        for compressed in &read {
            let Ok(font) = fdeflate::decompress_to_vec_bounded(compressed, FONT_LIMIT) else {
                panic!("a face inflates")
            };
            fonts.load_font_source(fontdb::Source::Binary(Arc::new(font)));
        }
        let families: Vec<String> =
            fonts.faces().flat_map(|face| face.families.iter().map(|(name, _)| name.clone())).collect();
        assert_eq!(families, [CJK, HANGUL]);
        #[cfg(feature = "embedded-fonts")]
        assert!(read.iter().zip(EAST_ASIAN_FONTS).all(|(file, compiled)| file.as_ref() == compiled));
        assert!(read_east_asian_fonts(&folder.join("absent")).is_empty());
    }

    #[test]
    fn markup_in_a_name_stays_text() {
        let svg = card_svg(
            &Card { name: "<script>&\"</script>", headline: None, address: None, right_to_left: false, photo: None },
            &crate::Theme::Classic.palette(),
        );
        assert!(svg.contains("&lt;script&gt;&amp;&quot;&lt;/script&gt;") && !svg.contains("<script>"), "{svg}");
    }

    #[test]
    fn long_lines_are_cut_at_a_word_and_sized_to_fit() {
        let long = "word ".repeat(40);
        let cut = truncate_words(long.trim(), 80);
        assert!(cut.chars().count() <= 80 && cut.ends_with("word…"), "{cut}");
        assert!(fitting_size("Ada Lovelace", 1024.0, 96.0) == 96.0);
        assert!(fitting_size(&"W".repeat(60), 1024.0, 96.0) < 30.0);
    }
}

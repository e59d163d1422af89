//! The pictures a site carries: a social card that shows the name in Latin, Hebrew and CJK
//! script, a favicon, and a QR code that a decoder reads back as the site's address.

use r2w_sites::Theme;
use r2w_sites::images::{CARD_HEIGHT, CARD_WIDTH, Card, card_png, favicon_png, qr_svg, rasterise};
use resvg::tiny_skia::Pixmap;

fn decode(png: &[u8]) -> Pixmap {
    Pixmap::decode_png(png).expect("a valid PNG")
}

/// Pixels that differ between two pictures of the same size, within rows `rows`.
fn differing(a: &Pixmap, b: &Pixmap, rows: std::ops::Range<u32>) -> usize {
    let width = a.width() as usize;
    rows.flat_map(|y| (0..width).map(move |x| y as usize * width + x))
        .filter(|&i| a.pixels()[i] != b.pixels()[i])
        .count()
}

#[test]
fn the_social_card_draws_latin_hebrew_cjk_and_korean_names() {
    for theme in Theme::ALL {
        let palette = theme.palette();
        let blank = decode(
            &card_png(&Card { name: "", headline: None, address: None, right_to_left: false, photo: None }, &palette)
                .expect("card"),
        );
        for (name, right_to_left) in
            [("Ada Lovelace", false), ("נועה לוי", true), ("佐藤 陽翔", false), ("王小明", false), ("김민준", false)]
        {
            let png = card_png(
                &Card {
                    name,
                    headline: Some("Senior Backend Engineer"),
                    address: Some("ada.sites.example"),
                    right_to_left,
                    photo: None,
                },
                &palette,
            )
            .expect("card");
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
            let card = decode(&png);
            assert_eq!((card.width(), card.height()), (CARD_WIDTH, CARD_HEIGHT));
            // The name's line (its baseline is at y = 300): a few thousand pixels of glyphs.
            let inked = differing(&card, &blank, 200..320);
            assert!(inked > 2_000, "{theme}: {name:?} drew {inked} pixels");
            // Real glyphs, not the empty boxes a font draws for characters it lacks: the same
            // number of characters that no font has looks different.
            let missing: String = name.chars().map(|c| if c == ' ' { ' ' } else { '\u{E000}' }).collect();
            let boxes = decode(
                &card_png(
                    &Card {
                        name: &missing,
                        headline: Some("Senior Backend Engineer"),
                        address: None,
                        right_to_left,
                        photo: None,
                    },
                    &palette,
                )
                .expect("card"),
            );
            let shaped = differing(&card, &boxes, 200..320);
            assert!(shaped > 2_000, "{theme}: {name:?} looks like missing glyphs ({shaped} pixels apart)");
        }
    }
}

#[test]
fn the_card_shows_the_photo_in_a_circle_on_the_side_the_text_does_not_start() {
    let palette = Theme::Modern.palette();
    let green = image::RgbImage::from_pixel(432, 432, image::Rgb([0, 200, 0]));
    let mut photo = Vec::new();
    green.write_to(&mut std::io::Cursor::new(&mut photo), image::ImageFormat::Jpeg).expect("jpeg");
    for (right_to_left, centre, far) in [(false, 962, 238), (true, 238, 962)] {
        let card = Card { name: "Ada Lovelace", headline: None, address: None, right_to_left, photo: Some(&photo) };
        let drawn = decode(&card_png(&card, &palette).expect("card"));
        let green_at = |x: u32, y: u32| {
            let pixel = drawn.pixel(x, y).expect("inside");
            pixel.green() > 150 && pixel.red() < 60 && pixel.blue() < 60
        };
        assert!(green_at(centre, 315), "the photo's middle (right to left: {right_to_left})");
        assert!(!green_at(centre - 145, 315 - 145), "outside the circle, in its square's corner");
        assert!(!green_at(far, 315), "not on the text's side");
    }
}

#[test]
fn the_favicon_shows_the_initials() {
    let palette = Theme::Modern.palette();
    let plain = decode(&favicon_png("", &palette).expect("icon"));
    for initials in ["AL", "נל", "佐"] {
        let icon = decode(&favicon_png(initials, &palette).expect("icon"));
        assert_eq!((icon.width(), icon.height()), (180, 180));
        let inked = differing(&icon, &plain, 0..180);
        assert!(inked > 500, "{initials:?} drew {inked} pixels");
    }
}

#[test]
fn the_qr_code_reads_back_as_the_address() {
    for theme in Theme::ALL {
        let address = "https://ada-lovelace.sites.example/";
        let svg = qr_svg(address, &theme.palette()).expect("qr");
        let image = decode(&rasterise(&svg, 480, 480).expect("drawn"));
        // Luminance of each pixel, for the decoder.
        let grey = rqrr::PreparedImage::prepare_from_greyscale(480, 480, |x, y| {
            let p = image.pixel(x as u32, y as u32).expect("inside");
            ((u16::from(p.red()) * 3 + u16::from(p.green()) * 6 + u16::from(p.blue())) / 10) as u8
        });
        let mut prepared = grey;
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1, "{theme}: one code");
        let (_, content) = grids[0].decode().expect("decodes");
        assert_eq!(content, address);
    }
}

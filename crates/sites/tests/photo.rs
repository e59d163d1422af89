//! A person's photo: what reaches a site is a fresh square JPEG made from the pixels alone, and
//! a file crafted to exhaust memory is refused from its header.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, RgbImage, RgbaImage};
use r2w_sites::photo::{PHOTO_SIDE, PhotoError, process};

/// A 640x400 JPEG as a camera writes one: an EXIF block after the start marker, holding a GPS
/// position (51° 30' 26" N) and the camera's serial number.
fn camera_jpeg() -> Vec<u8> {
    let picture = RgbImage::from_fn(640, 400, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 120]));
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&picture).expect("encode");
    let exif = exif_with_gps();
    let mut segment = vec![0xFF, 0xE1];
    segment.extend(((exif.len() + 2) as u16).to_be_bytes());
    segment.extend(exif);
    let mut jpeg = plain[..2].to_vec();
    jpeg.extend(segment);
    jpeg.extend(&plain[2..]);
    jpeg
}

/// `Exif\0\0`, then a little-endian TIFF: IFD0 with the body serial number and a pointer to a
/// GPS IFD holding the latitude.
fn exif_with_gps() -> Vec<u8> {
    let serial = b"SERIAL-0042-CAMERA\0";
    // Offsets from the TIFF header: IFD0 at 8 (2 entries), GPS IFD at 38 (1 entry), then the
    // latitude's three rationals at 56 and the serial at 80.
    let mut tiff = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        [
            tag.to_le_bytes().to_vec(),
            kind.to_le_bytes().to_vec(),
            count.to_le_bytes().to_vec(),
            value.to_le_bytes().to_vec(),
        ]
        .concat()
    };
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(entry(0x8825, 4, 1, 38)); // GPSInfo
    tiff.extend(entry(0xA431, 2, serial.len() as u32, 80)); // BodySerialNumber
    tiff.extend(0u32.to_le_bytes());
    assert_eq!(tiff.len(), 38);
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(entry(0x0002, 5, 3, 56)); // GPSLatitude
    tiff.extend(0u32.to_le_bytes());
    assert_eq!(tiff.len(), 56);
    for (numerator, denominator) in [(51u32, 1u32), (30, 1), (26, 1)] {
        tiff.extend(numerator.to_le_bytes());
        tiff.extend(denominator.to_le_bytes());
    }
    assert_eq!(tiff.len(), 80);
    tiff.extend(serial);
    [b"Exif\0\0".to_vec(), tiff].concat()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The APP1 (EXIF/XMP) segments of a JPEG, by walking its markers up to the image data.
fn app1_segments(jpeg: &[u8]) -> usize {
    let (mut at, mut found) = (2, 0);
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
        let marker = jpeg[at + 1];
        if marker == 0xDA {
            break;
        }
        let length = u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]) as usize;
        found += usize::from(marker == 0xE1);
        at += 2 + length;
    }
    found
}

#[test]
fn a_camera_photo_comes_out_square_with_no_exif() {
    let uploaded = camera_jpeg();
    assert_eq!(app1_segments(&uploaded), 1, "the upload carries EXIF");
    assert!(contains(&uploaded, b"SERIAL-0042-CAMERA"));
    let shown = process(&uploaded).expect("a photo");
    assert_eq!(app1_segments(&shown), 0, "no EXIF block");
    assert!(!contains(&shown, b"Exif") && !contains(&shown, b"SERIAL-0042"), "nothing of the metadata");
    let picture = image::load_from_memory_with_format(&shown, ImageFormat::Jpeg).expect("a JPEG");
    assert_eq!((picture.width(), picture.height()), (400, 400), "cut square from the middle, not enlarged");
}

#[test]
fn a_large_png_with_transparency_and_a_webp_are_accepted() {
    let picture = RgbaImage::from_fn(1200, 900, |x, _| image::Rgba([200, 30, 30, if x < 600 { 0 } else { 255 }]));
    let mut png = Vec::new();
    picture.write_to(&mut Cursor::new(&mut png), ImageFormat::Png).expect("png");
    let shown = image::load_from_memory(&process(&png).expect("a photo")).expect("decodes").to_rgb8();
    assert_eq!(shown.dimensions(), (PHOTO_SIDE, PHOTO_SIDE));
    let [r, g, b] = shown.get_pixel(10, PHOTO_SIDE / 2).0;
    assert!(r > 240 && g > 240 && b > 240, "transparent is white, not black: {r} {g} {b}");

    let mut webp = Vec::new();
    picture.write_to(&mut Cursor::new(&mut webp), ImageFormat::WebP).expect("webp");
    assert_eq!(&image::guess_format(&process(&webp).expect("a photo")).expect("format"), &ImageFormat::Jpeg);
}

/// A PNG claiming 100,000 x 100,000 pixels in a few dozen bytes: 40 GB once decoded.
fn png_bomb() -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend(kind);
        out.extend(data);
        out.extend(crc32(&[kind, data].concat()).to_be_bytes());
        out
    };
    let mut header = 100_000u32.to_be_bytes().to_vec();
    header.extend(100_000u32.to_be_bytes());
    header.extend([8, 6, 0, 0, 0]);
    // A zlib stream of a few zero bytes: the rest would be asked for as decoding goes on.
    let idat = [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01];
    [b"\x89PNG\r\n\x1a\n".to_vec(), chunk(b"IHDR", &header), chunk(b"IDAT", &idat), chunk(b"IEND", &[])].concat()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn a_decompression_bomb_and_what_is_no_picture_are_refused() {
    let bomb = png_bomb();
    assert!(bomb.len() < 100);
    assert_eq!(process(&bomb), Err(PhotoError::TooLarge { width: 100_000, height: 100_000 }));
    assert_eq!(process(b"%PDF-1.7 not a picture"), Err(PhotoError::Unsupported));
    assert_eq!(process(b"GIF89a\x01\x00\x01\x00"), Err(PhotoError::Unsupported));
    let mut truncated = camera_jpeg();
    truncated.truncate(400);
    assert!(matches!(process(&truncated), Err(PhotoError::Unreadable(_))));
}

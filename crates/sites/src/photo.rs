//! A person's photo. What they upload is decoded within limits, turned upright, cut square,
//! scaled and encoded afresh as a JPEG: nothing of the uploaded file but its pixels reaches a
//! site (no EXIF, so no GPS position and no camera serial), and a file crafted to claim a huge
//! picture is refused from its header, before anything is allocated for it.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// The largest upload accepted.
pub const MAX_PHOTO_BYTES: u64 = 10 * 1024 * 1024;
/// The most pixels a photo may have (a 50-megapixel camera's full frame).
pub const MAX_PHOTO_PIXELS: u64 = 50_000_000;
/// The side of the square a site shows (three times the page's 144 px, for sharp screens).
pub const PHOTO_SIDE: u32 = 432;
/// What may be uploaded.
pub const PHOTO_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

const JPEG_QUALITY: u8 = 85;
/// Decoders may allocate this much, whatever the header says (a 50-megapixel RGBA frame is
/// 200 MB; Lambda gives the function 512 MB).
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhotoError {
    #[error("the photo must be a JPEG, PNG or WebP image")]
    Unsupported,
    #[error("the photo is {width}x{height} pixels; at most {MAX_PHOTO_PIXELS} pixels are accepted")]
    TooLarge { width: u32, height: u32 },
    #[error("the photo could not be read: {0}")]
    Unreadable(String),
}

/// The photo a site shows, from the bytes uploaded: a `PHOTO_SIDE` square JPEG (or smaller,
/// when the upload is), cut from the middle.
pub fn process(bytes: &[u8]) -> Result<Vec<u8>, PhotoError> {
    let unreadable = |e: image::ImageError| PhotoError::Unreadable(e.to_string());
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| PhotoError::Unsupported)?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) {
        return Err(PhotoError::Unsupported);
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PHOTO_PIXELS {
        return Err(PhotoError::TooLarge { width, height });
    }
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    picture.apply_orientation(orientation);
    let side = picture.width().min(picture.height());
    if side == 0 {
        return Err(PhotoError::Unreadable("the picture is empty".into()));
    }
    let square = picture.crop_imm((picture.width() - side) / 2, (picture.height() - side) / 2, side, side);
    let square =
        if side > PHOTO_SIDE { square.resize_exact(PHOTO_SIDE, PHOTO_SIDE, FilterType::Lanczos3) } else { square };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&on_white(square)).map_err(unreadable)?;
    Ok(out)
}

/// A transparent PNG's background becomes white (JPEG has no transparency; dropping the alpha
/// would show whatever colour the transparent pixels happen to hold).
fn on_white(picture: DynamicImage) -> image::RgbImage {
    if !picture.color().has_alpha() {
        return picture.to_rgb8();
    }
    let rgba = picture.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

//! Plain text: UTF-8, UTF-16 with a byte-order mark, or (failing UTF-8) Windows-1252, which
//! covers Latin-1 files from older editors.

use encoding_rs::{UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::TextError;

pub(super) fn text(bytes: &[u8]) -> Result<String, TextError> {
    let (encoding, body) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        (UTF_8, rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (UTF_16LE, rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (UTF_16BE, rest)
    } else if std::str::from_utf8(bytes).is_ok() {
        (UTF_8, bytes)
    } else {
        (WINDOWS_1252, bytes)
    };
    let (decoded, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors
        && decoded.chars().filter(|&c| c == char::REPLACEMENT_CHARACTER).count() * 20 > decoded.chars().count()
    {
        return Err(TextError::Corrupt(format!("the text is not valid {}", encoding.name())));
    }
    Ok(decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_supported_encoding() {
        assert_eq!(text("Jürgen – CV".as_bytes()).expect("utf-8"), "Jürgen – CV");
        assert_eq!(text(b"\xEF\xBB\xBFHello").expect("utf-8 bom"), "Hello");
        let utf16le: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("דנה".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(text(&utf16le).expect("utf-16le"), "דנה");
        let utf16be: Vec<u8> =
            [0xFE, 0xFF].into_iter().chain("山田".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(text(&utf16be).expect("utf-16be"), "山田");
        assert_eq!(text(b"Jos\xe9 Garc\xeda").expect("latin-1"), "José García");
    }
}

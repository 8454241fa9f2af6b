//! Text of schedule files: UTF-8 with or without BOM, UTF-16 with a BOM (Excel's
//! "Unicode text"), or GB18030/GBK as Excel writes it.

/// A byte that is neither UTF-8 nor GB18030, with the text decoded up to it (for display).
#[derive(Debug)]
pub struct BadBytes {
    /// The whole file, decoded with replacement characters, so the place can be shown.
    pub lossy: String,
    /// Byte offset of the bad byte inside `lossy`.
    pub offset: usize,
}

/// Decodes a file's bytes, telling GBK apart from UTF-8 by whether UTF-8 decoding succeeds.
pub fn decode(bytes: &[u8]) -> Result<String, BadBytes> {
    for (bom, utf16) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return decode_utf16(rest, utf16);
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let encoding = encoding_rs::GB18030;
    if let Some(s) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        return Ok(s.into_owned());
    }
    // Find the first undecodable byte: the longest prefix that decodes cleanly.
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 2);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    let offset = match result {
        encoding_rs::DecoderResult::Malformed(bad, _) => {
            let bad_start = read.saturating_sub(bad as usize);
            let mut prefix = String::new();
            let mut d = encoding.new_decoder_without_bom_handling();
            let max = d.max_utf8_buffer_length(bad_start).unwrap_or(bad_start * 3);
            prefix.reserve(max);
            let _ = d.decode_to_string(&bytes[..bad_start], &mut prefix, false);
            prefix.len()
        }
        _ => out.len(),
    };
    let (lossy, _) = encoding.decode_without_bom_handling(bytes);
    Err(BadBytes {
        lossy: lossy.into_owned(),
        offset,
    })
}

/// UTF-16 after its BOM; an unpaired surrogate is the bad place.
fn decode_utf16(
    bytes: &[u8],
    encoding: &'static encoding_rs::Encoding,
) -> Result<String, BadBytes> {
    if let Some(s) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        return Ok(s.into_owned());
    }
    let (lossy, _) = encoding.decode_without_bom_handling(bytes);
    let offset = lossy.find('\u{FFFD}').unwrap_or(lossy.len());
    Err(BadBytes {
        lossy: lossy.into_owned(),
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("课程".as_bytes()).unwrap(), "课程");
        assert_eq!(decode(b"\xEF\xBB\xBFid").unwrap(), "id");
    }

    #[test]
    fn utf16_with_a_bom_is_read() {
        let text = "编号\t主题\nml\t机器学习\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le).unwrap(), text);
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).unwrap(), text);
    }

    #[test]
    fn gbk_is_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode("机器学习,周一");
        assert_eq!(decode(&gbk).unwrap(), "机器学习,周一");
    }

    #[test]
    fn bad_byte_is_located() {
        let (mut gbk, _, _) = encoding_rs::GBK.encode("id,theme\nml,机器\n");
        let mut bytes = gbk.to_mut().clone();
        bytes.insert(12, 0xFF);
        let err = decode(&bytes).unwrap_err();
        assert_eq!(&err.lossy[..err.offset], "id,theme\nml,");
    }
}

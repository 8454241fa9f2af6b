//! JSON text written by hand where it is made by the hundred thousand (the JSON
//! plan, the bodies compared with the ledger's): strings escaped and numbers
//! written as `serde_json` writes them, into a byte buffer.

/// A JSON string.
pub(crate) fn text(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    escaped(buf, s);
    buf.push(b'"');
}

/// `s` escaped as `serde_json` escapes it: `"` and `\`, the control characters
/// as `\b \t \n \f \r` or `\u00xx`; everything else as it is.
pub(crate) fn escaped(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut from = 0;
    for (at, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        buf.extend_from_slice(&bytes[from..at]);
        from = at + 1;
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            0x08 => buf.extend_from_slice(b"\\b"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            0x0C => buf.extend_from_slice(b"\\f"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[usize::from(b >> 4)]);
                buf.push(HEX[usize::from(b & 0xF)]);
            }
        }
    }
    buf.extend_from_slice(&bytes[from..]);
}

/// `n` in decimal, two digits a step.
pub(crate) fn int(buf: &mut Vec<u8>, n: i64) {
    const PAIRS: [u8; 200] = {
        let mut pairs = [0; 200];
        let mut i = 0;
        while i < 100 {
            pairs[2 * i] = b'0' + (i / 10) as u8;
            pairs[2 * i + 1] = b'0' + (i % 10) as u8;
            i += 1;
        }
        pairs
    };
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    while rest >= 100 {
        let pair = (rest % 100) as usize * 2;
        rest /= 100;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if rest >= 10 {
        let pair = rest as usize * 2;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        digits[at] = b'0' + rest as u8;
    }
    buf.reserve(21);
    if n < 0 {
        buf.push(b'-');
    }
    buf.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde_text(s: &str) -> String {
        serde_json::to_string(s).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let every_byte: String = (0u8..0x80).map(char::from).collect();
        for s in [
            "",
            "plain",
            "课程 第1讲",
            "quote \" back \\ slash",
            &every_byte,
            "\u{7f}\u{2028}\u{2029}😀",
        ] {
            let mut buf = Vec::new();
            text(&mut buf, s);
            assert_eq!(String::from_utf8(buf).unwrap(), serde_text(s), "{s:?}");
        }
    }

    #[test]
    fn numbers_are_written_as_serde_json_writes_them() {
        for n in [
            0,
            7,
            -7,
            10,
            99,
            100,
            -100,
            1_799_020_800,
            i64::MAX,
            i64::MIN,
        ] {
            let mut buf = Vec::new();
            int(&mut buf, n);
            assert_eq!(String::from_utf8(buf).unwrap(), n.to_string());
        }
    }
}

//! The pieces of JSON the fast path reads, each strictly: a string without
//! escapes, an integer, and a request body made of those.
//!
//! Each takes the text at its start and returns what it read and the text after
//! it, or `None` for anything it does not cover, valid JSON or not. Text is
//! `&str`, checked as UTF-8 once for the whole line, and cut only beside ASCII
//! bytes, so every piece is UTF-8 as serde would check it; slicing is by
//! `split_at_checked` and `strip_prefix`, which never panic.

/// How deeply a body's objects and arrays may nest: an activity's
/// `activity_detail` holds a list; nothing written goes deeper.
const DEPTH: usize = 4;

/// A string's contents and what follows its closing quote, when it has no
/// escape (serde would have to unescape it) and no control character (serde
/// refuses those).
pub(super) fn string(text: &str) -> Option<(&str, &str)> {
    let inside = text.strip_prefix('"')?;
    let (contents, rest) = inside.split_at_checked(plain_len(inside.as_bytes()))?;
    Some((contents, rest.strip_prefix('"')?))
}

/// How many bytes of `bytes` come before the first quote, backslash or control
/// character (all of them when none does). Looked for eight bytes at a time,
/// as most of a ledger line is in strings: in each byte of a word, the classic
/// test for a zero byte (and for a byte below 0x20) sets the high bit, exactly
/// in the first byte that passes it (later bytes may be set by the borrow).
fn plain_len(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGH;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let word = u64::from_le_bytes(*chunk);
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
        let found = control
            | zero(word ^ (ONES * u64::from(b'"')))
            | zero(word ^ (ONES * u64::from(b'\\')));
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let rest = bytes.get(at..).unwrap_or_default();
    at + rest
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(rest.len())
}

/// An integer as JSON writes one, `-?(0|[1-9][0-9]*)`: whether it is negative,
/// its digits, and what follows. A fraction or exponent after it is left in
/// what follows, for the caller to refuse as not what it expected next.
pub(super) fn integer(text: &str) -> Option<(bool, &str, &str)> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(unsigned) => (true, unsigned),
        None => (false, text),
    };
    let len = unsigned.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, rest) = unsigned.split_at_checked(len)?;
    let leading_zero = digits.len() > 1 && digits.starts_with('0');
    (!digits.is_empty() && !leading_zero).then_some((negative, digits, rest))
}

/// A request body's JSON text and what follows it: strings, integers, and
/// objects and arrays of them nested at most [`DEPTH`] deep, with no whitespace.
/// Any such text is one JSON value as serde's `RawValue` takes it.
pub(super) fn body(text: &str) -> Option<(&str, &str)> {
    let rest = value(text, DEPTH)?;
    text.split_at_checked(text.len().checked_sub(rest.len())?)
}

/// What follows the value at the start of `text`.
fn value(text: &str, depth: usize) -> Option<&str> {
    match text.as_bytes().first()? {
        b'"' => string(text).map(|(_, rest)| rest),
        b'{' => object(text, depth.checked_sub(1)?),
        b'[' => array(text, depth.checked_sub(1)?),
        _ => integer(text).map(|(_, _, rest)| rest),
    }
}

fn object(text: &str, depth: usize) -> Option<&str> {
    let text = text.strip_prefix('{')?;
    if let Some(rest) = text.strip_prefix('}') {
        return Some(rest);
    }
    let mut text = text;
    loop {
        let (_, rest) = string(text)?;
        let rest = value(rest.strip_prefix(':')?, depth)?;
        match rest.strip_prefix(',') {
            Some(next) => text = next,
            None => return rest.strip_prefix('}'),
        }
    }
}

fn array(text: &str, depth: usize) -> Option<&str> {
    let text = text.strip_prefix('[')?;
    if let Some(rest) = text.strip_prefix(']') {
        return Some(rest);
    }
    let mut text = text;
    loop {
        let rest = value(text, depth)?;
        match rest.strip_prefix(',') {
            Some(next) => text = next,
            None => return rest.strip_prefix(']'),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn plain_len_finds_the_first_byte_that_ends_plain_text(
            bytes in proptest::collection::vec(
                prop_oneof![20 => 0x20u8..=0xff, 1 => Just(b'"'), 1 => Just(b'\\'), 1 => 0u8..0x20],
                0..64,
            ),
        ) {
            let first = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            prop_assert_eq!(plain_len(&bytes), first.unwrap_or(bytes.len()));
        }
    }
}

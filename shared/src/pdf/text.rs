//! What arbitrary text becomes before it is typeset: composed characters, one kind of line
//! break, spaces for tabs, and nothing invisible left to print as a box.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Spaces a tab stands for: there are no tab stops to align to, but a tab still indents.
const TAB_SPACES: usize = 4;

/// The lines of `text`. `\n`, `\r\n`, a lone `\r` and the Unicode line and paragraph separators
/// all end a line; see [`push_printable`] for what becomes of the other characters.
pub(super) fn lines(text: &str) -> Vec<String> {
    let mut lines = vec![String::new()];
    let composed = composed(text);
    let mut chars = composed.chars().peekable();
    while let Some(c) = chars.next() {
        if is_line_break(c) {
            if c == '\r' {
                chars.next_if_eq(&'\n');
            }
            lines.push(String::new());
        } else if let Some(line) = lines.last_mut() {
            push_printable(line, c);
        }
    }
    lines
}

/// `text` composed: "A" followed by a combining ring is printed (and extracted) as "Å". Most
/// text already is, which a quick check tells without composing it again.
fn composed(text: &str) -> Cow<'_, str> {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => Cow::Borrowed(text),
        IsNormalized::No | IsNormalized::Maybe => Cow::Owned(text.nfc().collect()),
    }
}

/// `text` on one line, its line breaks turned into spaces: for titles, headings and labels.
pub(super) fn one_line(text: &str) -> String {
    lines(text).join(" ")
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Appends `c` as it is to print: a tab as spaces, any other breaking space as a plain space
/// (the only character lines break at), no-break spaces kept, and control and invisible
/// formatting characters dropped rather than printed as the font's empty box.
fn push_printable(line: &mut String, c: char) {
    match c {
        '\t' => line.extend(std::iter::repeat_n(' ', TAB_SPACES)),
        '\u{A0}' | '\u{2007}' | '\u{202F}' => line.push('\u{A0}'),
        c if c.is_whitespace() => line.push(' '),
        c if c.is_control() || is_invisible(c) => {}
        c => line.push(c),
    }
}

/// Format characters that have no glyph of their own: soft hyphens (lines do not break at
/// them), zero-width spaces and joiners, direction marks, the byte order mark, variation
/// selectors (as emoji carry) and tags.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{61C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

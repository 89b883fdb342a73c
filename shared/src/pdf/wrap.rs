//! Breaking a line of text into lines no wider than a measure.

use std::ops::Range;

use super::font::{Glyph, advance_of};

/// The lines of `glyphs` at most `measure` wide (in font units), as ranges of `glyphs`.
///
/// Lines break at spaces, which the break swallows (so no line starts or ends with one, but
/// for the indentation of the first); a word longer than a line is cut where it reaches the
/// edge. There is always at least one line, and a line that is not the only one holds at least
/// one glyph, even for a measure narrower than a glyph, so that every line moves on.
pub(super) fn wrap(glyphs: &[Glyph], measure: u64) -> Vec<Range<usize>> {
    let mut breaker = Breaker { glyphs, measure, lines: Vec::new(), line: 0..0, width: 0 };
    let mut next = 0;
    while next < glyphs.len() {
        let spaces = run(glyphs, next, true);
        let word = run(glyphs, spaces.end, false);
        next = word.end;
        breaker.add(spaces, word);
    }
    breaker.finish()
}

/// The longest range from `start` whose glyphs all are (or all are not) spaces.
fn run(glyphs: &[Glyph], start: usize, spaces: bool) -> Range<usize> {
    let len = glyphs[start..].iter().take_while(|glyph| glyph.is_space == spaces).count();
    start..start + len
}

struct Breaker<'a> {
    glyphs: &'a [Glyph],
    measure: u64,
    lines: Vec<Range<usize>>,
    /// The line being filled.
    line: Range<usize>,
    /// Its width, in font units.
    width: u64,
}

impl Breaker<'_> {
    /// Adds a word and the spaces before it; spaces with no word after them end the text and
    /// are dropped.
    fn add(&mut self, spaces: Range<usize>, word: Range<usize>) {
        if word.is_empty() {
            return;
        }
        let spaces_width = advance_of(&self.glyphs[spaces]);
        let word_width = advance_of(&self.glyphs[word.clone()]);
        if self.width + spaces_width + word_width <= self.measure {
            self.line.end = word.end;
            self.width += spaces_width + word_width;
            return;
        }
        if !self.line.is_empty() {
            self.lines.push(self.line.clone());
        }
        if word_width <= self.measure {
            self.line = word;
            self.width = word_width;
        } else {
            self.cut(word);
        }
    }

    /// Puts a word longer than a line on lines of its own, the last of which stays open.
    fn cut(&mut self, word: Range<usize>) {
        let mut start = word.start;
        let mut width = 0;
        for index in word.clone() {
            let advance = u64::from(self.glyphs[index].advance);
            if width + advance > self.measure && index > start {
                self.lines.push(start..index);
                start = index;
                width = 0;
            }
            width += advance;
        }
        self.line = start..word.end;
        self.width = width;
    }

    fn finish(mut self) -> Vec<Range<usize>> {
        if !self.line.is_empty() || self.lines.is_empty() {
            self.lines.push(self.line);
        }
        self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text where every character is 10 units wide.
    fn glyphs(text: &str) -> Vec<Glyph> {
        text.chars().map(|c| Glyph { id: 1, advance: 10, is_space: c == ' ' }).collect()
    }

    fn wrapped(text: &str, measure: u64) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        wrap(&glyphs(text), measure)
            .into_iter()
            .map(|range| chars[range].iter().collect())
            .collect()
    }

    #[test]
    fn breaks_at_spaces_and_swallows_them() {
        assert_eq!(wrapped("one two three four", 90), ["one two", "three", "four"]);
    }

    #[test]
    fn keeps_the_first_lines_indentation_only() {
        assert_eq!(wrapped("  one two three", 90), ["  one two", "three"]);
    }

    #[test]
    fn cuts_words_longer_than_a_line() {
        assert_eq!(wrapped("ab abcdefghij k", 40), ["ab", "abcd", "efgh", "ij k"]);
    }

    #[test]
    fn empty_and_blank_text_is_one_empty_line() {
        assert_eq!(wrapped("", 40), [""]);
        assert_eq!(wrapped("    ", 40), [""]);
    }

    #[test]
    fn a_measure_narrower_than_a_glyph_still_moves_on() {
        assert_eq!(wrapped("abc", 5), ["a", "b", "c"]);
        assert_eq!(wrapped("abc", 0), ["a", "b", "c"]);
    }

    #[test]
    fn no_line_is_wider_than_the_measure() {
        let text = "lorem ipsum dolor sit amet consectetur adipiscing elit ".repeat(50);
        for line in wrapped(&text, 333) {
            assert!(line.chars().count() * 10 <= 333, "{line:?}");
            assert!(!line.starts_with(' ') && !line.ends_with(' '), "{line:?}");
        }
    }
}

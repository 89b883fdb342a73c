//! The one embedded typeface, DejaVu Sans, and how text becomes its glyphs.
//!
//! One regular face and no bold file: bold is drawn from the same outlines (see
//! [`super::layout::Style::bold`]), which keeps the binary 700 KB smaller than a second face.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use ttf_parser::{Face, GlyphId};

/// DejaVu Sans, under the Bitstream Vera licence (assets/fonts/LICENSE-DejaVu.txt).
pub(super) const FONT_DATA: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// What the PDF's `/ToUnicode` map gives for the `.notdef` glyph, which stands for every
/// character the font lacks.
pub(super) const NOTDEF_CHAR: char = '\u{FFFD}';

/// Parsed once: the face only indexes the font's tables, and the bytes are in the binary, so it
/// either parses for every document or for none (`tests::embedded_font_parses`).
static FACE: LazyLock<Face<'static>> =
    LazyLock::new(|| Face::parse(FONT_DATA, 0).expect("the embedded DejaVu Sans parses"));

pub(super) fn face() -> &'static Face<'static> {
    &FACE
}

/// Font units per em, the unit of [`Glyph::advance`].
pub(super) fn units_per_em() -> f32 {
    f32::from(face().units_per_em())
}

/// A character as the font prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Glyph {
    /// The glyph id in the whole font (not yet in the subset).
    pub id: u16,
    /// How far the pen moves after it, in font units.
    pub advance: u16,
    /// Whether a line may break here (and the break swallow it).
    pub is_space: bool,
}

/// Turns text into glyphs and remembers, for each glyph used, the character it was used for:
/// the document's font subset and its `/ToUnicode` map.
#[derive(Debug)]
pub(super) struct Shaper {
    used: BTreeMap<u16, char>,
    /// The glyphs of the characters below [`CACHED_BELOW`] met so far: a document's text is
    /// mostly a few dozen of them, each looked up in the font and the map once.
    cache: Vec<Option<Glyph>>,
}

/// Latin, Greek, Cyrillic, Hebrew and Arabic: what the clinic's documents are written in.
const CACHED_BELOW: usize = 0x600;

impl Default for Shaper {
    fn default() -> Self {
        Self { used: BTreeMap::new(), cache: vec![None; CACHED_BELOW] }
    }
}

impl Shaper {
    /// One glyph per character: Latin, Greek and Cyrillic need no shaping, and
    /// [`super::text`] has already composed what can be composed.
    pub fn shape(&mut self, text: &str) -> Vec<Glyph> {
        text.chars().map(|c| self.glyph(c)).collect()
    }

    pub fn glyph(&mut self, c: char) -> Glyph {
        let slot = usize::try_from(u32::from(c)).ok().filter(|&index| index < CACHED_BELOW);
        if let Some(glyph) = slot.and_then(|index| self.cache[index]) {
            return glyph;
        }
        let glyph = self.look_up(c);
        if let Some(index) = slot {
            self.cache[index] = Some(glyph);
        }
        glyph
    }

    fn look_up(&mut self, c: char) -> Glyph {
        let id = face().glyph_index(c).map_or(0, |glyph| glyph.0);
        // The first character seen for a glyph wins: a few glyphs serve several code points
        // (U+00C5 and the ångström sign U+212B), and one of them is enough to copy the text.
        self.used.entry(id).or_insert(if id == 0 { NOTDEF_CHAR } else { c });
        let advance = face().glyph_hor_advance(GlyphId(id)).unwrap_or(0);
        Glyph { id, advance, is_space: c == ' ' }
    }

    /// Each glyph used, in id order, with its character.
    pub fn into_used(self) -> BTreeMap<u16, char> {
        self.used
    }
}

/// The sum of the advances of `glyphs`, in font units.
pub(super) fn advance_of(glyphs: &[Glyph]) -> u64 {
    glyphs.iter().map(|glyph| u64::from(glyph.advance)).sum()
}

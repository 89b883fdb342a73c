//! The font as a document embeds it: DejaVu Sans cut down to the glyphs the document uses,
//! written as a Type0 font (a CIDFontType2, Identity-H: two bytes per glyph in the content
//! streams) with its widths and a `/ToUnicode` map, without which copied or extracted text
//! would come out as glyph numbers.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;

use super::font::{self, FONT_DATA};
use super::write::{Refs, compress};

const FAMILY: &str = "DejaVuSans";

/// The character collection of a font addressed by its own glyph ids.
const IDENTITY: SystemInfo<'static> =
    SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

/// The font file a document embeds, and how its glyphs are addressed there.
pub(super) struct EmbeddedFont {
    /// The TrueType program: the subset, or the whole font if subsetting failed.
    program: Vec<u8>,
    /// The font's glyph id to the id (the CID) in `program`; `None` when `program` is the
    /// whole font, whose ids are their own.
    subset: Option<GlyphRemapper>,
    /// The glyphs used, by their id in the whole font, with the character each stands for.
    glyphs: BTreeMap<u16, char>,
}

/// The objects of an embedded font.
pub(super) struct FontRefs {
    /// What pages name in their resources.
    pub font: Ref,
    cid_font: Ref,
    descriptor: Ref,
    program: Ref,
    to_unicode: Ref,
}

impl FontRefs {
    pub fn new(refs: &mut Refs) -> Self {
        Self {
            font: refs.next(),
            cid_font: refs.next(),
            descriptor: refs.next(),
            program: refs.next(),
            to_unicode: refs.next(),
        }
    }
}

impl EmbeddedFont {
    /// The font for a document that uses `glyphs` (ids in the whole font, each with its
    /// character).
    pub fn new(glyphs: BTreeMap<u16, char>) -> Self {
        let ids: Vec<u16> = glyphs.keys().copied().collect();
        // In ascending order the subset keeps the font's glyph order: a reader sees the
        // same font whatever order the text used its glyphs in.
        let remapper = GlyphRemapper::new_from_glyphs_sorted(&ids);
        match subsetter::subset(FONT_DATA, 0, &remapper) {
            Ok(program) => Self { program, subset: Some(remapper), glyphs },
            // Never seen with this font; a larger file still prints the right text.
            Err(_) => Self { program: FONT_DATA.to_vec(), subset: None, glyphs },
        }
    }

    /// The id of a glyph of the whole font in the embedded program: what content streams show.
    pub fn cid(&self, glyph: u16) -> u16 {
        match &self.subset {
            Some(remapper) => remapper.get(glyph).unwrap_or(0),
            None => glyph,
        }
    }

    /// Each embedded glyph's CID and the character it stands for, in CID order.
    pub fn to_unicode_pairs(&self) -> Vec<(u16, char)> {
        let mut pairs: Vec<(u16, char)> =
            self.glyphs.iter().map(|(&glyph, &c)| (self.cid(glyph), c)).collect();
        pairs.sort_unstable();
        pairs
    }

    /// The `/ToUnicode` CMap, uncompressed.
    pub fn to_unicode_cmap(&self) -> Vec<u8> {
        let mut cmap = UnicodeCmap::new(Name(b"QHealth-UCS"), IDENTITY);
        for (cid, c) in self.to_unicode_pairs() {
            cmap.pair(cid, c);
        }
        cmap.finish().into_vec()
    }

    pub fn write(&self, pdf: &mut Pdf, refs: &FontRefs) {
        let base_font = format!("{}+{FAMILY}", self.subset_tag());
        let base_font = Name(base_font.as_bytes());
        pdf.type0_font(refs.font)
            .base_font(base_font)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(refs.cid_font)
            .to_unicode(refs.to_unicode);
        self.write_cid_font(pdf, refs, base_font);
        write_descriptor(pdf, refs, base_font);

        let program = compress(&self.program);
        let length = i32::try_from(self.program.len()).unwrap_or(i32::MAX);
        pdf.stream(refs.program, &program)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), length);
        let cmap = compress(&self.to_unicode_cmap());
        pdf.stream(refs.to_unicode, &cmap).filter(Filter::FlateDecode);
    }

    fn write_cid_font(&self, pdf: &mut Pdf, refs: &FontRefs, base_font: Name) {
        let mut cid_font = pdf.cid_font(refs.cid_font);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(base_font)
            .system_info(IDENTITY)
            .font_descriptor(refs.descriptor)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let mut widths = cid_font.widths();
        for (first, run) in consecutive_runs(&self.widths()) {
            widths.consecutive(first, run);
        }
        widths.finish();
        cid_font.finish();
    }

    /// Each embedded glyph's CID and advance in thousandths of an em, in CID order.
    fn widths(&self) -> Vec<(u16, f32)> {
        let face = font::face();
        let mut widths: Vec<(u16, f32)> = self
            .glyphs
            .keys()
            .map(|&glyph| {
                let advance = face.glyph_hor_advance(ttf_parser::GlyphId(glyph)).unwrap_or(0);
                (self.cid(glyph), to_thousandths(advance.into()))
            })
            .collect();
        widths.sort_unstable_by_key(|&(cid, _)| cid);
        widths
    }

    /// Six capital letters that name this subset (PDF 32000-1, 9.6.4), the same for the same
    /// glyphs: documents that use other glyphs carry differently named fonts.
    fn subset_tag(&self) -> String {
        // FNV-1a: small, stable across builds and platforms, and enough to tell subsets apart.
        let mut hash: u32 = 0x811c_9dc5;
        for glyph in self.glyphs.keys() {
            for byte in glyph.to_be_bytes() {
                hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
            }
        }
        (0..6)
            .map(|_| {
                let letter = char::from(b'A' + (hash % 26) as u8);
                hash /= 26;
                letter
            })
            .collect()
    }
}

/// The font's metrics, which readers use to stand in for it if they cannot load it.
fn write_descriptor(pdf: &mut Pdf, refs: &FontRefs, base_font: Name) {
    let face = font::face();
    let bbox = face.global_bounding_box();
    let cap_height = face.capital_height().unwrap_or(face.ascender());
    pdf.font_descriptor(refs.descriptor)
        .name(base_font)
        // Symbolic: its glyphs are not all in the standard Latin set.
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            to_thousandths(bbox.x_min.into()),
            to_thousandths(bbox.y_min.into()),
            to_thousandths(bbox.x_max.into()),
            to_thousandths(bbox.y_max.into()),
        ))
        .italic_angle(face.italic_angle())
        .ascent(to_thousandths(face.ascender().into()))
        .descent(to_thousandths(face.descender().into()))
        .cap_height(to_thousandths(cap_height.into()))
        // What readers estimate for a regular weight (400); they only use it to stand in.
        .stem_v(80.0)
        .font_file2(refs.program);
}

/// Font units as thousandths of an em, the unit of PDF font metrics.
fn to_thousandths(units: i32) -> f32 {
    units as f32 * 1000.0 / font::units_per_em()
}

/// `widths` (in CID order) as runs of consecutive CIDs: the compact form of `/W`.
fn consecutive_runs(widths: &[(u16, f32)]) -> Vec<(u16, Vec<f32>)> {
    let mut runs: Vec<(u16, Vec<f32>)> = Vec::new();
    for &(cid, width) in widths {
        match runs.last_mut() {
            Some((first, run)) if usize::from(*first) + run.len() == usize::from(cid) => {
                run.push(width);
            }
            _ => runs.push((cid, vec![width])),
        }
    }
    runs
}

//! Printable records as PDF: a journal entry, a prescription, a sick-leave certificate, a visit
//! summary, a patient's data export.
//!
//! [`render`] turns a [`Document`] (letterhead, title, the identity block, sections, footer) into
//! the bytes of an A4 PDF. It is a pure function: no I/O, the same document always gives the
//! same bytes, and no input makes it panic.
//!
//! How it is done:
//! - `font`: the one embedded typeface, DejaVu Sans, which covers Latin, Greek and Cyrillic;
//!   bold is the same outlines filled and stroked, so that one font file serves both;
//! - `text`: what arbitrary text becomes before it is typeset (line breaks, tabs, invisible
//!   and control characters);
//! - `wrap`: line breaking by the glyphs' advances, words longer than a line included;
//! - `layout`: the page furniture (letterhead, running header, footer with "Page n of m") and
//!   the flow of lines onto pages;
//! - `embed`: the font subset as a Type0/CIDFontType2 font with Identity-H encoding, its
//!   widths and a `/ToUnicode` map (so that copied or extracted text is the real text);
//! - `write`: the PDF objects and the pages' Flate-compressed content streams.
//!
//! Not supported: right-to-left scripts and scripts that need shaping (Arabic letters come out
//! in their isolated forms, in logical order), kerning, and characters outside DejaVu Sans
//! (most emoji, CJK), which print as the font's empty box.

mod embed;
mod font;
mod layout;
mod text;
mod wrap;
mod write;

/// Who issues the document: printed at the head of its first page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letterhead {
    pub clinic_name: String,
    pub address: String,
}

/// One printable record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub letterhead: Letterhead,
    /// "Journal entry", "Sick-leave certificate", ... (the PDF's /Title too)
    pub title: String,
    /// Identity block under the title: ("Patient", "Åsa Öberg"), ("Date of birth", "1985-09-22"),
    /// ("E-mail", "...")
    pub subject: Vec<(String, String)>,
    pub sections: Vec<Section>,
    /// Printed small at the bottom of every page beside "Page n of m", e.g. "Printed 2026-12-06
    /// 10:00 (Europe/Stockholm)". Cut short with "…" where it would not fit on one line.
    pub footer: String,
}

/// A headed part of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub body: Body,
}

/// What a section holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Running text: its `\n` line breaks are kept (an empty line stays empty), and each line is
    /// wrapped to the width of the page.
    Paragraphs(String),
    /// Label and value rows, the labels in a column of their own and the values wrapped beside
    /// them.
    Fields(Vec<(String, String)>),
}

/// The PDF of `document`.
pub fn render(document: &Document) -> Vec<u8> {
    let laid_out = layout::lay_out(document);
    write::write(&laid_out, &text::one_line(&document.title))
}

#[cfg(test)]
mod tests;

use super::embed::EmbeddedFont;
use super::font::{FONT_DATA, face};
use super::layout::{FLOW_BOTTOM, Flow, LaidOut, Line, Mark, Run, lay_out, page_label, paginate};
use super::text::lines;
use super::*;

fn letterhead() -> Letterhead {
    Letterhead {
        clinic_name: "QHealth Vårdcentral Malmö".to_owned(),
        address: "Södra Förstadsgatan 12, 211 43 Malmö".to_owned(),
    }
}

fn journal_entry(description: String) -> Document {
    Document {
        letterhead: letterhead(),
        title: "Journal entry".to_owned(),
        subject: vec![
            ("Patient".to_owned(), "Åsa Öberg".to_owned()),
            ("Date of birth".to_owned(), "1985-09-22".to_owned()),
        ],
        sections: vec![
            Section {
                heading: "Visit".to_owned(),
                body: Body::Fields(vec![("Doctor".to_owned(), "Ελένη Дмитрий".to_owned())]),
            },
            Section { heading: "Description".to_owned(), body: Body::Paragraphs(description) },
        ],
        footer: "Printed 2026-12-06 10:00 (Europe/Stockholm)".to_owned(),
    }
}

fn long_text(chars: usize) -> String {
    "Lungor: vesikulärt andningsljud bilateralt, inga rassel. Bedömning: postinfektiös hosta.\n"
        .chars()
        .cycle()
        .take(chars)
        .collect()
}

/// The text of each run on a page, read back through the glyphs' characters.
fn page_texts(laid_out: &LaidOut, page: usize) -> Vec<String> {
    laid_out.pages[page]
        .marks
        .iter()
        .filter_map(|mark| match mark {
            Mark::Text(run) => {
                Some(run.glyphs.iter().map(|glyph| laid_out.glyphs[glyph]).collect())
            }
            _ => None,
        })
        .collect()
}

fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF")
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle.as_bytes())
}

#[test]
fn embedded_font_parses_and_has_the_scripts() {
    assert!(ttf_parser::Face::parse(FONT_DATA, 0).is_ok());
    for c in ['Å', 'ö', 'Λ', 'Ж', '…', '·'] {
        assert!(face().glyph_index(c).is_some(), "{c}");
    }
}

#[test]
fn output_is_a_whole_pdf_file() {
    let pdf = render(&journal_entry("Short.".to_owned()));
    assert!(is_pdf(&pdf));
    assert!(contains(&pdf, "/Count 1"));
    assert!(contains(&pdf, "/Identity-H"));
}

#[test]
fn the_font_is_a_subset() {
    let pdf = render(&journal_entry(long_text(20_000)));
    assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let document = journal_entry(long_text(3_000));
    assert_eq!(render(&document), render(&document));
}

#[test]
fn a_long_text_runs_over_pages_numbered_n_of_m() {
    let document = journal_entry(long_text(20_000));
    let laid_out = lay_out(&document);
    let count = laid_out.pages.len();
    assert!(count >= 3, "{count} pages");
    for page in 0..count {
        let texts = page_texts(&laid_out, page);
        assert!(texts.contains(&page_label(page + 1, count)), "page {page}: {texts:?}");
        assert!(texts.contains(&document.footer), "page {page}");
    }
    assert!(contains(&render(&document), &format!("/Count {count}")));
}

#[test]
fn the_letterhead_heads_the_first_page_and_a_running_header_the_others() {
    let laid_out = lay_out(&journal_entry(long_text(10_000)));
    let has_logo = |page: usize| {
        laid_out.pages[page].marks.iter().any(|mark| matches!(mark, Mark::Logo { .. }))
    };
    assert!(has_logo(0));
    assert!(!has_logo(1));
    assert_eq!(page_texts(&laid_out, 1)[0], "QHealth Vårdcentral Malmö  ·  Journal entry");
}

#[test]
fn text_comes_back_as_it_was_written() {
    let laid_out = lay_out(&journal_entry("Åsa Öberg, Malmö\nΕλένη\r\nДмитрий".to_owned()));
    let texts = page_texts(&laid_out, 0);
    for expected in ["Åsa Öberg, Malmö", "Ελένη", "Дмитрий", "Journal entry"] {
        assert!(texts.iter().any(|text| text == expected), "{expected}: {texts:?}");
    }
}

#[test]
fn to_unicode_maps_the_glyph_of_a_ring_back_to_it() {
    let laid_out = lay_out(&journal_entry("Åsa".to_owned()));
    let font = EmbeddedFont::new(laid_out.glyphs);
    let glyph = face().glyph_index('Å').expect("a glyph for Å").0;
    let cid = font.cid(glyph);
    assert_ne!(cid, 0, "Å is in the subset");
    assert!(font.to_unicode_pairs().contains(&(cid, 'Å')));
    let cmap = String::from_utf8(font.to_unicode_cmap()).expect("an ASCII CMap");
    assert!(cmap.contains(&format!("<{cid:04X}> <00C5>")), "{cmap}");
}

#[test]
fn a_decomposed_ring_prints_as_the_composed_letter() {
    let laid_out = lay_out(&journal_entry("A\u{30A}sa".to_owned()));
    assert!(page_texts(&laid_out, 0).contains(&"Åsa".to_owned()));
}

#[test]
fn characters_the_font_lacks_print_as_notdef_and_copy_as_a_replacement() {
    let laid_out = lay_out(&journal_entry("pain 🩺 score".to_owned()));
    assert!(page_texts(&laid_out, 0).contains(&"pain \u{FFFD} score".to_owned()));
    let font = EmbeddedFont::new(laid_out.glyphs);
    assert!(font.to_unicode_pairs().contains(&(0, '\u{FFFD}')));
}

/// A document with `text` in every field: whole in the bodies and values, where long texts
/// belong, and its first 10,000 characters in the rest (which only cuts the test's time in an
/// unoptimised build; the furniture caps what it prints anyway).
fn everywhere(text: &str) -> Document {
    let long = text.to_owned();
    let short: String = text.chars().take(10_000).collect();
    Document {
        letterhead: Letterhead { clinic_name: short.clone(), address: short.clone() },
        title: short.clone(),
        subject: vec![(short.clone(), long.clone()), (String::new(), String::new())],
        sections: vec![
            Section { heading: short.clone(), body: Body::Paragraphs(long.clone()) },
            Section { heading: short.clone(), body: Body::Fields(vec![(short.clone(), long)]) },
            Section { heading: String::new(), body: Body::Fields(Vec::new()) },
            Section { heading: String::new(), body: Body::Paragraphs(String::new()) },
        ],
        footer: short,
    }
}

#[test]
fn nasty_inputs_do_not_panic() {
    let long_word = "x".repeat(5_000);
    let nasty = [
        String::new(),
        " ".to_owned(),
        "\n\n\n".to_owned(),
        "a\r\nb\rc\td\u{0}e\u{7}f\u{1b}[31m".to_owned(),
        "😀👨‍👩‍👧🏳️‍🌈 \u{FEFF}\u{200B}\u{202E}reversed".to_owned(),
        "日本語のテキスト، العربية עברית".to_owned(),
        "\u{10FFFF}\u{E000}\u{FFFF}\u{FFFD}".to_owned(),
        "A\u{30A}\u{301}\u{302}\u{303}\u{304}".to_owned(),
        long_word.clone(),
        "word ".repeat(20_000),
        long_text(100_000),
        "\t".repeat(10_000),
    ];
    for text in &nasty {
        assert!(
            is_pdf(&render(&everywhere(text))),
            "{:?}",
            text.chars().take(20).collect::<String>()
        );
    }
    assert!(is_pdf(&render(&Document::default())));
}

#[test]
fn a_heading_is_not_left_alone_at_the_bottom_of_a_page() {
    let line = |id: u16, keep_with_next: bool| {
        let runs = vec![Run { x: 0.0, style: layout::BODY, glyphs: vec![id] }];
        Flow::Line(Line { height: 10.0, baseline: 8.0, runs, keep_with_next })
    };
    // Room for exactly as many lines as there are before the body line after the heading.
    let top = 100.0;
    let fitting = ((FLOW_BOTTOM - top) / 10.0) as usize;
    let mut flow: Vec<Flow> = (0..fitting - 1).map(|_| line(1, false)).collect();
    flow.extend([line(2, true), line(3, false)]);
    let pages = paginate(&flow, top);
    assert_eq!(pages.len(), 2);
    let first_on_second = pages[1].marks.iter().find_map(|mark| match mark {
        Mark::Text(run) => Some(run.glyphs.clone()),
        _ => None,
    });
    assert_eq!(first_on_second, Some(vec![2]));
}

#[test]
fn line_breaks_tabs_and_control_characters_are_cleaned() {
    assert_eq!(lines("a\r\nb\rc\nd\u{2028}e"), ["a", "b", "c", "d", "e"]);
    assert_eq!(lines("\tx\u{0}y\u{AD}z\u{A0}w"), ["    xyz\u{A0}w"]);
    assert_eq!(lines(""), [""]);
}

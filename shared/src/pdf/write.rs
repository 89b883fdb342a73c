//! The PDF file: catalog, pages, their content streams, the font and the document's title.

use pdf_writer::types::TextRenderingMode;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::embed::{EmbeddedFont, FontRefs};
use super::layout::{LaidOut, Mark, PAGE_HEIGHT, PAGE_WIDTH, Page, Rgb, Style, TextRun};

/// The name pages give the one font in their resources.
const FONT_NAME: Name<'static> = Name(b"F1");

/// Fake bold's outline, as a share of the font size: thick enough to read as bold, thin
/// enough to keep counters open at heading sizes.
const BOLD_STROKE: f32 = 0.06;

/// Flate level 3: files 2% larger than at level 6 (zlib's default), made in two thirds of the
/// time; compressing the font program and the text is most of the rendering time.
const COMPRESSION_LEVEL: u8 = 3;

/// Hands out the numbers of the file's objects, each once.
#[derive(Debug)]
pub(super) struct Refs(i32);

impl Refs {
    fn new() -> Self {
        Self(1)
    }

    pub fn next(&mut self) -> Ref {
        let next = Ref::new(self.0);
        self.0 += 1;
        next
    }
}

pub(super) fn compress(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, COMPRESSION_LEVEL)
}

pub(super) fn write(laid_out: &LaidOut, title: &str) -> Vec<u8> {
    let font = EmbeddedFont::new(laid_out.glyphs.clone());
    let mut refs = Refs::new();
    let catalog = refs.next();
    let page_tree = refs.next();
    let info = refs.next();
    let font_refs = FontRefs::new(&mut refs);
    let pages: Vec<(Ref, Ref)> =
        laid_out.pages.iter().map(|_| (refs.next(), refs.next())).collect();

    let mut pdf = Pdf::new();
    let mut root = pdf.catalog(catalog);
    root.pages(page_tree);
    // Viewers show the title ("Sick-leave certificate") rather than a file name.
    root.viewer_preferences().display_doc_title(true);
    root.finish();
    let count = i32::try_from(pages.len()).unwrap_or(i32::MAX);
    pdf.pages(page_tree).kids(pages.iter().map(|&(page, _)| page)).count(count);
    for (page, &(page_ref, content_ref)) in laid_out.pages.iter().zip(&pages) {
        write_page(&mut pdf, page_tree, (page_ref, content_ref), font_refs.font);
        let content = compress(&page_content(page, &font));
        pdf.stream(content_ref, &content).filter(Filter::FlateDecode);
    }
    font.write(&mut pdf, &font_refs);
    pdf.document_info(info).title(TextStr(title)).producer(TextStr("QHealth"));
    pdf.finish()
}

fn write_page(pdf: &mut Pdf, page_tree: Ref, (page_ref, content_ref): (Ref, Ref), font: Ref) {
    let mut page = pdf.page(page_ref);
    page.parent(page_tree)
        .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
        .contents(content_ref);
    page.resources().fonts().pair(FONT_NAME, font);
    page.finish();
}

/// The page's drawing: the shapes first, then all its text in one text object.
pub(super) fn page_content(page: &Page, font: &EmbeddedFont) -> Vec<u8> {
    let mut content = Content::new();
    for mark in &page.marks {
        match *mark {
            Mark::Rule { x0, x1, y, width, color } => {
                draw_rule(&mut content, [x0, x1], y, width, color)
            }
            Mark::Logo { x, top, size, color } => draw_logo(&mut content, x, top, size, color),
            Mark::Text(_) => {}
        }
    }
    content.begin_text();
    let mut pen = Pen::default();
    for mark in &page.marks {
        if let Mark::Text(run) = mark {
            show(&mut content, &mut pen, run, font);
        }
    }
    content.end_text();
    content.finish().into_vec()
}

fn draw_rule(content: &mut Content, [x0, x1]: [f32; 2], y: f32, width: f32, color: Rgb) {
    let [r, g, b] = color;
    let y = PAGE_HEIGHT - y;
    content.set_stroke_rgb(r, g, b).set_line_width(width);
    content.move_to(x0, y).line_to(x1, y).stroke();
}

/// A rounded square in `color` with a white cross, its arms a fifth of the square wide.
fn draw_logo(content: &mut Content, x: f32, top: f32, size: f32, color: Rgb) {
    let [r, g, b] = color;
    let bottom = PAGE_HEIGHT - top - size;
    content.set_fill_rgb(r, g, b);
    rounded_square(content, x, bottom, size, size * 0.22);
    content.fill_nonzero();
    let (arm, length) = (size * 0.2, size * 0.6);
    content.set_fill_rgb(1.0, 1.0, 1.0);
    content.rect(x + (size - arm) / 2.0, bottom + (size - length) / 2.0, arm, length);
    content.rect(x + (size - length) / 2.0, bottom + (size - arm) / 2.0, length, arm);
    content.fill_nonzero();
}

/// A square path from its lower-left corner, its corners quarter circles of `radius`.
fn rounded_square(content: &mut Content, x: f32, y: f32, size: f32, radius: f32) {
    // The control-point distance that makes a cubic Bézier closest to a quarter circle.
    let k = radius * 0.552_284_8;
    let (right, top) = (x + size, y + size);
    content.move_to(x + radius, y).line_to(right - radius, y);
    content.cubic_to(right - radius + k, y, right, y + radius - k, right, y + radius);
    content.line_to(right, top - radius);
    content.cubic_to(right, top - radius + k, right - radius + k, top, right - radius, top);
    content.line_to(x + radius, top);
    content.cubic_to(x + radius - k, top, x, top - radius + k, x, top - radius);
    content.line_to(x, y + radius);
    content.cubic_to(x, y + radius - k, x + radius - k, y, x + radius, y);
    content.close_path();
}

/// The text state last set, so that runs in the same style set nothing again.
#[derive(Debug, Default)]
struct Pen {
    style: Option<Style>,
}

fn show(content: &mut Content, pen: &mut Pen, run: &TextRun, font: &EmbeddedFont) {
    if run.glyphs.is_empty() {
        return;
    }
    if pen.style != Some(run.style) {
        set_style(content, pen.style, run.style);
        pen.style = Some(run.style);
    }
    content.set_text_matrix([1.0, 0.0, 0.0, 1.0, run.x, PAGE_HEIGHT - run.baseline]);
    let encoded: Vec<u8> =
        run.glyphs.iter().flat_map(|&glyph| font.cid(glyph).to_be_bytes()).collect();
    content.show(Str(&encoded));
}

fn set_style(content: &mut Content, previous: Option<Style>, style: Style) {
    if previous.map(|previous| previous.size) != Some(style.size) {
        content.set_font(FONT_NAME, style.size);
    }
    let [r, g, b] = style.color;
    content.set_fill_rgb(r, g, b);
    if style.bold {
        content.set_stroke_rgb(r, g, b).set_line_width(style.size * BOLD_STROKE);
        content.set_text_rendering_mode(TextRenderingMode::FillStroke);
    } else if previous.is_some_and(|previous| previous.bold) {
        content.set_text_rendering_mode(TextRenderingMode::Fill);
    }
}

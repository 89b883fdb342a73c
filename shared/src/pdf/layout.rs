//! Where everything goes: the page furniture (letterhead, running header, footer), and the
//! document's text as a flow of lines that [`paginate`] puts onto A4 pages.
//!
//! Lengths are in PDF points (1/72 inch) and measured from the page's top-left corner, down;
//! [`super::write`] turns them the PDF's way up.

use std::collections::BTreeMap;

use super::font::{self, Glyph, Shaper, advance_of};
use super::text::{lines, one_line};
use super::wrap::wrap;
use super::{Body, Document, Section};

pub(super) const PAGE_WIDTH: f32 = 595.28;
pub(super) const PAGE_HEIGHT: f32 = 841.89;
/// 20 mm on every side.
const MARGIN: f32 = 56.69;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

/// A colour as red, green and blue from 0 to 1.
pub(super) type Rgb = [f32; 3];

const INK: Rgb = [0.11, 0.12, 0.14];
const MUTED: Rgb = [0.38, 0.41, 0.45];
const BRAND: Rgb = [0.05, 0.45, 0.50];
const HEADING_INK: Rgb = [0.03, 0.33, 0.37];
const HAIRLINE: Rgb = [0.78, 0.80, 0.83];

/// How a run of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Style {
    /// The font size, in points.
    pub size: f32,
    /// Drawn as the regular outlines filled and stroked with a thin line of the same colour:
    /// close enough to a bold face for headings, without a second font in the binary.
    pub bold: bool,
    pub color: Rgb,
}

const CLINIC_NAME: Style = Style { size: 17.0, bold: true, color: INK };
const ADDRESS: Style = Style { size: 9.0, bold: false, color: MUTED };
const TITLE: Style = Style { size: 18.0, bold: true, color: INK };
const HEADING: Style = Style { size: 12.0, bold: true, color: HEADING_INK };
pub(super) const BODY: Style = Style { size: 10.5, bold: false, color: INK };
const LABEL: Style = Style { size: 10.5, bold: false, color: MUTED };
const SMALL: Style = Style { size: 8.0, bold: false, color: MUTED };

/// Line height as a multiple of the font size: airy for reading, tighter for display lines.
const BODY_LEADING: f32 = 1.45;
const DISPLAY_LEADING: f32 = 1.25;

const LOGO_SIZE: f32 = 40.0;
/// Most lines the letterhead gives the clinic's name and its address: it must leave the page
/// for the document, whatever the letterhead says.
const CLINIC_NAME_LINES: usize = 2;
const ADDRESS_LINES: usize = 3;
/// Widest share of the page a column of labels may take; longer labels wrap.
const LABEL_COLUMN_SHARE: f32 = 0.35;
const LABEL_GAP: f32 = 12.0;
/// Where the flow ends: above the footer's rule.
pub(super) const FLOW_BOTTOM: f32 = PAGE_HEIGHT - MARGIN - 24.0;

/// A run of glyphs set on one baseline.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TextRun {
    pub x: f32,
    pub baseline: f32,
    pub style: Style,
    /// Glyph ids in the whole font.
    pub glyphs: Vec<u16>,
}

/// Something drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Mark {
    Text(TextRun),
    /// A horizontal line.
    Rule {
        x0: f32,
        x1: f32,
        y: f32,
        width: f32,
        color: Rgb,
    },
    /// The clinic's mark: a rounded square with a white medical cross; `top` is its upper edge.
    Logo {
        x: f32,
        top: f32,
        size: f32,
        color: Rgb,
    },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Page {
    pub marks: Vec<Mark>,
}

/// A document laid out: its pages, and the glyphs they use with the character each stands for.
#[derive(Debug)]
pub(super) struct LaidOut {
    pub pages: Vec<Page>,
    pub glyphs: BTreeMap<u16, char>,
}

pub(super) fn lay_out(document: &Document) -> LaidOut {
    let mut shaper = Shaper::default();
    let (letterhead, flow_top) = letterhead(&mut shaper, document);
    let flow = document_flow(&mut shaper, document);
    let mut pages = paginate(&flow, flow_top);
    // The same on every page, so typeset once: a long footer costs its length, not that times
    // the pages.
    let header = running_header(&mut shaper, document);
    let footer = Footer::new(&mut shaper, &document.footer, pages.len());
    for (index, page) in pages.iter_mut().enumerate() {
        let head = if index == 0 { &letterhead } else { &header };
        page.marks.splice(0..0, head.iter().cloned());
        page.marks.extend(footer.marks(&mut shaper, index + 1));
    }
    LaidOut { pages, glyphs: shaper.into_used() }
}

/// "Page 3 of 5".
pub(super) fn page_label(number: usize, count: usize) -> String {
    format!("Page {number} of {count}")
}

// Page furniture.

/// The first page's head: the logo, the clinic's name large and its address under it, a rule;
/// and where the document's text begins below it.
fn letterhead(shaper: &mut Shaper, document: &Document) -> (Vec<Mark>, f32) {
    let x = MARGIN + LOGO_SIZE + 14.0;
    let width = CONTENT_WIDTH - LOGO_SIZE - 14.0;
    let name = shaper.shape(&one_line(&document.letterhead.clinic_name));
    let name = wrap_glyphs(&name, CLINIC_NAME, width);
    let name = cap_lines(shaper, name, CLINIC_NAME, width, CLINIC_NAME_LINES);
    let mut address = Vec::new();
    for line in lines(&document.letterhead.address).iter().filter(|line| !line.trim().is_empty()) {
        address.extend(wrap_glyphs(&shaper.shape(line), ADDRESS, width));
    }
    let address = cap_lines(shaper, address, ADDRESS, width, ADDRESS_LINES);
    let name_leading = CLINIC_NAME.size * DISPLAY_LEADING;
    let address_leading = ADDRESS.size * BODY_LEADING;
    let text_height = name.len() as f32 * name_leading + address.len() as f32 * address_leading;
    // Short letterheads sit level with the middle of the logo.
    let mut top = MARGIN + ((LOGO_SIZE - text_height) / 2.0).max(0.0);
    let mut marks = vec![Mark::Logo { x: MARGIN, top: MARGIN, size: LOGO_SIZE, color: BRAND }];
    for glyphs in name {
        marks.push(text(x, top + baseline_offset(CLINIC_NAME, name_leading), CLINIC_NAME, glyphs));
        top += name_leading;
    }
    for glyphs in address {
        marks.push(text(x, top + baseline_offset(ADDRESS, address_leading), ADDRESS, glyphs));
        top += address_leading;
    }
    let rule_y = top.max(MARGIN + LOGO_SIZE) + 12.0;
    marks.push(full_width_rule(rule_y, 0.8, BRAND));
    (marks, rule_y + 22.0)
}

/// The head of the pages after the first: the clinic and the title, small, over a rule.
fn running_header(shaper: &mut Shaper, document: &Document) -> Vec<Mark> {
    let label =
        format!("{}  ·  {}", one_line(&document.letterhead.clinic_name), one_line(&document.title));
    let glyphs = shaper.shape(label.trim_matches([' ', '·']));
    let glyphs = truncate(shaper, &glyphs, SMALL, CONTENT_WIDTH);
    vec![text(MARGIN, MARGIN - 4.0, SMALL, glyphs), full_width_rule(MARGIN + 4.0, 0.5, HAIRLINE)]
}

/// Every page's foot: a rule, the document's footer on the left and "Page n of m" on the right.
struct Footer {
    /// The document's footer, cut to leave room for the widest page label.
    note: Vec<u16>,
    count: usize,
}

impl Footer {
    fn new(shaper: &mut Shaper, footer: &str, count: usize) -> Self {
        // Every page's label is as wide as the last's or narrower: DejaVu's digits are all
        // equally wide, and no page number has more of them than the count.
        let widest_label = width_of(&shaper.shape(&page_label(count, count)), SMALL);
        let note = shaper.shape(&one_line(footer));
        let note = truncate(shaper, &note, SMALL, CONTENT_WIDTH - widest_label - 18.0);
        Self { note, count }
    }

    fn marks(&self, shaper: &mut Shaper, number: usize) -> Vec<Mark> {
        let baseline = PAGE_HEIGHT - MARGIN;
        let label = shaper.shape(&page_label(number, self.count));
        let label_x = MARGIN + CONTENT_WIDTH - width_of(&label, SMALL);
        vec![
            full_width_rule(baseline - 12.0, 0.5, HAIRLINE),
            text(MARGIN, baseline, SMALL, self.note.clone()),
            text(label_x, baseline, SMALL, ids(&label)),
        ]
    }
}

fn full_width_rule(y: f32, width: f32, color: Rgb) -> Mark {
    Mark::Rule { x0: MARGIN, x1: MARGIN + CONTENT_WIDTH, y, width, color }
}

fn text(x: f32, baseline: f32, style: Style, glyphs: Vec<u16>) -> Mark {
    Mark::Text(TextRun { x, baseline, style, glyphs })
}

// The flow.

/// One step down the page.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Flow {
    Line(Line),
    /// Space between blocks; none at the top of a page.
    Gap(f32),
    /// A hairline across the page, taking [`RULE_HEIGHT`].
    Rule,
}

const RULE_HEIGHT: f32 = 1.0;

/// A line of the flow: never split across pages.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Line {
    pub height: f32,
    /// From the line's top to the baseline its runs share.
    pub baseline: f32,
    pub runs: Vec<Run>,
    /// A heading's: the page breaks before it rather than leave it last on a page.
    pub keep_with_next: bool,
}

/// Text on a line, `x` from the left margin.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Run {
    pub x: f32,
    pub style: Style,
    pub glyphs: Vec<u16>,
}

fn document_flow(shaper: &mut Shaper, document: &Document) -> Vec<Flow> {
    let mut flow = Vec::new();
    let title = shaper.shape(&one_line(&document.title));
    flow.extend(display_lines(&title, TITLE, false));
    if !document.subject.is_empty() {
        flow.push(Flow::Gap(6.0));
        flow.extend(fields(shaper, &document.subject));
        flow.extend([Flow::Gap(8.0), Flow::Rule]);
    }
    for section in &document.sections {
        flow.push(Flow::Gap(16.0));
        flow.extend(section_flow(shaper, section));
    }
    flow
}

fn section_flow(shaper: &mut Shaper, section: &Section) -> Vec<Flow> {
    let heading = shaper.shape(&one_line(&section.heading));
    let mut flow = display_lines(&heading, HEADING, true);
    if !flow.is_empty() {
        flow.push(Flow::Gap(4.0));
    }
    match &section.body {
        Body::Paragraphs(body) => flow.extend(paragraphs(shaper, body)),
        Body::Fields(rows) => flow.extend(fields(shaper, rows)),
    }
    flow
}

/// A title or heading: no lines at all when it is empty.
fn display_lines(glyphs: &[Glyph], style: Style, keep: bool) -> Vec<Flow> {
    if glyphs.iter().all(|glyph| glyph.is_space) {
        return Vec::new();
    }
    wrap_to(glyphs, style, CONTENT_WIDTH)
        .into_iter()
        .map(|glyphs| single_run_line(glyphs, style, DISPLAY_LEADING, keep))
        .collect()
}

/// Running text: every line break kept, blank lines too, but none before or after the text.
fn paragraphs(shaper: &mut Shaper, body: &str) -> Vec<Flow> {
    let source = lines(body);
    let Some(first) = source.iter().position(|line| !line.trim().is_empty()) else {
        return Vec::new();
    };
    let last = source.iter().rposition(|line| !line.trim().is_empty()).unwrap_or(first);
    let mut flow = Vec::new();
    for line in &source[first..=last] {
        let glyphs = shaper.shape(line.trim_end());
        for glyphs in wrap_to(&glyphs, BODY, CONTENT_WIDTH) {
            flow.push(single_run_line(glyphs, BODY, BODY_LEADING, false));
        }
    }
    flow
}

/// Label and value rows: the labels in a column as wide as the widest (up to
/// [`LABEL_COLUMN_SHARE`] of the page), each value wrapped beside its label.
fn fields(shaper: &mut Shaper, rows: &[(String, String)]) -> Vec<Flow> {
    let labels: Vec<Vec<Glyph>> =
        rows.iter().map(|(label, _)| shaper.shape(&one_line(label))).collect();
    let widest = labels.iter().map(|label| width_of(label, LABEL)).fold(0.0, f32::max);
    let label_column = (widest + LABEL_GAP).min(CONTENT_WIDTH * LABEL_COLUMN_SHARE);
    let mut flow = Vec::new();
    for (label, (_, value)) in labels.iter().zip(rows) {
        if !flow.is_empty() {
            flow.push(Flow::Gap(3.0));
        }
        let label_lines = wrap_to(label, LABEL, label_column - LABEL_GAP);
        let value_lines: Vec<Vec<u16>> = lines(value)
            .iter()
            .flat_map(|line| {
                let glyphs = shaper.shape(line.trim_end());
                wrap_to(&glyphs, BODY, CONTENT_WIDTH - label_column)
            })
            .collect();
        flow.extend(row_lines(label_lines, value_lines, label_column));
    }
    flow
}

/// The lines of one row: the label's and the value's side by side, as many as the longer has.
fn row_lines(labels: Vec<Vec<u16>>, values: Vec<Vec<u16>>, value_x: f32) -> Vec<Flow> {
    let count = labels.len().max(values.len());
    let mut labels = labels.into_iter();
    let mut values = values.into_iter();
    (0..count)
        .map(|_| {
            let mut runs = Vec::with_capacity(2);
            if let Some(glyphs) = labels.next() {
                runs.push(Run { x: 0.0, style: LABEL, glyphs });
            }
            if let Some(glyphs) = values.next() {
                runs.push(Run { x: value_x, style: BODY, glyphs });
            }
            line(runs, BODY, BODY_LEADING, false)
        })
        .collect()
}

fn single_run_line(glyphs: Vec<u16>, style: Style, leading: f32, keep: bool) -> Flow {
    line(vec![Run { x: 0.0, style, glyphs }], style, leading, keep)
}

fn line(runs: Vec<Run>, style: Style, leading: f32, keep_with_next: bool) -> Flow {
    let height = style.size * leading;
    Flow::Line(Line { height, baseline: baseline_offset(style, height), runs, keep_with_next })
}

/// From the top of a line `height` tall to the baseline that centres the font's ascent and
/// descent in it.
fn baseline_offset(style: Style, height: f32) -> f32 {
    let face = font::face();
    let units = font::units_per_em();
    let ascent = f32::from(face.ascender()) / units * style.size;
    let descent = -f32::from(face.descender()) / units * style.size;
    (height - ascent - descent) / 2.0 + ascent
}

// Pagination.

/// The flow set onto pages, the first starting at `first_top` (below the letterhead), the
/// others below the running header.
pub(super) fn paginate(flow: &[Flow], first_top: f32) -> Vec<Page> {
    let mut pages = Paginator { pages: vec![Page::default()], y: first_top, page_is_empty: true };
    for (index, item) in flow.iter().enumerate() {
        match item {
            Flow::Gap(gap) => pages.skip(*gap),
            Flow::Rule => pages.rule(),
            Flow::Line(line) => pages.place(line, needed_below(flow, index)),
        }
    }
    pages.pages
}

const LATER_PAGES_TOP: f32 = MARGIN + 22.0;

/// The room a line needs on its page: its own height, or for a heading, that of the heading's
/// lines and the first line after them.
fn needed_below(flow: &[Flow], index: usize) -> f32 {
    let mut needed = 0.0;
    for item in &flow[index..] {
        needed += match item {
            Flow::Gap(gap) => *gap,
            Flow::Rule => RULE_HEIGHT,
            Flow::Line(line) => line.height,
        };
        let keeps_going = matches!(item, Flow::Line(line) if line.keep_with_next)
            || matches!(item, Flow::Gap(_) | Flow::Rule);
        // Beyond a page's height no break can keep the lines together anyway.
        if !keeps_going || needed > FLOW_BOTTOM - LATER_PAGES_TOP {
            break;
        }
    }
    needed
}

struct Paginator {
    pages: Vec<Page>,
    /// Where the next line's top goes.
    y: f32,
    /// Whether the current page has no flow on it yet.
    page_is_empty: bool,
}

impl Paginator {
    fn skip(&mut self, gap: f32) {
        if !self.page_is_empty {
            self.y += gap;
        }
    }

    /// A rule between blocks; none at the top or the foot of a page, where the page break
    /// already parts them.
    fn rule(&mut self) {
        if !self.page_is_empty && self.y + RULE_HEIGHT <= FLOW_BOTTOM {
            let rule = full_width_rule(self.y + RULE_HEIGHT / 2.0, 0.5, HAIRLINE);
            self.current().marks.push(rule);
            self.y += RULE_HEIGHT;
        }
    }

    fn place(&mut self, line: &Line, needed: f32) {
        let fits = self.y + line.height <= FLOW_BOTTOM;
        let keeps_together =
            self.y + needed <= FLOW_BOTTOM || needed > FLOW_BOTTOM - LATER_PAGES_TOP;
        // An empty page takes any line: one taller than a page would otherwise never be placed.
        let stays = self.page_is_empty || (fits && keeps_together);
        if !stays {
            self.pages.push(Page::default());
            self.y = LATER_PAGES_TOP;
        }
        let baseline = self.y + line.baseline;
        for run in &line.runs {
            let run = TextRun {
                x: MARGIN + run.x,
                baseline,
                style: run.style,
                glyphs: run.glyphs.clone(),
            };
            self.current().marks.push(Mark::Text(run));
        }
        self.y += line.height;
        self.page_is_empty = false;
    }

    fn current(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }
}

// Measuring and wrapping.

fn width_of(glyphs: &[Glyph], style: Style) -> f32 {
    advance_of(glyphs) as f32 * style.size / font::units_per_em()
}

/// A width in points as font units at `style`'s size: what [`wrap`] measures in.
fn to_units(width: f32, style: Style) -> u64 {
    // Saturating: a negative width is no room at all.
    (width.max(0.0) * font::units_per_em() / style.size) as u64
}

/// The lines of `glyphs` in `style` that fit `width` points, as glyph ids.
fn wrap_to(glyphs: &[Glyph], style: Style, width: f32) -> Vec<Vec<u16>> {
    wrap(glyphs, to_units(width, style)).into_iter().map(|range| ids(&glyphs[range])).collect()
}

/// As [`wrap_to`], but the lines keep their glyphs' advances, for [`cap_lines`] to cut.
fn wrap_glyphs(glyphs: &[Glyph], style: Style, width: f32) -> Vec<Vec<Glyph>> {
    wrap(glyphs, to_units(width, style)).into_iter().map(|range| glyphs[range].to_vec()).collect()
}

/// The first `max_lines` of `lines`, the last ending in "…" if there were more.
fn cap_lines(
    shaper: &mut Shaper,
    mut lines: Vec<Vec<Glyph>>,
    style: Style,
    width: f32,
    max_lines: usize,
) -> Vec<Vec<u16>> {
    let cut = lines.len() > max_lines;
    lines.truncate(max_lines);
    let last = lines.len().saturating_sub(1);
    lines
        .iter()
        .enumerate()
        .map(
            |(index, line)| {
                if cut && index == last { ellipsize(shaper, line, style, width) } else { ids(line) }
            },
        )
        .collect()
}

/// `glyphs` on one line `width` wide, cut short with "…" if they do not fit.
fn truncate(shaper: &mut Shaper, glyphs: &[Glyph], style: Style, width: f32) -> Vec<u16> {
    if advance_of(glyphs) <= to_units(width, style) {
        ids(glyphs)
    } else {
        ellipsize(shaper, glyphs, style, width)
    }
}

/// As many of `glyphs` as fit in `width` with a "…" after them, and the "…".
fn ellipsize(shaper: &mut Shaper, glyphs: &[Glyph], style: Style, width: f32) -> Vec<u16> {
    let ellipsis = shaper.glyph('…');
    let mut room = to_units(width, style).saturating_sub(u64::from(ellipsis.advance));
    let mut kept: Vec<Glyph> = glyphs
        .iter()
        .take_while(|glyph| match room.checked_sub(u64::from(glyph.advance)) {
            Some(left) => {
                room = left;
                true
            }
            None => false,
        })
        .copied()
        .collect();
    while kept.last().is_some_and(|glyph| glyph.is_space) {
        kept.pop();
    }
    kept.push(ellipsis);
    ids(&kept)
}

fn ids(glyphs: &[Glyph]) -> Vec<u16> {
    glyphs.iter().map(|glyph| glyph.id).collect()
}

//! How long rendering a journal entry's PDF takes here, and how large the file is:
//! `cargo run --profile perf -p qhealth --example pdf_render [N]` renders a typical entry (about
//! two pages) and one at the 20,000-character limit N times each (200 by default).

use std::hint::black_box;
use std::time::{Duration, Instant};

use qhealth::pdf::{Body, Document, Letterhead, Section, render};

const DEFAULT_RUNS: usize = 200;

/// A clinical note's kind of prose: Swedish, with its å, ä and ö.
const NOTE: &str = "Patienten söker för hosta sedan tre veckor, ingen feber, ingen dyspné. \
    Status: allmäntillstånd gott. Lungor: vesikulärt andningsljud bilateralt, inga rassel. \
    Hjärta: regelbunden rytm, inga blåsljud. Bedömning: sannolikt postinfektiös hosta. \
    Planering: expektans, återbesök vid försämring eller kvarstående besvär om tre veckor.\n";

fn main() {
    let runs = std::env::args().nth(1).and_then(|arg| arg.parse().ok()).unwrap_or(DEFAULT_RUNS);
    for (name, description_chars) in [("typical entry", 4_500), ("20,000 characters", 20_000)] {
        let document = journal_entry(description_chars);
        let (timings, size) = measure(&document, runs.max(1));
        println!(
            "{name:>18}: p50 {:.2} ms, p95 {:.2} ms, {size} bytes ({runs} runs)",
            millis(percentile(&timings, 50)),
            millis(percentile(&timings, 95)),
        );
    }
}

fn measure(document: &Document, runs: usize) -> (Vec<Duration>, usize) {
    let mut size = 0;
    let mut timings: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let pdf = black_box(render(black_box(document)));
            let elapsed = start.elapsed();
            size = pdf.len();
            elapsed
        })
        .collect();
    timings.sort_unstable();
    (timings, size)
}

/// The nearest-rank percentile of sorted `timings`.
fn percentile(timings: &[Duration], percent: usize) -> Duration {
    let rank = (timings.len() * percent).div_ceil(100).max(1);
    timings[rank.min(timings.len()) - 1]
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn journal_entry(description_chars: usize) -> Document {
    let pair = |label: &str, value: &str| (label.to_owned(), value.to_owned());
    Document {
        letterhead: Letterhead {
            clinic_name: "QHealth Vårdcentral Malmö".to_owned(),
            address: "Södra Förstadsgatan 12, 211 43 Malmö · 040-123 45 67".to_owned(),
        },
        title: "Journal entry".to_owned(),
        subject: vec![
            pair("Patient", "Åsa Öberg"),
            pair("Date of birth", "1985-09-22"),
            pair("E-mail", "asa.oberg@example.se"),
        ],
        sections: vec![
            Section {
                heading: "Visit".to_owned(),
                body: Body::Fields(vec![
                    pair("Date", "2026-12-06 09:30"),
                    pair("Doctor", "Ελένη Παπαδοπούλου"),
                    pair("Diagnosis", "J20.9 Akut bronkit, ospecificerad"),
                ]),
            },
            Section {
                heading: "Description".to_owned(),
                body: Body::Paragraphs(NOTE.chars().cycle().take(description_chars).collect()),
            },
            Section {
                heading: "Planning".to_owned(),
                body: Body::Paragraphs(
                    "Återbesök om tre veckor vid kvarstående besvär.".to_owned(),
                ),
            },
        ],
        footer: "Printed 2026-12-06 10:00 (Europe/Stockholm)".to_owned(),
    }
}

//! Printable records (API.md, "PDFs"): a record as a PDF on the clinic's letterhead, about one
//! patient, answered as a download. Each domain says what its record's sections are; the page
//! itself — letterhead, identity block, page numbers — is the same for all ([`crate::pdf`]).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::pdf::{self, Body, Document, Letterhead, Section};
use crate::state::AppState;
use crate::users::UserRow;

/// A PDF to be downloaded as `filename`.
#[derive(Debug)]
pub struct PdfFile {
    pub filename: String,
    pub bytes: Vec<u8>,
}

impl IntoResponse for PdfFile {
    fn into_response(self) -> Response {
        // The filename is ours (`journal-entry-12.pdf`), never user text, so it needs no quoting
        // beyond the quotes. (Every answer is `Cache-Control: no-store`: see `crate::http`.)
        let disposition = format!("attachment; filename=\"{}\"", self.filename);
        let content_type = [(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"))];
        let mut response = (StatusCode::OK, content_type, self.bytes).into_response();
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
        }
        response
    }
}

/// A record being put on paper: the letterhead and the patient's identity, then its sections.
pub struct Printout {
    document: Document,
}

impl Printout {
    /// `title` heads the first page ("Journal entry"); `patient` is who the record is about.
    pub fn new(state: &AppState, title: &str, patient: &UserRow) -> Self {
        let config = &state.config;
        let printed = state.now().with_timezone(&config.clinic_tz);
        let mut subject = vec![("Patient".to_owned(), full_name(patient))];
        if let Some(born) = patient.date_of_birth {
            subject.push(("Date of birth".to_owned(), born.to_string()));
        }
        subject.push(("E-mail".to_owned(), patient.email.clone()));
        subject.push(("Patient id".to_owned(), patient.id.to_string()));
        Self {
            document: Document {
                letterhead: Letterhead {
                    clinic_name: config.clinic_name.clone(),
                    address: config.clinic_address.clone(),
                },
                title: title.to_owned(),
                subject,
                sections: Vec::new(),
                footer: format!(
                    "Printed {} ({})",
                    printed.format("%Y-%m-%d %H:%M"),
                    config.clinic_tz.name()
                ),
            },
        }
    }

    /// A section of label–value rows.
    pub fn fields<L: Into<String>, V: Into<String>>(
        mut self,
        heading: &str,
        rows: impl IntoIterator<Item = (L, V)>,
    ) -> Self {
        let rows = rows.into_iter().map(|(label, value)| (label.into(), value.into())).collect();
        self.document
            .sections
            .push(Section { heading: heading.to_owned(), body: Body::Fields(rows) });
        self
    }

    /// A section of free text, its line breaks kept.
    pub fn text(mut self, heading: &str, text: &str) -> Self {
        let body = Body::Paragraphs(text.to_owned());
        self.document.sections.push(Section { heading: heading.to_owned(), body });
        self
    }

    /// Lays the pages out: the file to answer with.
    pub fn finish(self, filename: String) -> PdfFile {
        PdfFile { filename, bytes: pdf::render(&self.document) }
    }
}

/// "Åsa Öberg".
pub fn full_name(user: &UserRow) -> String {
    format!("{} {}", user.name, user.surname).trim().to_owned()
}

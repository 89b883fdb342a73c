//! `GET /booking_doctor/{id}/pdf`: a visit summary to print or hand the patient — the visit,
//! and what its doctor wrote in the patient's journal that clinic day.

use axum::extract::State;
use chrono::{DateTime, Utc};
use qhealth::AppState;
use qhealth::access::Action;
use qhealth::audit::{AuditAction, AuditRecord, Event, Reader};
use qhealth::auth::Caller;
use qhealth::clock::{clinic_day_start, clinic_time_text};
use qhealth::error::{ApiError, ApiResult};
use qhealth::http::{ClientIp, PathId};
use qhealth::openapi::Forbidden;
use qhealth::printout::{PdfFile, Printout};

use crate::visit::{self, VisitRow};

/// A journal entry of the visit's day, as the summary prints it.
struct DayEntry {
    id: u64,
    diagnosis: String,
    planning: String,
}

/// A doctor visit's summary as a PDF.
///
/// The patient, the doctor, the time, the length and the status, then the journal entries the
/// visit's doctor wrote for the patient on the visit's clinic day (their diagnosis and plan).
/// Recorded in the audit trail unless the patient downloads their own.
///
/// **Who:** as reading the visit.
#[utoipa::path(get, path = "/booking_doctor/{id}/pdf", tag = "booking_doctor",
    params(("id" = u64, Path, minimum = 1, description = "The visit's id")),
    security(("bearer" = [])), responses(
        (status = 200, description = "The visit summary as a PDF.",
         content_type = "application/pdf", body = String),
        (status = 403, response = Forbidden)))]
pub(crate) async fn visit_pdf(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<PdfFile> {
    caller.authorize_any(Action::ReadDoctorVisit)?;
    let visit = visit::find(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    let patient_id = visit.patient_id();
    caller.authorize(Action::ReadDoctorVisit, Some(patient_id))?;
    let entries = entries_of_the_day(&state, &visit).await?;
    let event = Event::one(AuditAction::Pdf, AuditRecord::DoctorVisit, id, patient_id);
    Reader::new(&state, &caller, ip).record(&state.db, event).await?;
    Ok(summary(&state, visit, entries).finish(format!("visit-{id}.pdf")))
}

/// The entries the visit's doctor wrote in its patient's journal on the visit's clinic day.
async fn entries_of_the_day(state: &AppState, visit: &VisitRow) -> ApiResult<Vec<DayEntry>> {
    let tz = state.config.clinic_tz;
    let day = visit.date_time.with_timezone(&tz).date_naive();
    let next = day.succ_opt().unwrap_or(day);
    let (from, to) = (clinic_day_start(day, tz).and_utc(), clinic_day_start(next, tz).and_utc());
    Ok(sqlx::query_as!(
        DayEntry,
        "SELECT id, diagnosis, planning FROM patient_cards
         WHERE user_id = ? AND created_by_id = ? AND created_at >= ? AND created_at < ?
         ORDER BY id",
        visit.patient_id(),
        visit.doctor_id,
        from,
        to
    )
    .fetch_all(&state.db)
    .await?)
}

fn summary(state: &AppState, visit: VisitRow, entries: Vec<DayEntry>) -> Printout {
    let tz = state.config.clinic_tz;
    let doctor = match &visit.doctor_specialty {
        Some(specialty) => format!("{} ({specialty})", visit.doctor_full_name()),
        None => visit.doctor_full_name(),
    };
    let status = if visit.is_cancelled() { "Cancelled" } else { "Booked" };
    let ends: DateTime<Utc> =
        visit.date_time + chrono::Duration::minutes(i64::from(visit.duration_minutes));
    let mut printout = Printout::new(state, "Visit summary", &visit.patient).fields(
        "Visit",
        [
            ("Number", visit.id.to_string()),
            ("Doctor", doctor),
            ("Time", clinic_time_text(visit.date_time, tz)),
            ("Until", ends.with_timezone(&tz).format("%H:%M").to_string()),
            ("Length", format!("{} minutes", visit.duration_minutes)),
            ("Status", status.to_owned()),
        ],
    );
    if entries.is_empty() {
        return printout.text("Journal", "No journal entry was written at this visit.");
    }
    for entry in entries {
        let heading = format!("Journal entry No. {}: {}", entry.id, entry.diagnosis);
        printout = printout.text(&heading, &entry.planning);
    }
    printout
}

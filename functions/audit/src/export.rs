//! `GET /export/{id}` and `/export/{id}/pdf`: everything QHealth holds on one patient (GDPR
//! art. 15 and 20), as one JSON document or as a printable summary.
//!
//! The export is read in one transaction, and its own audit event is written in it: the
//! document is one consistent moment of the record, and shows its own export among the events.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use qhealth::AppState;
use qhealth::access::Action;
use qhealth::audit::{AuditAction, AuditRecord, Event as AuditEvent, Reader};
use qhealth::auth::Caller;
use qhealth::error::{ApiError, ApiResult};
use qhealth::http::{ClientIp, PathId};
use qhealth::openapi::Forbidden;
use qhealth::printout::{PdfFile, Printout};
use qhealth::users::{self, User, UserRow, Viewer};
use serde::Serialize;
use sqlx::MySqlConnection;
use utoipa::ToSchema;

use crate::events::{Event, EventRow, event_columns};

/// Everything QHealth holds on one patient.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PatientExport)]
pub(crate) struct Export {
    /// When the export was made, in UTC.
    generated_at: DateTime<Utc>,
    /// The patient's account and profile.
    patient: User,
    diagnostic_bookings: Vec<ExportedBooking>,
    doctor_visits: Vec<ExportedVisit>,
    journal_entries: Vec<ExportedEntry>,
    prescriptions: Vec<ExportedPrescription>,
    sick_leaves: Vec<ExportedSickLeave>,
    /// The sign-ins with the patient's e-mail address, successful or not.
    login_history: Vec<ExportedLogin>,
    /// Who read or changed the patient's records, as the patient sees it.
    audit_events: Vec<Event>,
}

/// Someone the record names besides the patient.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ExportedPerson)]
struct Person {
    id: u64,
    /// `null` once their account is deleted.
    #[schema(required = true)]
    name: Option<String>,
    #[schema(required = true)]
    surname: Option<String>,
}

/// A diagnostic booking, without the patient.
#[derive(Debug, Serialize, ToSchema)]
struct ExportedBooking {
    id: u64,
    diagnostic_service: ExportedModality,
    /// Who booked it: the patient or a member of staff; `null` once their account is deleted.
    #[schema(required = true)]
    booked_by: Option<Person>,
    #[schema(required = true)]
    date_time: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
struct ExportedModality {
    id: u64,
    modality: String,
}

/// A doctor visit, without the patient.
#[derive(Debug, Serialize, ToSchema)]
struct ExportedVisit {
    id: u64,
    doctor: ExportedDoctor,
    status: String,
    is_active: bool,
    date_time: DateTime<Utc>,
    duration_minutes: u16,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
struct ExportedDoctor {
    /// `null` once their account is deleted (a certificate's signer).
    #[schema(required = true)]
    id: Option<u64>,
    #[schema(required = true)]
    specialty: Option<String>,
    #[schema(required = true)]
    name: Option<String>,
    #[schema(required = true)]
    surname: Option<String>,
}

/// A journal entry, without the patient.
#[derive(Debug, Serialize, ToSchema)]
struct ExportedEntry {
    id: u64,
    diagnosis: String,
    description: String,
    planning: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A prescription, without the patient.
#[derive(Debug, Serialize, ToSchema)]
struct ExportedPrescription {
    id: u64,
    recipe: String,
    description: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A sick-leave certificate, without the patient.
#[derive(Debug, Serialize, ToSchema)]
struct ExportedSickLeave {
    id: u64,
    date_from: NaiveDate,
    date_to: NaiveDate,
    diagnosis: String,
    notes: String,
    doctor: ExportedDoctor,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A sign-in with the patient's e-mail address.
#[derive(Debug, Serialize, ToSchema)]
struct ExportedLogin {
    id: u64,
    email: String,
    ip_address: String,
    timestamp: DateTime<Utc>,
    success: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// Exports everything QHealth holds on a patient, as JSON.
///
/// The profile, diagnostic bookings, doctor visits, journal entries, prescriptions, sick-leave
/// certificates, sign-ins and the audit events about them. 404 for a user who is not a
/// patient. Recorded in the audit trail, the patient's own exports included.
///
/// **Who:** staff; a patient only their own.
#[utoipa::path(get, path = "/export/{id}", tag = "audit",
    params(("id" = u64, Path, minimum = 1, description = "The patient's user id")),
    security(("bearer" = [])), responses(
        (status = 200, body = Export),
        (status = 403, response = Forbidden)))]
pub(crate) async fn export_json(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<Json<Export>> {
    Ok(Json(export(&state, &caller, ip, id).await?))
}

/// Exports everything QHealth holds on a patient, as a printable PDF.
///
/// The same as the JSON export, laid out for reading. Recorded in the audit trail.
///
/// **Who:** staff; a patient only their own.
#[utoipa::path(get, path = "/export/{id}/pdf", tag = "audit",
    params(("id" = u64, Path, minimum = 1, description = "The patient's user id")),
    security(("bearer" = [])), responses(
        (status = 200, description = "The export as a PDF.", content_type = "application/pdf",
         body = String),
        (status = 403, response = Forbidden)))]
pub(crate) async fn export_pdf(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<PdfFile> {
    let (patient, export) = read_export(&state, &caller, ip, id).await?;
    Ok(summary(&state, &patient, export).finish(format!("patient-{id}-export.pdf")))
}

async fn export(state: &AppState, caller: &Caller, ip: ClientIp, id: u64) -> ApiResult<Export> {
    Ok(read_export(state, caller, ip, id).await?.1)
}

/// The patient `id` and their export, when `caller` may have it: 404 for anyone who is not a
/// patient, or another patient's id asked by a patient; 403 for the roles that export nothing.
async fn read_export(
    state: &AppState,
    caller: &Caller,
    ip: ClientIp,
    id: u64,
) -> ApiResult<(UserRow, Export)> {
    caller.authorize(Action::ExportPatientData, Some(id))?;
    let mut tx = state.db.begin().await?;
    let patient = users::find(&mut *tx, id).await?.filter(UserRow::is_patient);
    let patient = patient.ok_or(ApiError::NotFound)?;
    let mut export = Export {
        generated_at: state.now(),
        patient: patient.clone().view(Viewer::from(caller), state.today()),
        diagnostic_bookings: bookings(&mut tx, id).await?,
        doctor_visits: visits(&mut tx, id).await?,
        journal_entries: entries(&mut tx, id).await?,
        prescriptions: prescriptions(&mut tx, id).await?,
        sick_leaves: sick_leaves(&mut tx, id).await?,
        login_history: logins(&mut tx, &patient.email).await?,
        audit_events: Vec::new(),
    };
    // The event last: its insert takes the rows of the trail's counts that every audited
    // request updates, and holds them until the commit, so the transaction should end soon
    // after.
    let event = AuditEvent {
        action: AuditAction::Export,
        record: AuditRecord::Export,
        record_id: None,
        patients: vec![id],
    };
    Reader::new(state, caller, ip).record(&mut *tx, event).await?;
    export.audit_events = audit_events(&mut tx, id).await?;
    tx.commit().await?;
    tracing::info!(patient_id = id, by = caller.user_id, "patient data exported");
    Ok((patient, export))
}

async fn bookings(db: &mut MySqlConnection, patient: u64) -> ApiResult<Vec<ExportedBooking>> {
    let rows = sqlx::query!(
        r#"SELECT b.id, b.diagnostic_id, d.modality, b.booked_by_id, bp.name AS "booked_by_name?",
                  bp.surname AS "booked_by_surname?",
                  b.date_time AS "date_time: DateTime<Utc>",
                  b.created_at AS "created_at: DateTime<Utc>",
                  b.updated_at AS "updated_at: DateTime<Utc>"
           FROM diagnostic_bookings b JOIN diagnostics d ON d.id = b.diagnostic_id
           LEFT JOIN profiles bp ON bp.user_id = b.booked_by_id
           WHERE b.user_id = ? ORDER BY b.id"#,
        patient
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ExportedBooking {
            id: row.id,
            diagnostic_service: ExportedModality { id: row.diagnostic_id, modality: row.modality },
            booked_by: row.booked_by_id.map(|id| Person {
                id,
                name: row.booked_by_name,
                surname: row.booked_by_surname,
            }),
            date_time: row.date_time,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
        .collect())
}

async fn visits(db: &mut MySqlConnection, patient: u64) -> ApiResult<Vec<ExportedVisit>> {
    let rows = sqlx::query!(
        r#"SELECT v.id, v.doctor_id, dr.specialty AS "specialty?", dp.name AS "name?",
                  dp.surname AS "surname?", v.status, v.is_active AS "is_active!: bool",
                  v.date_time AS "date_time: DateTime<Utc>", v.duration_minutes,
                  v.created_at AS "created_at: DateTime<Utc>",
                  v.updated_at AS "updated_at: DateTime<Utc>"
           FROM doctor_visits v LEFT JOIN profiles dp ON dp.user_id = v.doctor_id
           LEFT JOIN roles dr ON dr.user_id = v.doctor_id
           WHERE v.user_id = ? ORDER BY v.id"#,
        patient
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ExportedVisit {
            id: row.id,
            doctor: ExportedDoctor {
                id: Some(row.doctor_id),
                specialty: row.specialty,
                name: row.name,
                surname: row.surname,
            },
            status: row.status,
            is_active: row.is_active,
            date_time: row.date_time,
            duration_minutes: row.duration_minutes,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
        .collect())
}

async fn entries(db: &mut MySqlConnection, patient: u64) -> ApiResult<Vec<ExportedEntry>> {
    Ok(sqlx::query_as!(
        ExportedEntry,
        r#"SELECT id, diagnosis, description, planning,
                  created_at AS "created_at: DateTime<Utc>", updated_at AS "updated_at: DateTime<Utc>"
           FROM patient_cards WHERE user_id = ? ORDER BY id"#,
        patient
    )
    .fetch_all(db)
    .await?)
}

async fn prescriptions(
    db: &mut MySqlConnection,
    patient: u64,
) -> ApiResult<Vec<ExportedPrescription>> {
    Ok(sqlx::query_as!(
        ExportedPrescription,
        r#"SELECT id, recipe, description,
                  created_at AS "created_at: DateTime<Utc>", updated_at AS "updated_at: DateTime<Utc>"
           FROM patient_recipes WHERE user_id = ? ORDER BY id"#,
        patient
    )
    .fetch_all(db)
    .await?)
}

async fn sick_leaves(db: &mut MySqlConnection, patient: u64) -> ApiResult<Vec<ExportedSickLeave>> {
    let rows = sqlx::query!(
        r#"SELECT id, date_from, date_to, diagnosis, notes, doctor_id, doctor_name,
                  doctor_surname, doctor_specialty,
                  created_at AS "created_at: DateTime<Utc>", updated_at AS "updated_at: DateTime<Utc>"
           FROM sick_leaves WHERE user_id = ? ORDER BY id"#,
        patient
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ExportedSickLeave {
            id: row.id,
            date_from: row.date_from,
            date_to: row.date_to,
            diagnosis: row.diagnosis,
            notes: row.notes,
            doctor: ExportedDoctor {
                id: row.doctor_id,
                specialty: row.doctor_specialty,
                name: Some(row.doctor_name),
                surname: Some(row.doctor_surname),
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
        .collect())
}

async fn logins(db: &mut MySqlConnection, email: &str) -> ApiResult<Vec<ExportedLogin>> {
    Ok(sqlx::query_as!(
        ExportedLogin,
        r#"SELECT id, email, ip_address, attempted_at AS "timestamp: DateTime<Utc>",
                  success AS "success: bool",
                  created_at AS "created_at: DateTime<Utc>", updated_at AS "updated_at: DateTime<Utc>"
           FROM login_attempts WHERE email = ? ORDER BY id"#,
        email
    )
    .fetch_all(db)
    .await?)
}

async fn audit_events(db: &mut MySqlConnection, patient: u64) -> ApiResult<Vec<Event>> {
    let statement = concat!(
        "SELECT ",
        event_columns!(),
        " FROM audit_event_patients ap JOIN audit_events e ON e.id = ap.event_id",
        " WHERE ap.patient_id = ? ORDER BY ap.event_id"
    );
    let rows: Vec<EventRow> = sqlx::query_as(statement).bind(patient).fetch_all(db).await?;
    Ok(rows.into_iter().map(|row| row.view(Some(patient))).collect())
}

/// The export laid out for reading: the profile, then each kind of record, one line or one
/// section per item.
fn summary(state: &AppState, patient: &UserRow, export: Export) -> Printout {
    let tz = state.config.clinic_tz;
    let when = |moment: DateTime<Utc>| moment.with_timezone(&tz).format("%Y-%m-%d %H:%M");
    let mut printout = Printout::new(state, "Patient data export", patient).fields(
        "Profile",
        [
            ("Phone", patient.phone_number.clone().unwrap_or_default()),
            ("Address", address(patient)),
            ("Gender", patient.gender.clone().unwrap_or_default()),
            ("Account created", when(patient.created_at).to_string()),
            ("Exported", when(export.generated_at).to_string()),
        ],
    );
    printout = printout.text(
        "Diagnostic bookings",
        &lines(&export.diagnostic_bookings, |b| {
            let time = b.date_time.map_or("no time yet".to_owned(), |t| when(t).to_string());
            format!("No. {}: {}, {time}", b.id, b.diagnostic_service.modality)
        }),
    );
    printout = printout.text(
        "Doctor visits",
        &lines(&export.doctor_visits, |v| {
            let doctor = person_name(v.doctor.name.as_deref(), v.doctor.surname.as_deref());
            format!(
                "No. {}: {} with {doctor}, {} minutes, {}",
                v.id,
                when(v.date_time),
                v.duration_minutes,
                v.status
            )
        }),
    );
    printout = journal(printout, &export.journal_entries, tz);
    printout = printout.text(
        "Prescriptions",
        &lines(&export.prescriptions, |p| {
            format!("No. {} ({}): {}\n{}", p.id, when(p.created_at), p.recipe, p.description)
        }),
    );
    printout = printout.text(
        "Sick-leave certificates",
        &lines(&export.sick_leaves, |s| {
            let doctor = person_name(s.doctor.name.as_deref(), s.doctor.surname.as_deref());
            format!(
                "No. {}: {} to {}, {}; signed by {doctor}",
                s.id, s.date_from, s.date_to, s.diagnosis
            )
        }),
    );
    printout = printout.text(
        "Sign-ins",
        &lines(&export.login_history, |l| {
            let outcome = if l.success { "signed in" } else { "refused" };
            format!("{} from {}: {outcome}", when(l.timestamp), l.ip_address)
        }),
    );
    printout.text(
        "Who has read or changed the record",
        &lines(&export.audit_events, |e| {
            let record = e.record_id.map_or(String::new(), |id| format!(" No. {id}"));
            let actor = &e.actor;
            let (action, kind) = (e.action.as_str(), e.record.as_str());
            let at = when(e.at);
            format!(
                "{at}: {} {} ({}), {action} {kind}{record}",
                actor.name, actor.surname, actor.role
            )
        }),
    )
}

/// Each journal entry as its own section: its text is the record itself.
fn journal(mut printout: Printout, entries: &[ExportedEntry], tz: Tz) -> Printout {
    if entries.is_empty() {
        return printout.text("Journal entries", "None.");
    }
    for entry in entries {
        let written = entry.created_at.with_timezone(&tz).format("%Y-%m-%d");
        let heading = format!("Journal entry No. {} ({written}): {}", entry.id, entry.diagnosis);
        let text = format!("Findings:\n{}\n\nPlan:\n{}", entry.description, entry.planning);
        printout = printout.text(&heading, &text);
    }
    printout
}

/// One line per item, or "None.".
fn lines<T>(items: &[T], line: impl Fn(&T) -> String) -> String {
    if items.is_empty() {
        return "None.".to_owned();
    }
    items.iter().map(line).collect::<Vec<_>>().join("\n")
}

fn person_name(name: Option<&str>, surname: Option<&str>) -> String {
    match (name, surname) {
        (None, None) => "a deleted account".to_owned(),
        (name, surname) => format!("{} {}", name.unwrap_or_default(), surname.unwrap_or_default()),
    }
}

fn address(patient: &UserRow) -> String {
    [&patient.street, &patient.house, &patient.city, &patient.region, &patient.country]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

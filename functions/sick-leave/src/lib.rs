//! `/api/sick_leave`: sick-leave certificates (API.md, "Medical records").
//!
//! A certificate is a doctor's signed statement: only a doctor issues one, it names them as
//! they were when they signed, and it is never edited (a correction is a new certificate).
//! Patients, staff and doctors read certificates by the journal's rules; the diagnosis and
//! notes are medical text, never logged or e-mailed.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Days, NaiveDate, Utc};
use qhealth::access::Action;
use qhealth::audit::{AuditAction, AuditRecord, Reader};
use qhealth::auth::{Caller, CallerDb};
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{ClientIp, JsonBody, PathId, QueryParams};
use qhealth::lists::{CountedList, KeyColumn, PageSql, Table};
use qhealth::mail::Notification;
use qhealth::openapi::{Forbidden, PageQuery};
use qhealth::page::Page;
use qhealth::printout::{PdfFile, Printout};
use qhealth::realtime::Stream;
use qhealth::records::{self, NewRecord, PatientRecord, RecordListQuery, RecordTable};
use qhealth::users::{self, User, UserRow};
use qhealth::validate::{Input, rules};
use qhealth::{AppState, collection_version};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const COLLECTION: &str = "sick_leave";

/// The diagnosis: a short line, as on journal entries.
const DIAGNOSIS_MAX_CHARS: usize = records::TITLE_MAX_CHARS;
/// The notes: a paragraph or two for the employer or the insurer.
const NOTES_MAX_CHARS: usize = 2_000;
/// The longest leave one certificate covers, from its first day to its last.
const MAX_SPAN_DAYS: u64 = 365;
/// How far back a certificate may start: a patient seen after some days of illness.
const MAX_BACKDATE_DAYS: u64 = 30;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_certificates, issue_certificate))
        .routes(routes!(get_certificate))
        .routes(routes!(certificate_pdf))
}

/// A certificate as stored; `user_id` is the patient, `doctor_id` the signing doctor.
#[derive(Debug, Clone, sqlx::FromRow)]
struct CertificateRow {
    id: u64,
    user_id: u64,
    date_from: NaiveDate,
    date_to: NaiveDate,
    diagnosis: String,
    notes: String,
    doctor_id: Option<u64>,
    doctor_name: String,
    doctor_surname: String,
    doctor_specialty: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A sick-leave certificate. Never edited: a correction is a new certificate.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SickLeave, example = json!({
    "id": 3, "date_from": "2026-12-07", "date_to": "2026-12-13",
    "diagnosis": "Acute bronchitis", "notes": "Rest at home; no work with customers.",
    "user": qhealth::users::example_patient(),
    "doctor": {"id": 5, "specialty": "General practice", "name": "Karin", "surname": "Berg"},
    "created_at": "2026-12-07T09:30:00Z", "updated_at": "2026-12-07T09:30:00Z"
}))]
struct Certificate {
    id: u64,
    /// The first day of leave (clinic date).
    date_from: NaiveDate,
    /// The last day of leave, inclusive.
    date_to: NaiveDate,
    /// The diagnosis, as written (1–100 characters).
    diagnosis: String,
    /// Notes for the patient's employer or insurer, as written (may be empty).
    notes: String,
    /// The patient the certificate is for.
    user: User,
    /// The doctor who signed it, as they were then.
    doctor: SigningDoctor,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// The doctor who signed a certificate, as they were when they signed it.
#[derive(Debug, Clone, Serialize, ToSchema)]
struct SigningDoctor {
    /// Their user id; `null` once their account is deleted.
    #[schema(required = true)]
    id: Option<u64>,
    #[schema(required = true)]
    specialty: Option<String>,
    name: String,
    surname: String,
}

/// A new certificate.
#[derive(ToSchema)]
#[schema(as = NewSickLeave, example = json!({
    "user_id": 7, "date_from": "2026-12-07", "date_to": "2026-12-13",
    "diagnosis": "Acute bronchitis", "notes": "Rest at home; no work with customers."
}))]
#[allow(dead_code)] // documentation only: `issue_certificate` reads the body field by field
struct CertificateBody {
    /// The patient's user id; an id that is not a patient's is a 400 naming `user_id`.
    #[schema(minimum = 1)]
    user_id: u64,
    /// The first day of leave, YYYY-MM-DD: today, a later day, or at most 30 days ago.
    date_from: NaiveDate,
    /// The last day of leave, YYYY-MM-DD: not before `date_from`, at most 365 days after it.
    date_to: NaiveDate,
    /// The diagnosis: 1–100 characters, not blank; stored exactly as written.
    #[schema(min_length = 1, max_length = 100)]
    diagnosis: String,
    /// Notes: at most 2000 characters; stored exactly as written. Empty when left out.
    #[schema(max_length = 2000)]
    notes: Option<String>,
}

/// The certificate list's own filter (the patient filters and the order are the journal's).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: see `records::RecordFilter`
struct ListQuery {
    /// Only certificates whose diagnosis contains this, ignoring case and accents.
    #[param(nullable = false)]
    diagnosis: Option<String>,
}

impl PatientRecord for CertificateRow {
    type View = Certificate;

    fn patient_id(&self) -> u64 {
        self.user_id
    }

    fn view(self, patient: User) -> Certificate {
        Certificate {
            id: self.id,
            date_from: self.date_from,
            date_to: self.date_to,
            diagnosis: self.diagnosis,
            notes: self.notes,
            user: patient,
            doctor: SigningDoctor {
                id: self.doctor_id,
                specialty: self.doctor_specialty,
                name: self.doctor_name,
                surname: self.doctor_surname,
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// As the journal's: the name filters read the patients' profiles, so the totals follow the
/// users collection too.
static SICK_LEAVES: Table = Table {
    from: "sick_leaves r",
    id: "r.id",
    all: CountedList("sick_leaves"),
    collections: &["sick_leave", "users"],
};

/// A patient's own list, through (patient, diagnosis): one index serves both.
static PATIENT: KeyColumn = KeyColumn {
    column: "r.user_id",
    index: "sick_leaves_patient_diagnosis",
    counts: Some("sick_leaves:patient"),
    slice_counts: &[],
};

/// Its distinct values are counted in `list_title_counts` under the table's name.
static DIAGNOSIS: KeyColumn = KeyColumn {
    column: "r.diagnosis",
    index: "sick_leaves_diagnosis",
    counts: Some("sick_leaves"),
    slice_counts: &[],
};

const TABLE: RecordTable = RecordTable {
    collection: COLLECTION,
    stream: Stream::SickLeave,
    list: Action::ListSickLeaves,
    read: Action::ReadSickLeave,
    audit: AuditRecord::SickLeave,
    title: "diagnosis",
    table: &SICK_LEAVES,
    patient: &PATIENT,
    patients_with_title: &PATIENT,
    title_key: &DIAGNOSIS,
    page: PageSql {
        columns: concat!(
            "r.id, r.user_id, r.date_from, r.date_to, r.diagnosis, r.notes, r.doctor_id, ",
            "r.doctor_name, r.doctor_surname, r.doctor_specialty, r.created_at, r.updated_at, ",
            collection_version!("sick_leave", "users")
        ),
        joins: "",
    },
    // No operation deletes a certificate: the clinic keeps them.
    deletion: None,
};

/// Lists sick-leave certificates.
///
/// A patient's list holds only their own certificates; a pharmacist is refused (403). The
/// embedded `user` is the patient, as the caller may see them. Recorded in the audit trail
/// unless the patient reads their own.
///
/// **Who:** staff, doctor, operator; a patient only their own certificates.
#[utoipa::path(get, path = "/sick_leave", tag = "sick_leave",
    params(PageQuery, ListQuery, RecordListQuery),
    security(("bearer" = [])), responses(
        (status = 200, body = Page<Certificate>),
        (status = 403, response = Forbidden)))]
async fn list_certificates(
    State(state): State<AppState>,
    signed_in: CallerDb,
    ip: ClientIp,
    query: QueryParams,
) -> ApiResult<Json<Page<Certificate>>> {
    let reader = Reader::new(&state, &signed_in.caller, ip);
    Ok(Json(TABLE.page::<CertificateRow>(&state, signed_in, &reader, &query).await?))
}

async fn find_certificate(
    executor: impl sqlx::MySqlExecutor<'_>,
    id: u64,
) -> Result<Option<CertificateRow>, sqlx::Error> {
    sqlx::query_as!(
        CertificateRow,
        r#"SELECT id, user_id, date_from, date_to, diagnosis, notes, doctor_id, doctor_name,
                  doctor_surname, doctor_specialty,
                  created_at AS "created_at: DateTime<Utc>", updated_at AS "updated_at: DateTime<Utc>"
           FROM sick_leaves WHERE id = ?"#,
        id
    )
    .fetch_optional(executor)
    .await
}

/// Certificate `id` and its patient, read by `caller` as `action` says (a pharmacist is
/// refused alike for every id).
async fn read_certificate(
    state: &AppState,
    caller: &Caller,
    ip: ClientIp,
    action: AuditAction,
    id: u64,
) -> ApiResult<(CertificateRow, UserRow)> {
    caller.authorize_any(Action::ReadSickLeave)?;
    let certificate = find_certificate(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    let reader = Reader::new(state, caller, ip);
    let patient = TABLE.reading(state, caller, &reader, action, id, certificate.user_id).await?;
    Ok((certificate, patient))
}

/// Reads one sick-leave certificate.
///
/// A patient asking for another patient's certificate gets 404; a pharmacist gets 403 for
/// every id. Recorded in the audit trail unless the patient reads their own.
///
/// **Who:** staff, doctor, operator; a patient only their own certificates.
#[utoipa::path(get, path = "/sick_leave/{id}", tag = "sick_leave",
    params(("id" = u64, Path, minimum = 1, description = "The certificate's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = Certificate),
        (status = 403, response = Forbidden)))]
async fn get_certificate(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<Json<Certificate>> {
    let (certificate, patient) =
        read_certificate(&state, &caller, ip, AuditAction::Read, id).await?;
    Ok(Json(certificate.view(records::patient_view(&state, &caller, patient))))
}

/// A sick-leave certificate as a PDF.
///
/// On the clinic's letterhead, with the patient's identity, the period of leave, the signing
/// doctor and page numbers. Recorded in the audit trail unless the patient downloads their own.
///
/// **Who:** as reading the certificate.
#[utoipa::path(get, path = "/sick_leave/{id}/pdf", tag = "sick_leave",
    params(("id" = u64, Path, minimum = 1, description = "The certificate's id")),
    security(("bearer" = [])), responses(
        (status = 200, description = "The certificate as a PDF.",
         content_type = "application/pdf", body = String),
        (status = 403, response = Forbidden)))]
async fn certificate_pdf(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<PdfFile> {
    let (certificate, patient) =
        read_certificate(&state, &caller, ip, AuditAction::Pdf, id).await?;
    let printout = printout(&state, certificate, &patient);
    Ok(printout.finish(format!("sick-leave-{id}.pdf")))
}

fn printout(state: &AppState, certificate: CertificateRow, patient: &UserRow) -> Printout {
    let signed = certificate.created_at.with_timezone(&state.config.clinic_tz);
    let days = (certificate.date_to - certificate.date_from).num_days() + 1;
    let doctor = format!("{} {}", certificate.doctor_name, certificate.doctor_surname);
    let mut signature =
        vec![("Doctor", doctor), ("Signed", signed.format("%Y-%m-%d %H:%M").to_string())];
    if let Some(specialty) = certificate.doctor_specialty {
        signature.insert(1, ("Specialty", specialty));
    }
    let statement = format!(
        "The patient named above has been examined and is unfit for work from {} to {} \
         inclusive ({days} {}).",
        certificate.date_from,
        certificate.date_to,
        if days == 1 { "day" } else { "days" }
    );
    let printout = Printout::new(state, "Sick-leave certificate", patient)
        .fields(
            "Certificate",
            [
                ("Number", certificate.id.to_string()),
                ("From", certificate.date_from.to_string()),
                ("To", certificate.date_to.to_string()),
                ("Diagnosis", certificate.diagnosis),
            ],
        )
        .text("Statement", &statement);
    let printout = if certificate.notes.trim().is_empty() {
        printout
    } else {
        printout.text("Notes", &certificate.notes)
    };
    printout.fields("Signature", signature)
}

/// What a valid body asks for.
struct NewCertificate {
    patient_id: u64,
    date_from: NaiveDate,
    date_to: NaiveDate,
    diagnosis: String,
    notes: String,
}

/// Reads the body, naming every failing field.
fn read_body(input: &Input, today: NaiveDate) -> ApiResult<NewCertificate> {
    let mut errors = FieldErrors::new();
    let patient_id = input.required("user_id", &mut errors, rules::id);
    let date_from = input.required("date_from", &mut errors, rules::date);
    let date_to = input.required("date_to", &mut errors, rules::date);
    let diagnosis =
        input.required("diagnosis", &mut errors, rules::text_up_to(DIAGNOSIS_MAX_CHARS));
    let notes = input
        .optional("notes", &mut errors, rules::text_or_empty_up_to(NOTES_MAX_CHARS))
        .unwrap_or_default();
    if let (Some(from), Some(to)) = (date_from, date_to) {
        check_period(from, to, today, &mut errors);
    }
    let (Some(patient_id), Some(date_from), Some(date_to), Some(diagnosis)) =
        (patient_id, date_from, date_to, diagnosis)
    else {
        return Err(ApiError::Invalid(errors));
    };
    errors.into_result()?;
    Ok(NewCertificate { patient_id, date_from, date_to, diagnosis, notes })
}

/// The period's rules, each failure named on the field to correct.
fn check_period(from: NaiveDate, to: NaiveDate, today: NaiveDate, errors: &mut FieldErrors) {
    let earliest = today.checked_sub_days(Days::new(MAX_BACKDATE_DAYS)).unwrap_or(today);
    if from < earliest {
        errors.add("date_from", "A certificate can start at most 30 days ago.");
    }
    if to < from {
        errors.add("date_to", "The last day cannot be before the first day.");
    } else if from.checked_add_days(Days::new(MAX_SPAN_DAYS)).is_none_or(|limit| to >= limit) {
        errors.add("date_to", "A certificate covers at most 365 days.");
    }
}

/// The signing doctor, as the certificate keeps them.
struct Signer {
    name: String,
    surname: String,
    specialty: Option<String>,
}

/// Issues a sick-leave certificate for a patient.
///
/// The caller signs it: their name and specialty are kept on the certificate as they are now.
/// The patient is e-mailed that a certificate was issued, never what it says. `user_id` must be
/// a patient's (400 naming `user_id` otherwise).
///
/// **Who:** doctor.
#[utoipa::path(post, path = "/sick_leave", tag = "sick_leave", request_body = CertificateBody,
    security(("bearer" = [])), responses(
        (status = 201, body = Certificate),
        (status = 403, response = Forbidden)))]
async fn issue_certificate(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Certificate>)> {
    caller.authorize(Action::IssueSickLeave, None)?;
    let new = read_body(&Input::root(&body)?, state.today())?;
    let now = state.now();

    let mut tx = state.db.begin().await?;
    let patient = users::find_patient(&mut *tx, new.patient_id, "user_id").await?;
    let signer = sqlx::query_as!(
        Signer,
        "SELECT p.name, p.surname, r.specialty
         FROM profiles p LEFT JOIN roles r ON r.user_id = p.user_id WHERE p.user_id = ?",
        caller.user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let id = sqlx::query!(
        "INSERT INTO sick_leaves
           (user_id, date_from, date_to, diagnosis, notes, doctor_id, doctor_name,
            doctor_surname, doctor_specialty, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        new.patient_id,
        new.date_from,
        new.date_to,
        new.diagnosis,
        new.notes,
        caller.user_id,
        signer.name,
        signer.surname,
        signer.specialty,
        now,
        now
    )
    .execute(&mut *tx)
    .await
    .map_err(records::insert_error)?
    .last_insert_id();
    let record = CertificateRow {
        id,
        user_id: new.patient_id,
        date_from: new.date_from,
        date_to: new.date_to,
        diagnosis: new.diagnosis,
        notes: new.notes,
        doctor_id: Some(caller.user_id),
        doctor_name: signer.name,
        doctor_surname: signer.surname,
        doctor_specialty: signer.specialty,
        created_at: now,
        updated_at: now,
    };
    let new = NewRecord {
        tx,
        table: &TABLE,
        record,
        patient,
        notice: |name| Notification::SickLeaveIssued { name },
    };
    let reader = Reader::new(&state, &caller, ip);
    Ok((StatusCode::CREATED, Json(new.commit(&state, &caller, &reader, id).await?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).expect("a date")
    }

    fn errors_of(body: serde_json::Value) -> Vec<String> {
        let input = Input::root(&body).expect("an object");
        match read_body(&input, today()) {
            Ok(_) => Vec::new(),
            Err(ApiError::Invalid(errors)) => errors.fields().map(str::to_owned).collect(),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    fn body(from: &str, to: &str) -> serde_json::Value {
        json!({"user_id": 7, "date_from": from, "date_to": to, "diagnosis": "Influenza"})
    }

    #[test]
    fn a_week_from_today_is_a_certificate() {
        assert!(errors_of(body("2026-12-06", "2026-12-12")).is_empty());
        assert!(errors_of(body("2026-11-06", "2026-11-06")).is_empty(), "30 days back, one day");
    }

    #[test]
    fn the_period_is_checked_on_the_field_to_correct() {
        assert_eq!(errors_of(body("2026-11-05", "2026-11-10")), ["date_from"]);
        assert_eq!(errors_of(body("2026-12-10", "2026-12-09")), ["date_to"]);
        assert_eq!(errors_of(body("2026-12-06", "2027-12-06")), ["date_to"], "366 days");
        assert!(errors_of(body("2026-12-06", "2027-12-05")).is_empty(), "365 days");
    }

    #[test]
    fn every_failing_field_is_named() {
        let fields = errors_of(json!({"date_from": "06/12/2026", "notes": 5}));
        assert_eq!(fields, ["date_from", "date_to", "diagnosis", "notes", "user_id"]);
        let long = "x".repeat(NOTES_MAX_CHARS + 1);
        let mut too_long = body("2026-12-06", "2026-12-07");
        too_long["notes"] = json!(long);
        assert_eq!(errors_of(too_long), ["notes"]);
    }
}

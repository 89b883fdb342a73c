//! `/api/patient_card`: patient journals (API.md, "Patient journals").
//!
//! Entries are never edited: a correction is a new entry. Their text is medical: it is stored
//! exactly as written, and never logged or e-mailed.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
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
use qhealth::records::{
    self, Deletion, NewRecord, PatientRecord, RecordListQuery, RecordTable, TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
};
use qhealth::users::{self, User, UserRow};
use qhealth::validate::{Input, rules};
use qhealth::{AppState, collection_version};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const COLLECTION: &str = "patient_card";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_entries, add_entry))
        .routes(routes!(get_entry, delete_entry))
        .routes(routes!(entry_pdf))
}

/// A journal entry as stored; `user_id` is the patient.
#[derive(Debug, Clone, sqlx::FromRow)]
struct EntryRow {
    id: u64,
    user_id: u64,
    diagnosis: String,
    description: String,
    planning: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// An entry of a patient's journal. Entries are never edited: a correction is a new entry.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = JournalEntry, example = json!({
    "id": 12, "diagnosis": "Seasonal allergic rhinitis",
    "description": "Sneezing and itchy eyes every spring for three years.",
    "planning": "Antihistamine daily from March to June; follow-up in one year.",
    "user": qhealth::users::example_patient(),
    "created_at": "2026-11-02T09:30:00Z", "updated_at": "2026-11-02T09:30:00Z"
}))]
struct Entry {
    id: u64,
    /// The diagnosis, as written (1–100 characters).
    diagnosis: String,
    /// The findings, as written.
    description: String,
    /// The plan of treatment, as written.
    planning: String,
    /// The patient the entry is about.
    user: User,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A new journal entry.
#[derive(ToSchema)]
#[schema(as = NewJournalEntry, example = json!({
    "diagnosis": "Seasonal allergic rhinitis",
    "description": "Sneezing and itchy eyes every spring for three years.",
    "planning": "Antihistamine daily from March to June; follow-up in one year.",
    "user_id": 7
}))]
#[allow(dead_code)] // documentation only: `add_entry` reads the body field by field
struct EntryBody {
    /// The diagnosis: 1–100 characters, not blank; stored exactly as written.
    #[schema(min_length = 1, max_length = 100)]
    diagnosis: String,
    /// The findings: 1–20000 characters, not blank; stored exactly as written.
    #[schema(min_length = 1, max_length = 20000)]
    description: String,
    /// The plan of treatment: 1–20000 characters, not blank; stored exactly as written.
    #[schema(min_length = 1, max_length = 20000)]
    planning: String,
    /// The patient's user id; an id that is not a patient's is a 400 naming `user_id`.
    #[schema(minimum = 1)]
    user_id: u64,
}

/// The journal list's own filter (the patient filters and the order are shared with the
/// prescriptions).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: see `records::RecordFilter`
struct ListQuery {
    /// Only entries whose diagnosis contains this, ignoring case and accents.
    #[param(nullable = false)]
    diagnosis: Option<String>,
}

impl PatientRecord for EntryRow {
    type View = Entry;

    fn patient_id(&self) -> u64 {
        self.user_id
    }

    fn view(self, patient: User) -> Entry {
        Entry {
            id: self.id,
            diagnosis: self.diagnosis,
            description: self.description,
            planning: self.planning,
            user: patient,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The list reads the patient's profile for the name filters, so its totals follow the users
/// collection too.
static PATIENT_CARDS: Table = Table {
    from: "patient_cards r",
    id: "r.id",
    all: CountedList("patient_cards"),
    collections: &["patient_card", "users"],
};

static PATIENT: KeyColumn = KeyColumn {
    column: "r.user_id",
    index: "patient_cards_user",
    counts: Some("patient_cards:patient"),
    slice_counts: &[],
};

static PATIENT_WITH_DIAGNOSIS: KeyColumn = KeyColumn {
    column: "r.user_id",
    index: "patient_cards_patient_diagnosis",
    counts: Some("patient_cards:patient"),
    slice_counts: &[],
};

/// Its distinct values are counted in `list_title_counts` under the table's name.
static DIAGNOSIS: KeyColumn = KeyColumn {
    column: "r.diagnosis",
    index: "patient_cards_diagnosis",
    counts: Some("patient_cards"),
    slice_counts: &[],
};

const TABLE: RecordTable = RecordTable {
    collection: COLLECTION,
    stream: Stream::PatientCard,
    list: Action::ListJournalEntries,
    read: Action::ReadJournalEntry,
    audit: AuditRecord::JournalEntry,
    title: "diagnosis",
    table: &PATIENT_CARDS,
    patient: &PATIENT,
    patients_with_title: &PATIENT_WITH_DIAGNOSIS,
    title_key: &DIAGNOSIS,
    page: PageSql {
        columns: concat!(
            "r.id, r.user_id, r.diagnosis, r.description, r.planning, r.created_at, ",
            "r.updated_at, ",
            collection_version!("patient_card", "users")
        ),
        joins: "",
    },
    deletion: Some(Deletion {
        action: Action::DeleteJournalEntry,
        lock: "SELECT id, user_id, diagnosis, description, planning, created_at, updated_at FROM patient_cards WHERE id = ? FOR UPDATE",
        remove: "DELETE FROM patient_cards WHERE id = ?",
    }),
};

/// Lists journal entries.
///
/// A patient's list holds only their own entries; a pharmacist is refused (403). The embedded
/// `user` is the patient, as the caller may see them. Recorded in the audit trail unless the
/// patient reads their own.
///
/// **Who:** staff, doctor, operator; a patient sees only their own entries.
#[utoipa::path(get, path = "/patient_card", tag = "patient_card",
    params(PageQuery, ListQuery, RecordListQuery),
    security(("bearer" = [])), responses(
        (status = 200, body = Page<Entry>),
        (status = 403, response = Forbidden)))]
async fn list_entries(
    State(state): State<AppState>,
    signed_in: CallerDb,
    ip: ClientIp,
    query: QueryParams,
) -> ApiResult<Json<Page<Entry>>> {
    let reader = Reader::new(&state, &signed_in.caller, ip);
    Ok(Json(TABLE.page::<EntryRow>(&state, signed_in, &reader, &query).await?))
}

async fn find_entry(
    executor: impl sqlx::MySqlExecutor<'_>,
    id: u64,
) -> Result<Option<EntryRow>, sqlx::Error> {
    sqlx::query_as!(
        EntryRow,
        r#"SELECT id, user_id, diagnosis, description, planning,
                  created_at AS "created_at: DateTime<Utc>", updated_at AS "updated_at: DateTime<Utc>"
           FROM patient_cards WHERE id = ?"#,
        id
    )
    .fetch_optional(executor)
    .await
}

/// Reads one journal entry.
///
/// A patient asking for another patient's entry gets 404; a pharmacist gets 403 for every id.
/// Recorded in the audit trail unless the patient reads their own.
///
/// **Who:** staff, doctor, operator; a patient only their own entries.
#[utoipa::path(get, path = "/patient_card/{id}", tag = "patient_card",
    params(("id" = u64, Path, minimum = 1, description = "The journal entry's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = Entry),
        (status = 403, response = Forbidden)))]
// A patient sees only their own entries (404 for anyone else's); a pharmacist none (403, for
// every id alike).
async fn get_entry(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<Json<Entry>> {
    let (entry, patient) = read_entry(&state, &caller, ip, AuditAction::Read, id).await?;
    Ok(Json(entry.view(records::patient_view(&state, &caller, patient))))
}

/// Entry `id` and its patient, read by `caller` as `action` says (a pharmacist is refused
/// alike for every id).
async fn read_entry(
    state: &AppState,
    caller: &Caller,
    ip: ClientIp,
    action: AuditAction,
    id: u64,
) -> ApiResult<(EntryRow, UserRow)> {
    caller.authorize_any(Action::ReadJournalEntry)?;
    let entry = find_entry(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    let reader = Reader::new(state, caller, ip);
    let patient = TABLE.reading(state, caller, &reader, action, id, entry.user_id).await?;
    Ok((entry, patient))
}

/// A journal entry as a PDF.
///
/// On the clinic's letterhead, with the patient's identity and page numbers. Recorded in the
/// audit trail unless the patient downloads their own.
///
/// **Who:** as reading the entry.
#[utoipa::path(get, path = "/patient_card/{id}/pdf", tag = "patient_card",
    params(("id" = u64, Path, minimum = 1, description = "The journal entry's id")),
    security(("bearer" = [])), responses(
        (status = 200, description = "The entry as a PDF.", content_type = "application/pdf",
         body = String),
        (status = 403, response = Forbidden)))]
async fn entry_pdf(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<PdfFile> {
    let (entry, patient) = read_entry(&state, &caller, ip, AuditAction::Pdf, id).await?;
    let written = entry.created_at.with_timezone(&state.config.clinic_tz);
    let printout = Printout::new(&state, "Journal entry", &patient)
        .fields(
            "Entry",
            [
                ("Number", entry.id.to_string()),
                ("Written", written.format("%Y-%m-%d %H:%M").to_string()),
                ("Diagnosis", entry.diagnosis),
            ],
        )
        .text("Findings", &entry.description)
        .text("Plan", &entry.planning);
    Ok(printout.finish(format!("journal-entry-{id}.pdf")))
}

/// Adds an entry to a patient's journal.
///
/// The patient is e-mailed that a new entry exists, never what it says. `user_id` must be a
/// patient's (400 naming `user_id` otherwise). The text is stored exactly as written; only
/// presence and length are checked.
///
/// **Who:** staff, doctor.
#[utoipa::path(post, path = "/patient_card", tag = "patient_card", request_body = EntryBody,
    security(("bearer" = [])), responses(
        (status = 201, body = Entry),
        (status = 403, response = Forbidden)))]
async fn add_entry(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Entry>)> {
    caller.authorize(Action::WriteJournalEntry, None)?;
    let input = Input::root(&body)?;
    let mut errors = FieldErrors::new();
    let diagnosis = input.required("diagnosis", &mut errors, rules::text_up_to(TITLE_MAX_CHARS));
    let description = input.required("description", &mut errors, rules::text_up_to(TEXT_MAX_CHARS));
    let planning = input.required("planning", &mut errors, rules::text_up_to(TEXT_MAX_CHARS));
    let patient_id = input.required("user_id", &mut errors, rules::id);
    let (Some(diagnosis), Some(description), Some(planning), Some(patient_id)) =
        (diagnosis, description, planning, patient_id)
    else {
        return Err(ApiError::Invalid(errors));
    };
    let now = state.now();

    let mut tx = state.db.begin().await?;
    let patient = users::find_patient(&mut *tx, patient_id, "user_id").await?;
    let id = sqlx::query!(
        "INSERT INTO patient_cards
           (user_id, diagnosis, description, planning, created_by_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        patient_id,
        diagnosis,
        description,
        planning,
        caller.user_id,
        now,
        now
    )
    .execute(&mut *tx)
    .await
    .map_err(records::insert_error)?
    .last_insert_id();
    let record = EntryRow {
        id,
        user_id: patient_id,
        diagnosis,
        description,
        planning,
        created_at: now,
        updated_at: now,
    };
    let new = NewRecord {
        tx,
        table: &TABLE,
        record,
        patient,
        notice: |name| Notification::JournalEntryAdded { name },
    };
    let reader = Reader::new(&state, &caller, ip);
    Ok((StatusCode::CREATED, Json(new.commit(&state, &caller, &reader, id).await?)))
}

/// Deletes a journal entry.
///
/// **Who:** staff.
#[utoipa::path(delete, path = "/patient_card/{id}", tag = "patient_card",
    params(("id" = u64, Path, minimum = 1, description = "The journal entry's id")),
    security(("bearer" = [])), responses(
        (status = 204, description = "Deleted."),
        (status = 403, response = Forbidden)))]
async fn delete_entry(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    let reader = Reader::new(&state, &caller, ip);
    TABLE.delete::<EntryRow>(&state, &caller, &reader, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

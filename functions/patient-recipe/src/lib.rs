//! `/api/patient_recipe`: prescriptions (API.md, "Prescriptions").
//!
//! Prescriptions are never edited: a correction is a new prescription. Their text is medical:
//! it is stored exactly as written, and never logged or e-mailed.

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

const COLLECTION: &str = "patient_recipe";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_prescriptions, add_prescription))
        .routes(routes!(get_prescription, delete_prescription))
        .routes(routes!(prescription_pdf))
}

/// A prescription as stored; `user_id` is the patient.
#[derive(Debug, Clone, sqlx::FromRow)]
struct PrescriptionRow {
    id: u64,
    user_id: u64,
    recipe: String,
    description: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A patient's prescription. Prescriptions are never edited: a correction is a new one.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 5, "recipe": "Cetirizine 10 mg",
    "description": "One tablet daily from March to June. 100 tablets, one renewal.",
    "user": qhealth::users::example_patient(),
    "created_at": "2026-11-02T09:45:00Z", "updated_at": "2026-11-02T09:45:00Z"
}))]
struct Prescription {
    id: u64,
    /// What is prescribed, as written (1–100 characters).
    recipe: String,
    /// Dosage and instructions, as written.
    description: String,
    /// The patient the prescription is for.
    user: User,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A new prescription.
#[derive(ToSchema)]
#[schema(as = NewPrescription, example = json!({
    "recipe": "Cetirizine 10 mg",
    "description": "One tablet daily from March to June. 100 tablets, one renewal.",
    "user_id": 7
}))]
#[allow(dead_code)] // documentation only: `add_prescription` reads the body field by field
struct PrescriptionBody {
    /// What is prescribed: 1–100 characters, not blank; stored exactly as written.
    #[schema(min_length = 1, max_length = 100)]
    recipe: String,
    /// Dosage and instructions: 1–20000 characters, not blank; stored exactly as written.
    #[schema(min_length = 1, max_length = 20000)]
    description: String,
    /// The patient's user id; an id that is not a patient's is a 400 naming `user_id`.
    #[schema(minimum = 1)]
    user_id: u64,
}

/// The prescription list's own filter (the patient filters and the order are shared with the
/// journals).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: see `records::RecordFilter`
struct ListQuery {
    /// Only prescriptions whose recipe contains this, ignoring case and accents.
    #[param(nullable = false)]
    recipe: Option<String>,
}

impl PatientRecord for PrescriptionRow {
    type View = Prescription;

    fn patient_id(&self) -> u64 {
        self.user_id
    }

    fn view(self, patient: User) -> Prescription {
        Prescription {
            id: self.id,
            recipe: self.recipe,
            description: self.description,
            user: patient,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The list reads the patient's profile for the name filters, so its totals follow the users
/// collection too.
static PATIENT_RECIPES: Table = Table {
    from: "patient_recipes r",
    id: "r.id",
    all: CountedList("patient_recipes"),
    collections: &["patient_recipe", "users"],
};

static PATIENT: KeyColumn = KeyColumn {
    column: "r.user_id",
    index: "patient_recipes_user",
    counts: Some("patient_recipes:patient"),
    slice_counts: &[],
};

static PATIENT_WITH_RECIPE: KeyColumn = KeyColumn {
    column: "r.user_id",
    index: "patient_recipes_patient_recipe",
    counts: Some("patient_recipes:patient"),
    slice_counts: &[],
};

/// Its distinct values are counted in `list_title_counts` under the table's name.
static RECIPE: KeyColumn = KeyColumn {
    column: "r.recipe",
    index: "patient_recipes_recipe",
    counts: Some("patient_recipes"),
    slice_counts: &[],
};

const TABLE: RecordTable = RecordTable {
    collection: COLLECTION,
    stream: Stream::PatientRecipe,
    list: Action::ListPrescriptions,
    read: Action::ReadPrescription,
    audit: AuditRecord::Prescription,
    title: "recipe",
    table: &PATIENT_RECIPES,
    patient: &PATIENT,
    patients_with_title: &PATIENT_WITH_RECIPE,
    title_key: &RECIPE,
    page: PageSql {
        columns: concat!(
            "r.id, r.user_id, r.recipe, r.description, r.created_at, r.updated_at, ",
            collection_version!("patient_recipe", "users")
        ),
        joins: "",
    },
    deletion: Some(Deletion {
        action: Action::DeletePrescription,
        lock: "SELECT id, user_id, recipe, description, created_at, updated_at FROM patient_recipes WHERE id = ? FOR UPDATE",
        remove: "DELETE FROM patient_recipes WHERE id = ?",
    }),
};

/// Lists prescriptions.
///
/// A patient's list holds only their own prescriptions. The embedded `user` is the patient, as
/// the caller may see them.
///
/// **Who:** staff, doctor, operator, pharmacist; a patient sees only their own prescriptions.
#[utoipa::path(get, path = "/patient_recipe", tag = "patient_recipe",
    params(PageQuery, ListQuery, RecordListQuery),
    security(("bearer" = [])), responses((status = 200, body = Page<Prescription>)))]
async fn list_prescriptions(
    State(state): State<AppState>,
    signed_in: CallerDb,
    ip: ClientIp,
    query: QueryParams,
) -> ApiResult<Json<Page<Prescription>>> {
    let reader = Reader::new(&state, &signed_in.caller, ip);
    Ok(Json(TABLE.page::<PrescriptionRow>(&state, signed_in, &reader, &query).await?))
}

async fn find_prescription(
    executor: impl sqlx::MySqlExecutor<'_>,
    id: u64,
) -> Result<Option<PrescriptionRow>, sqlx::Error> {
    sqlx::query_as!(
        PrescriptionRow,
        r#"SELECT id, user_id, recipe, description,
                  created_at AS "created_at: DateTime<Utc>", updated_at AS "updated_at: DateTime<Utc>"
           FROM patient_recipes WHERE id = ?"#,
        id
    )
    .fetch_optional(executor)
    .await
}

/// Reads one prescription.
///
/// A patient asking for another patient's prescription gets 404.
///
/// **Who:** staff, doctor, operator, pharmacist; a patient only their own prescriptions.
#[utoipa::path(get, path = "/patient_recipe/{id}", tag = "patient_recipe",
    params(("id" = u64, Path, minimum = 1, description = "The prescription's id")),
    security(("bearer" = [])), responses((status = 200, body = Prescription)))]
async fn get_prescription(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<Json<Prescription>> {
    let (prescription, patient) =
        read_prescription(&state, &caller, ip, AuditAction::Read, id).await?;
    Ok(Json(prescription.view(records::patient_view(&state, &caller, patient))))
}

/// Prescription `id` and its patient, read by `caller` as `action` says.
async fn read_prescription(
    state: &AppState,
    caller: &Caller,
    ip: ClientIp,
    action: AuditAction,
    id: u64,
) -> ApiResult<(PrescriptionRow, UserRow)> {
    let prescription = find_prescription(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    let reader = Reader::new(state, caller, ip);
    let patient = TABLE.reading(state, caller, &reader, action, id, prescription.user_id).await?;
    Ok((prescription, patient))
}

/// A prescription as a PDF.
///
/// On the clinic's letterhead, with the patient's identity and page numbers. Recorded in the
/// audit trail unless the patient downloads their own.
///
/// **Who:** as reading the prescription.
#[utoipa::path(get, path = "/patient_recipe/{id}/pdf", tag = "patient_recipe",
    params(("id" = u64, Path, minimum = 1, description = "The prescription's id")),
    security(("bearer" = [])), responses(
        (status = 200, description = "The prescription as a PDF.",
         content_type = "application/pdf", body = String)))]
async fn prescription_pdf(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<PdfFile> {
    let (prescription, patient) =
        read_prescription(&state, &caller, ip, AuditAction::Pdf, id).await?;
    let written = prescription.created_at.with_timezone(&state.config.clinic_tz);
    let printout = Printout::new(&state, "Prescription", &patient)
        .fields(
            "Prescription",
            [
                ("Number", prescription.id.to_string()),
                ("Written", written.format("%Y-%m-%d %H:%M").to_string()),
                ("Medicine", prescription.recipe),
            ],
        )
        .text("Instructions", &prescription.description);
    Ok(printout.finish(format!("prescription-{id}.pdf")))
}

/// Writes a prescription for a patient.
///
/// The patient is e-mailed that a new prescription exists, never what it says. `user_id` must
/// be a patient's (400 naming `user_id` otherwise). The text is stored exactly as written; only
/// presence and length are checked.
///
/// **Who:** staff, pharmacist.
#[utoipa::path(post, path = "/patient_recipe", tag = "patient_recipe",
    request_body = PrescriptionBody, security(("bearer" = [])), responses(
        (status = 201, body = Prescription),
        (status = 403, response = Forbidden)))]
async fn add_prescription(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Prescription>)> {
    caller.authorize(Action::WritePrescription, None)?;
    let input = Input::root(&body)?;
    let mut errors = FieldErrors::new();
    let recipe = input.required("recipe", &mut errors, rules::text_up_to(TITLE_MAX_CHARS));
    let description = input.required("description", &mut errors, rules::text_up_to(TEXT_MAX_CHARS));
    let patient_id = input.required("user_id", &mut errors, rules::id);
    let (Some(recipe), Some(description), Some(patient_id)) = (recipe, description, patient_id)
    else {
        return Err(ApiError::Invalid(errors));
    };
    let now = state.now();

    let mut tx = state.db.begin().await?;
    let patient = users::find_patient(&mut *tx, patient_id, "user_id").await?;
    let id = sqlx::query!(
        "INSERT INTO patient_recipes
           (user_id, recipe, description, created_by_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)",
        patient_id,
        recipe,
        description,
        caller.user_id,
        now,
        now
    )
    .execute(&mut *tx)
    .await
    .map_err(records::insert_error)?
    .last_insert_id();
    let record = PrescriptionRow {
        id,
        user_id: patient_id,
        recipe,
        description,
        created_at: now,
        updated_at: now,
    };
    let new = NewRecord {
        tx,
        table: &TABLE,
        record,
        patient,
        notice: |name| Notification::PrescriptionAdded { name },
    };
    let reader = Reader::new(&state, &caller, ip);
    Ok((StatusCode::CREATED, Json(new.commit(&state, &caller, &reader, id).await?)))
}

/// Deletes a prescription.
///
/// **Who:** staff.
#[utoipa::path(delete, path = "/patient_recipe/{id}", tag = "patient_recipe",
    params(("id" = u64, Path, minimum = 1, description = "The prescription's id")),
    security(("bearer" = [])), responses(
        (status = 204, description = "Deleted."),
        (status = 403, response = Forbidden)))]
async fn delete_prescription(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    let reader = Reader::new(&state, &caller, ip);
    TABLE.delete::<PrescriptionRow>(&state, &caller, &reader, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `/api/patient_recipe`: prescriptions (API.md, "Prescriptions").
//!
//! Prescriptions are never edited: a correction is a new prescription. Their text is medical:
//! it is stored exactly as written, and never logged or e-mailed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use qhealth::access::Action;
use qhealth::auth::{Caller, CallerDb};
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{JsonBody, PathId, QueryParams};
use qhealth::mail::Notification;
use qhealth::page::Page;
use qhealth::realtime::Stream;
use qhealth::records::{
    self, NewRecord, PatientRecord, RecordTable, TEXT_MAX_CHARS, TITLE_MAX_CHARS,
};
use qhealth::users::{self, User};
use qhealth::validate::{Input, rules};
use qhealth::{AppState, collection_version};
use serde::Serialize;

const COLLECTION: &str = "patient_recipe";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/patient_recipe", get(list_prescriptions).post(add_prescription))
        .route("/patient_recipe/{id}", get(get_prescription).delete(delete_prescription))
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

/// A prescription as the API shows it.
#[derive(Debug, Serialize)]
struct Prescription {
    id: u64,
    recipe: String,
    description: String,
    user: User,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
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
const TABLE: RecordTable = RecordTable {
    collection: COLLECTION,
    stream: Stream::PatientRecipe,
    list: Action::ListPrescriptions,
    delete: Action::DeletePrescription,
    title: "recipe",
    page: concat!(
        "SELECT r.id, r.user_id, r.recipe, r.description, r.created_at, r.updated_at, ",
        collection_version!("patient_recipe", "users"),
        " FROM patient_recipes r JOIN profiles p ON p.user_id = r.user_id"
    ),
    count: "SELECT COUNT(*) FROM patient_recipes r JOIN profiles p ON p.user_id = r.user_id",
    lock: "SELECT id, user_id, recipe, description, created_at, updated_at FROM patient_recipes WHERE id = ? FOR UPDATE",
    remove: "DELETE FROM patient_recipes WHERE id = ?",
};

async fn list_prescriptions(
    State(state): State<AppState>,
    signed_in: CallerDb,
    query: QueryParams,
) -> ApiResult<Json<Page<Prescription>>> {
    Ok(Json(TABLE.page::<PrescriptionRow>(&state, signed_in, &query).await?))
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

/// A patient sees only their own prescriptions (404 for anyone else's).
async fn get_prescription(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<Json<Prescription>> {
    let prescription = find_prescription(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    caller.authorize(Action::ReadPrescription, Some(prescription.user_id))?;
    let patient = records::patient_view(&state, &caller, prescription.user_id).await?;
    Ok(Json(prescription.view(patient)))
}

/// Writes a prescription for a patient, and tells the patient that one exists (not what it
/// says).
async fn add_prescription(
    State(state): State<AppState>,
    caller: Caller,
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
    Ok((StatusCode::CREATED, Json(new.commit(&state, &caller, id).await?)))
}

/// Staff only.
async fn delete_prescription(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    TABLE.delete::<PrescriptionRow>(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

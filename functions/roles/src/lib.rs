//! `/api/roles`: staff members (doctors, operators, pharmacists), the doctor list everyone signed
//! in may read, and doctors' availability for booking (API.md, "Roles").
//!
//! Every `{id}` under `/roles` is a roles row id, not a user id. Staff members are created here,
//! with their account; they leave with their account (`DELETE /users/{id}`, the row cascades).

mod listing;
mod new_member;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use qhealth::AppState;
use qhealth::access::{Action, Role};
use qhealth::auth::{Caller, CallerDb, Claims, TokenType};
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{JsonBody, PathId, QueryParams};
use qhealth::mail::{self, Notification, Queued};
use qhealth::page::{Page, PageRequest, bump_version};
use qhealth::users::account::{EMAIL_TAKEN, NewAccount, email_taken, insert_account};
use qhealth::users::{User, Viewer};
use serde::Serialize;
use serde_json::{Value, json};

use crate::listing::{RoleFilter, RoleRow};
use crate::new_member::NewStaffMember;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/roles", get(list_roles).post(create_role))
        .route("/roles/doctor_list", get(list_doctors))
        .route("/roles/doctor_list/{id}", get(get_doctor))
        .route("/roles/block_staff_doctor/{id}", patch(block_doctor))
        .route("/roles/unblock_staff_doctor/{id}", patch(unblock_doctor))
        .route("/roles/{id}", get(get_role))
}

/// The role object of API.md.
#[derive(Debug, Serialize)]
pub struct StaffRole {
    pub id: u64,
    pub role: String,
    pub specialty: Option<String>,
    pub is_available_for_booking: bool,
    pub user: User,
}

/// How much of a staff member's profile the caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProfileShown {
    Whole,
    /// Name, surname and gender only (the e-mail and the role facts are shown too).
    Public,
}

impl RoleRow {
    fn view(self, caller: &Caller, shown: ProfileShown, state: &AppState) -> StaffRole {
        let mut user = self.user.view(Viewer::from(caller), state.today());
        if shown == ProfileShown::Public {
            user = user.without_private_details();
        }
        StaffRole {
            id: self.role_id,
            role: self.role_name,
            specialty: self.specialty,
            is_available_for_booking: self.is_available_for_booking,
            user,
        }
    }
}

/// The doctor list is open to everyone signed in, patients included, so that they can see who
/// works at the clinic. What it shows of a doctor depends on who asks:
///
/// - staff, operators (who book visits) and the doctor themself see the whole profile;
/// - anyone else (patients, pharmacists, other doctors) sees the doctor's name, surname, gender,
///   e-mail address and role facts (role, specialty, availability), while the private profile
///   fields (phone number, date and age of birth, height, weight and address) are `null`.
///
/// The JSON has the same shape either way, so clients need no second object type.
fn doctor_profile_shown_to(caller: &Caller, doctor: &RoleRow) -> ProfileShown {
    if caller.is_staff() || caller.role == Role::Operator || caller.user_id == doctor.user.id {
        ProfileShown::Whole
    } else {
        ProfileShown::Public
    }
}

async fn list_roles(
    State(state): State<AppState>,
    signed_in: CallerDb,
    query: QueryParams,
) -> ApiResult<Json<Page<StaffRole>>> {
    signed_in.caller.authorize(Action::ListRoles, None)?;
    list(&state, signed_in, &query, false).await
}

async fn list_doctors(
    State(state): State<AppState>,
    signed_in: CallerDb,
    query: QueryParams,
) -> ApiResult<Json<Page<StaffRole>>> {
    signed_in.caller.authorize(Action::ListDoctors, None)?;
    list(&state, signed_in, &query, true).await
}

/// One page of staff members (or of doctors only): one statement for the page, and a count
/// only when the staff changed since the last one.
async fn list(
    state: &AppState,
    CallerDb { caller, mut db }: CallerDb,
    query: &QueryParams,
    doctors_only: bool,
) -> ApiResult<Json<Page<StaffRole>>> {
    let mut errors = FieldErrors::new();
    let request = PageRequest::from_query(query, &mut errors);
    let (filter, order) = RoleFilter::from_query(query, doctors_only, &mut errors);
    errors.into_result()?;
    let rows = filter.page(&mut db, order, request).await?;
    // The total is counted on the request's connection too, never a second one.
    let (filter, conn) = (&filter, &mut *db);
    let total = state
        .counts
        .total_for_page("users", filter.cache_key(), request, &rows, move || filter.count(conn))
        .await?;
    let data = rows
        .into_iter()
        .map(|versioned| {
            let row = versioned.row;
            let shown = if doctors_only {
                doctor_profile_shown_to(&caller, &row)
            } else {
                ProfileShown::Whole
            };
            row.view(&caller, shown, state)
        })
        .collect();
    Ok(Json(Page::new(request, total, data)))
}

async fn find_role(state: &AppState, id: u64) -> ApiResult<RoleRow> {
    listing::find(&state.db, id).await?.ok_or(ApiError::NotFound)
}

/// Staff and operators see any staff member; a staff member sees their own row; for anyone
/// else the row does not exist.
async fn get_role(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<Json<StaffRole>> {
    let row = find_role(&state, id).await?;
    caller.authorize(Action::ReadRole, Some(row.user.id))?;
    Ok(Json(row.view(&caller, ProfileShown::Whole, &state)))
}

/// A doctor, as the doctor list shows them (see [`doctor_profile_shown_to`]).
async fn get_doctor(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<Json<StaffRole>> {
    caller.authorize(Action::ReadDoctor, None)?;
    let row = find_role(&state, id).await?;
    if !row.is_doctor() {
        return Err(ApiError::NotFound);
    }
    let shown = doctor_profile_shown_to(&caller, &row);
    Ok(Json(row.view(&caller, shown, &state)))
}

/// Creates the account (inactive) and its roles row in one transaction, and e-mails the new
/// member an activation link. No password ever travels by e-mail: one given here is the one
/// they sign in with; without one, the activation link is where they choose it.
async fn create_role(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<StaffRole>)> {
    caller.authorize(Action::CreateRole, None)?;
    let member = NewStaffMember::read(&body, state.today())?;
    // Checked before the (deliberately slow) hash; the unique key still decides any race.
    if email_taken(&mut *state.db.acquire().await?, &member.email, None).await? {
        return Err(email_taken_error());
    }
    let password_hash = match member.password {
        Some(password) => Some(state.passwords.hash(password).await?),
        None => None,
    };
    let now = state.now();
    let name = member.profile.name.clone().unwrap_or_default();
    let account =
        NewAccount { email: member.email.clone(), password_hash, profile: member.profile };

    let mut tx = state.db.begin().await?;
    let user_id = insert_account(&mut tx, account, now).await.map_err(|error| match error {
        ApiError::Invalid(errors) if errors.get("email").is_some() => email_taken_error(),
        other => other,
    })?;
    let role_id = sqlx::query!(
        "INSERT INTO roles (user_id, role, specialty, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?)",
        user_id,
        member.role,
        member.specialty,
        now,
        now
    )
    .execute(&mut *tx)
    .await?
    .last_insert_id();
    bump_version(&mut tx, "users").await?;
    let welcome = Notification::StaffWelcome {
        name,
        role: member.role.to_owned(),
        specialty: member.specialty,
        token: state.tokens.sign(&Claims::new(TokenType::Activate, user_id, now))?,
    };
    let queued = mail::queue(&mut tx, &state, &member.email, welcome).await?;
    tx.commit().await?;
    tracing::info!(role_id, user_id, by = caller.user_id, "staff member created");
    mail::deliver(&state, [queued]).await;

    let row = find_role(&state, role_id).await?;
    Ok((StatusCode::CREATED, Json(row.view(&caller, ProfileShown::Whole, &state))))
}

/// The e-mail of a new staff member is nested under `user`.
fn email_taken_error() -> ApiError {
    ApiError::field("user.email", EMAIL_TAKEN)
}

async fn block_doctor(
    state: State<AppState>,
    caller: Caller,
    id: PathId,
) -> ApiResult<Json<Value>> {
    set_availability(state, caller, id, false).await
}

async fn unblock_doctor(
    state: State<AppState>,
    caller: Caller,
    id: PathId,
) -> ApiResult<Json<Value>> {
    set_availability(state, caller, id, true).await
}

/// Sets (does not toggle) whether patients can be booked with a doctor. Asking for what is
/// already so changes nothing and sends nothing; a change is e-mailed to the doctor.
async fn set_availability(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    available: bool,
) -> ApiResult<Json<Value>> {
    caller.authorize_any(Action::SetDoctorAvailability)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let target = sqlx::query!(
        r#"SELECT r.user_id, r.role, r.is_available_for_booking AS "is_available_for_booking: bool",
                  u.email, p.name
           FROM roles r JOIN users u ON u.id = r.user_id JOIN profiles p ON p.user_id = u.id
           WHERE r.id = ?
           FOR UPDATE"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ApiError::NotFound)?;
    caller.authorize(Action::SetDoctorAvailability, Some(target.user_id))?;
    if target.role != "doctor" {
        return Err(ApiError::NotFound);
    }
    let mut queued: Vec<Queued> = Vec::new();
    if target.is_available_for_booking != available {
        sqlx::query!(
            "UPDATE roles SET is_available_for_booking = ?, updated_at = ? WHERE id = ?",
            available,
            now,
            id
        )
        .execute(&mut *tx)
        .await?;
        let name = target.name;
        let notification = if available {
            Notification::DoctorAvailable { name }
        } else {
            Notification::DoctorUnavailable { name }
        };
        queued.push(mail::queue(&mut tx, &state, &target.email, notification).await?);
        tracing::info!(role_id = id, by = caller.user_id, available, "doctor availability changed");
    }
    tx.commit().await?;
    mail::deliver(&state, queued).await;
    Ok(Json(json!({"is_available_for_booking": available})))
}

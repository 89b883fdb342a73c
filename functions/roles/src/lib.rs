//! `/api/roles`: staff members (doctors, operators, pharmacists), the doctor list everyone signed
//! in may read, and doctors' availability for booking (API.md, "Roles").
//!
//! Every `{id}` under `/roles` is a roles row id, not a user id. Staff members are created here,
//! with their account; they leave with their account (`DELETE /users/{id}`, the row cascades).

mod listing;
mod new_member;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use qhealth::AppState;
use qhealth::access::{Action, Role};
use qhealth::auth::{Caller, CallerDb, Claims, TokenType};
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{JsonBody, PathId, QueryParams};
use qhealth::mail::{self, Notification, Queued};
use qhealth::openapi::{Forbidden, IdOrder, PageQuery};
use qhealth::page::{Page, PageRequest, bump_version};
use qhealth::users::account::{EMAIL_TAKEN, NewAccount, email_taken, insert_account};
use qhealth::users::docs::NewProfile;
use qhealth::users::{User, Viewer};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::listing::{RoleFilter, RoleRow};
use crate::new_member::NewStaffMember;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_roles, create_role))
        .routes(routes!(list_doctors))
        .routes(routes!(get_doctor))
        .routes(routes!(block_doctor))
        .routes(routes!(unblock_doctor))
        .routes(routes!(get_role))
}

/// A staff member: their role and their account (the role object of API.md).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "role": "doctor", "specialty": "Cardiology", "is_available_for_booking": true,
    "user": {
        "id": 12, "email": "karin.berg@clinic.example", "pending_email": null,
        "is_active": true, "is_staff": false, "is_superuser": false,
        "last_login": "2026-11-20T07:55:00Z", "created_at": "2026-01-10T09:00:00Z",
        "updated_at": "2026-01-10T09:30:00Z",
        "profile": {"id": 12, "name": "Karin", "surname": "Berg", "phone_number": "+46701234567",
                    "date_of_birth": "1980-01-01", "age": 46, "height": null, "weight": null,
                    "street": null, "house": null, "city": "Malmö", "region": null,
                    "country": "Sweden", "gender": "Female",
                    "created_at": "2026-01-10T09:00:00Z", "updated_at": "2026-01-10T09:00:00Z"}
    }
}))]
pub struct StaffRole {
    /// The roles row's id: what `/roles/{id}` and `/roles/doctor_list/{id}` take (not the user
    /// id).
    pub id: u64,
    #[schema(value_type = StaffRoleName)]
    pub role: String,
    /// The doctor's specialty; `null` for operators and pharmacists.
    pub specialty: Option<String>,
    /// Whether patients can be booked with this doctor; always `true` for operators and
    /// pharmacists.
    pub is_available_for_booking: bool,
    /// The staff member's account. In the doctor list, callers other than staff, operators and
    /// the doctor themself see only the name, surname and gender of the profile (and the
    /// e-mail address): the other profile fields are `null`.
    pub user: User,
}

/// A staff role.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // documentation only: roles are read and stored as text
enum StaffRoleName {
    Doctor,
    Operator,
    Pharmacist,
}

/// A new staff member and their account.
#[derive(ToSchema)]
#[schema(example = json!({
    "role": "doctor", "specialty": "Cardiology",
    "user": {"email": "karin.berg@clinic.example",
             "profile": {"name": "Karin", "surname": "Berg", "phone_number": "0701234567",
                         "date_of_birth": "1980-01-01", "gender": "Female"}}
}))]
#[allow(dead_code)] // documentation only: the handler reads the body field by field
struct NewStaffRole {
    role: StaffRoleName,
    /// The doctor's specialty, 1–100 characters once trimmed: required for a doctor; for an
    /// operator or a pharmacist leave it out or `null` (a specialty given is a 400).
    #[schema(min_length = 1, max_length = 100)]
    specialty: Option<String>,
    user: NewStaffAccount,
}

/// A new staff member's account. Problems are named `user.<field>` and
/// `user.profile.<field>`.
#[derive(ToSchema)]
#[allow(dead_code)] // documentation only: the handler reads the body field by field
struct NewStaffAccount {
    /// The e-mail address to sign in with: unique (ignoring case), stored lower-case. An
    /// address already registered is a 400 naming `user.email`.
    #[schema(max_length = 254)]
    email: String,
    /// The password to sign in with: 8–128 characters with at least one upper-case letter,
    /// one lower-case letter, one digit and one character that is neither. Left out (or
    /// `null`), the member chooses one when following the activation link.
    #[schema(min_length = 8, max_length = 128)]
    password: Option<String>,
    profile: NewProfile,
}

/// A doctor's availability for booking, as just set.
#[derive(ToSchema)]
#[allow(dead_code)] // documentation only: the handlers answer with `json!`
struct DoctorAvailability {
    /// Whether patients can be booked with the doctor.
    is_available_for_booking: bool,
}

/// The staff and doctor lists' filters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: see `RoleFilter`
struct RoleListQuery {
    /// Staff members whose role (`doctor`, `operator`, `pharmacist`) contains this, ignoring
    /// case.
    #[param(nullable = false)]
    icontains_role: Option<String>,
    /// Staff members whose specialty contains this, ignoring case and accents (only doctors
    /// have one).
    #[param(nullable = false)]
    icontains_specialty: Option<String>,
    /// Staff members whose first name contains this, ignoring case and accents.
    #[param(nullable = false)]
    icontains_name: Option<String>,
    /// Staff members whose family name contains this, ignoring case and accents.
    #[param(nullable = false)]
    icontains_surname: Option<String>,
    /// By the roles row's id: `id` (the default) or `-id`.
    #[param(inline, nullable = false)]
    order: Option<IdOrder>,
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

/// Lists the staff members.
///
/// Doctors, operators and pharmacists, with their accounts; ordered by the roles row's id
/// unless `order` says otherwise.
///
/// **Who:** staff, operator.
#[utoipa::path(get, path = "/roles", tag = "roles", params(PageQuery, RoleListQuery),
    security(("bearer" = [])), responses(
        (status = 200, body = Page<StaffRole>),
        (status = 403, response = Forbidden)))]
async fn list_roles(
    State(state): State<AppState>,
    signed_in: CallerDb,
    query: QueryParams,
) -> ApiResult<Json<Page<StaffRole>>> {
    signed_in.caller.authorize(Action::ListRoles, None)?;
    list(&state, signed_in, &query, false).await
}

/// Lists the doctors.
///
/// Doctors only, with the same filters and order as the staff list. Staff, operators and the
/// doctor themself see the whole profile; anyone else sees a doctor's name, surname, gender,
/// e-mail address and role facts (role, specialty, availability), while the other profile
/// fields (phone number, date of birth and age, height, weight, address) are `null`.
///
/// **Who:** anyone signed in.
#[utoipa::path(get, path = "/roles/doctor_list", tag = "roles", params(PageQuery, RoleListQuery),
    security(("bearer" = [])), responses((status = 200, body = Page<StaffRole>)))]
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

/// Reads one staff member.
///
/// The role, specialty and availability, with the member's account, by roles row id.
///
/// **Who:** staff, operator; a doctor or pharmacist only themself (anyone else's id is a 404,
/// as is every id for a patient).
#[utoipa::path(get, path = "/roles/{id}", tag = "roles",
    params(("id" = u64, Path, minimum = 1, description = "The roles row's id (not the user id)")),
    security(("bearer" = [])), responses((status = 200, body = StaffRole)))]
async fn get_role(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<Json<StaffRole>> {
    let row = find_role(&state, id).await?;
    caller.authorize(Action::ReadRole, Some(row.user.id))?;
    Ok(Json(row.view(&caller, ProfileShown::Whole, &state)))
}

/// Reads one doctor.
///
/// 404 when the id is not a doctor's. Shows the doctor as the doctor list does: anyone but
/// staff, operators and the doctor themself sees only the name, surname, gender, e-mail address
/// and role facts; the other profile fields are `null`.
///
/// **Who:** anyone signed in.
#[utoipa::path(get, path = "/roles/doctor_list/{id}", tag = "roles",
    params(("id" = u64, Path, minimum = 1,
        description = "The doctor's roles row id (not the user id)")),
    security(("bearer" = [])), responses((status = 200, body = StaffRole)))]
// What a caller sees of the doctor: see `doctor_profile_shown_to`.
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

/// Adds a staff member.
///
/// Creates the account (inactive) and its role together: a doctor needs a `specialty`, an
/// operator or a pharmacist may not have one. The new member is e-mailed their role (and
/// specialty, for a doctor) with an activation link (valid 30 minutes). No password ever
/// travels by e-mail: one given here is the one they sign in with; without one, the activation
/// link is where they choose it. An e-mail address already registered is a 400 naming
/// `user.email`. Answers the new staff member.
///
/// **Who:** staff.
#[utoipa::path(post, path = "/roles", tag = "roles", request_body = NewStaffRole,
    security(("bearer" = [])), responses(
        (status = 201, body = StaffRole),
        (status = 403, response = Forbidden)))]
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

/// Makes a doctor unavailable for booking.
///
/// Sets `is_available_for_booking` to false (it does not toggle): no new visits can be booked
/// with the doctor. The doctor is e-mailed when this changes anything. 404 when the id is not a
/// doctor's.
///
/// **Who:** staff.
#[utoipa::path(patch, path = "/roles/block_staff_doctor/{id}", tag = "roles",
    params(("id" = u64, Path, minimum = 1,
        description = "The doctor's roles row id (not the user id)")),
    security(("bearer" = [])), responses(
        (status = 200, body = DoctorAvailability,
            example = json!({"is_available_for_booking": false})),
        (status = 403, response = Forbidden)))]
async fn block_doctor(
    state: State<AppState>,
    caller: Caller,
    id: PathId,
) -> ApiResult<Json<Value>> {
    set_availability(state, caller, id, false).await
}

/// Makes a doctor available for booking.
///
/// Sets `is_available_for_booking` to true (it does not toggle). The doctor is e-mailed when
/// this changes anything. 404 when the id is not a doctor's.
///
/// **Who:** staff.
#[utoipa::path(patch, path = "/roles/unblock_staff_doctor/{id}", tag = "roles",
    params(("id" = u64, Path, minimum = 1,
        description = "The doctor's roles row id (not the user id)")),
    security(("bearer" = [])), responses(
        (status = 200, body = DoctorAvailability,
            example = json!({"is_available_for_booking": true})),
        (status = 403, response = Forbidden)))]
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

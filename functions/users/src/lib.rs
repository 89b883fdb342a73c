//! `/api/users`: registration, the user and patient lists, profiles, e-mail changes, and the
//! account actions staff take (API.md, "Users").

mod activation;
mod filters;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use qhealth::AppState;
use qhealth::access::{self, Action};
use qhealth::audit::{AuditAction, AuditRecord, Event, Reader};
use qhealth::auth::{Caller, CallerDb, Claims, TokenType, revoke_all_sessions, spend_action_token};
use qhealth::db::{is_foreign_key_violation, is_unique_violation};
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{ClientIp, JsonBody, PathId, PathToken, QueryParams};
use qhealth::mail::{self, Notification, Queued};
use qhealth::openapi::{Conflict, Detail, Forbidden, PageQuery, Problem};
use qhealth::page::{Page, PageRequest, bump_version};
use qhealth::users::account::{
    self, EMAIL_TAKEN, Mode, NewAccount, ProfileChanges, email_taken, insert_account,
};
use qhealth::users::docs::{Gender, NewProfile, ProfileUpdate};
use qhealth::users::{self, User, UserRow, Viewer};
use qhealth::validate::{Input, rules};
use serde_json::{Value, json};
use sqlx::MySqlConnection;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::filters::UserFilter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, register))
        .routes(routes!(list_patients))
        .routes(routes!(get_patient))
        .routes(routes!(verify_email))
        .routes(routes!(get_user, update_user, delete_user))
        .routes(routes!(block))
        .routes(routes!(unblock))
        .routes(routes!(create_admin))
        .routes(routes!(revoke_admin))
        .routes(routes!(activation::resend_activation))
}

/// A registration.
#[derive(ToSchema)]
#[schema(example = json!({
    "email": "eva@example.com", "password": "Spring-2026!",
    "profile": {"name": "Eva", "surname": "Lind", "phone_number": "0701234567",
                "date_of_birth": "1985-09-22", "gender": "Female", "city": "Malmö"}
}))]
#[allow(dead_code)] // documentation only: the handler reads the body field by field
struct Registration {
    /// The e-mail address to sign in with: unique (ignoring case), stored lower-case. An
    /// address already registered is a 400 naming `email`.
    #[schema(max_length = 254)]
    email: String,
    /// 8–128 characters with at least one upper-case letter, one lower-case letter, one digit
    /// and one character that is neither.
    #[schema(min_length = 8, max_length = 128)]
    password: String,
    profile: NewProfile,
}

/// Changes to a user: only what is given changes.
#[derive(ToSchema)]
#[schema(example = json!({"email": "eva.lind@example.com", "profile": {"city": "Lund"}}))]
#[allow(dead_code)] // documentation only: the handler reads the body field by field
struct UserUpdate {
    /// A new e-mail address. It waits in `pending_email` until its owner follows the
    /// verification link sent to it; the current address changes nothing. An address that
    /// belongs to another account is a 400 naming `email`.
    #[schema(nullable = false, max_length = 254)]
    email: Option<String>,
    /// Profile fields to change; left out or `null`, the profile stays as it is. Problems are
    /// named `profile.<field>`.
    profile: Option<ProfileUpdate>,
}

/// The user and patient lists' filters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: see `UserFilter`
struct UserListQuery {
    /// Users whose first name contains this, ignoring case and accents.
    #[param(nullable = false)]
    icontains_name: Option<String>,
    /// Users whose family name contains this, ignoring case and accents.
    #[param(nullable = false)]
    icontains_surname: Option<String>,
    /// Users at least this old, in whole years counted from the date of birth (users without
    /// one never match).
    #[param(nullable = false)]
    min_age: Option<u32>,
    /// Users at most this old, in whole years counted from the date of birth (users without
    /// one never match).
    #[param(nullable = false)]
    max_age: Option<u32>,
    /// Users born on this day (YYYY-MM-DD).
    #[param(nullable = false)]
    date_of_birth: Option<NaiveDate>,
    /// Users whose city contains this, ignoring case and accents (`malmo` finds `Malmö`).
    #[param(nullable = false)]
    icontains_city: Option<String>,
    /// Users whose country contains this, ignoring case and accents.
    #[param(nullable = false)]
    icontains_country: Option<String>,
    /// Users of this gender.
    #[param(inline, nullable = false)]
    gender: Option<Gender>,
}

/// Registers a patient.
///
/// The account is created inactive, as a patient: an activation link (valid 30 minutes) and a
/// welcome e-mail go to the address given, and the account can sign in once the link is
/// followed (`PATCH /auth/activate/{token}`). Answers the new user. An e-mail address already
/// registered is a 400 naming `email`; every other failing field is named too (`password`,
/// `profile.date_of_birth`, ...).
///
/// **Who:** anyone.
#[utoipa::path(post, path = "/users", tag = "users", request_body = Registration,
    responses((status = 201, body = User)))]
async fn register(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<User>)> {
    let input = Input::root(&body)?;
    let mut errors = FieldErrors::new();
    let email = input.required("email", &mut errors, rules::email);
    let password = input.required("password", &mut errors, rules::password);
    let profile = input
        .required_object("profile", &mut errors)
        .map(|p| ProfileChanges::read(&p, &mut errors, state.today(), Mode::Create));
    let (Some(email), Some(password), Some(profile)) = (email, password, profile) else {
        return Err(ApiError::Invalid(errors));
    };
    errors.into_result()?;
    // Checked before the (deliberately slow) hash; the unique key still decides any race.
    if email_taken(&mut *state.db.acquire().await?, &email, None).await? {
        return Err(ApiError::field("email", EMAIL_TAKEN));
    }
    let password_hash = Some(state.passwords.hash(password).await?);
    let now = state.now();
    let name = profile.name.clone().unwrap_or_default();

    let mut tx = state.db.begin().await?;
    let user_id =
        insert_account(&mut tx, NewAccount { email: email.clone(), password_hash, profile }, now)
            .await?;
    bump_version(&mut tx, "users").await?;
    let token = state.tokens.sign(&Claims::new(TokenType::Activate, user_id, now))?;
    let queued = mail::queue_all(
        &mut tx,
        &state,
        &email,
        vec![
            Notification::Activation { name: name.clone(), token },
            Notification::Welcome { name },
        ],
    )
    .await?;
    tx.commit().await?;
    mail::deliver(&state, queued).await;

    let user = find_user(&state, user_id).await?;
    Ok((StatusCode::CREATED, Json(user.view(Viewer::owner(user_id), state.today()))))
}

/// Lists all users.
///
/// Every account (patients and staff alike), ordered by id, with the filters below. The
/// patients' profiles on the page are recorded as read in the audit trail.
///
/// **Who:** staff, doctor, operator, pharmacist.
#[utoipa::path(get, path = "/users", tag = "users", params(PageQuery, UserListQuery),
    security(("bearer" = [])), responses(
        (status = 200, body = Page<User>),
        (status = 403, response = Forbidden)))]
async fn list_users(
    State(state): State<AppState>,
    signed_in: CallerDb,
    ip: ClientIp,
    query: QueryParams,
) -> ApiResult<Json<Page<User>>> {
    signed_in.caller.authorize(Action::ListUsers, None)?;
    list(&state, signed_in, ip, &query, false).await
}

/// Lists the patients.
///
/// Only patients: the users who are neither superuser nor admin and have no staff role
/// (doctor, operator, pharmacist); ordered by id, with the filters below. Recorded in the audit
/// trail.
///
/// **Who:** staff, doctor, operator, pharmacist.
#[utoipa::path(get, path = "/users/patient", tag = "users", params(PageQuery, UserListQuery),
    security(("bearer" = [])), responses(
        (status = 200, body = Page<User>),
        (status = 403, response = Forbidden)))]
async fn list_patients(
    State(state): State<AppState>,
    signed_in: CallerDb,
    ip: ClientIp,
    query: QueryParams,
) -> ApiResult<Json<Page<User>>> {
    signed_in.caller.authorize(Action::ListPatients, None)?;
    list(&state, signed_in, ip, &query, true).await
}

/// A page of users; the patients' profiles on it are recorded as read in the audit trail.
async fn list(
    state: &AppState,
    CallerDb { caller, mut db }: CallerDb,
    ip: ClientIp,
    query: &QueryParams,
    patients_only: bool,
) -> ApiResult<Json<Page<User>>> {
    let mut errors = FieldErrors::new();
    let request = PageRequest::from_query(query, &mut errors);
    let filter = UserFilter::from_query(query, state.today(), patients_only, &mut errors);
    errors.into_result()?;
    let (rows, total) = filter.read(&mut db, &state.counts, request).await?;
    let patients: Vec<u64> = rows.iter().filter(|row| row.is_patient()).map(|row| row.id).collect();
    let event = Event::list(AuditRecord::Patient, &patients);
    Reader::new(state, &caller, ip).record(&mut *db, event).await?;
    let viewer = Viewer::from(&caller);
    let today = state.today();
    let data = rows.into_iter().map(|row| row.view(viewer, today)).collect();
    Ok(Json(Page::new(request, total, data)))
}

async fn find_user(state: &AppState, id: u64) -> ApiResult<UserRow> {
    users::find(&state.db, id).await?.ok_or(ApiError::NotFound)
}

/// Reads one user.
///
/// `pending_email` is shown only to staff and to the user themself. A patient's profile read by
/// someone else is recorded in the audit trail.
///
/// **Who:** staff, doctor, operator, pharmacist; a patient only themself (anyone else's id is a
/// 404).
#[utoipa::path(get, path = "/users/{id}", tag = "users",
    params(("id" = u64, Path, minimum = 1, description = "The user's id")),
    security(("bearer" = [])), responses((status = 200, body = User)))]
async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<Json<User>> {
    caller.authorize(Action::ReadUser, Some(id))?;
    let user = find_user(&state, id).await?;
    if user.is_patient() {
        record_profile_read(&state, &caller, ip, id).await?;
    }
    Ok(Json(user.view(Viewer::from(&caller), state.today())))
}

/// A patient's profile read by `caller`, in the audit trail (unless they read their own).
async fn record_profile_read(
    state: &AppState,
    caller: &Caller,
    ip: ClientIp,
    patient_id: u64,
) -> ApiResult<()> {
    let event = Event::one(AuditAction::Read, AuditRecord::Patient, patient_id, patient_id);
    Ok(Reader::new(state, caller, ip).record(&state.db, event).await?)
}

/// Reads one patient.
///
/// 404 when the id is not a patient's (a superuser, an admin or a staff member).
///
/// **Who:** staff, doctor, operator, pharmacist; a patient only themself (anyone else's id is a
/// 404).
#[utoipa::path(get, path = "/users/patient/{id}", tag = "users",
    params(("id" = u64, Path, minimum = 1, description = "The patient's user id")),
    security(("bearer" = [])), responses((status = 200, body = User)))]
async fn get_patient(
    State(state): State<AppState>,
    caller: Caller,
    ip: ClientIp,
    PathId(id): PathId,
) -> ApiResult<Json<User>> {
    caller.authorize(Action::ReadPatient, Some(id))?;
    let user = find_user(&state, id).await?;
    if !user.is_patient() {
        return Err(ApiError::NotFound);
    }
    record_profile_read(&state, &caller, ip, id).await?;
    Ok(Json(user.view(Viewer::from(&caller), state.today())))
}

/// Locks the account `id` for a change by `caller`, after the permission table and the limits
/// on oneself, admins and superusers have allowed `action`.
async fn lock_target(
    conn: &mut MySqlConnection,
    caller: &Caller,
    action: Action,
    id: u64,
) -> ApiResult<UserRow> {
    caller.authorize(action, Some(id))?;
    let target = users::find_for_update(conn, id).await?.ok_or(ApiError::NotFound)?;
    access::check_account_limits(caller.actor(), action, target.as_target())?;
    Ok(target)
}

/// Changes a user's e-mail address or profile.
///
/// A partial update: only the fields given change. A new e-mail address is not used until its
/// owner confirms it: it waits in `pending_email` while a verification link (valid 10 minutes)
/// goes to the new address, to be followed with `GET /users/verify_email/{token}`. An address
/// that belongs to another account is a 400 naming `email`. Answers the user as they now are.
///
/// **Who:** staff, or the user themself; an admin cannot change a superuser (403). A doctor,
/// operator or pharmacist changing someone else gets 403, a patient 404.
#[utoipa::path(patch, path = "/users/{id}", tag = "users", request_body = UserUpdate,
    params(("id" = u64, Path, minimum = 1, description = "The user's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = User),
        (status = 403, response = Forbidden)))]
async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<User>> {
    let input = Input::root(&body)?;
    let mut errors = FieldErrors::new();
    let email = input.optional("email", &mut errors, rules::email);
    let profile = input
        .optional_object("profile", &mut errors)
        .map(|p| ProfileChanges::read(&p, &mut errors, state.today(), Mode::Update))
        .unwrap_or_default();
    errors.into_result()?;
    let now = state.now();

    let mut tx = state.db.begin().await?;
    let target = lock_target(&mut tx, &caller, Action::UpdateUser, id).await?;
    let mut queued = Vec::new();
    if let Some(email) = email.filter(|e| *e != target.email) {
        if email_taken(&mut tx, &email, Some(id)).await? {
            return Err(ApiError::field("email", EMAIL_TAKEN));
        }
        sqlx::query!(
            "UPDATE users SET pending_email = ?, updated_at = ? WHERE id = ?",
            email,
            now,
            id
        )
        .execute(&mut *tx)
        .await?;
        let claims = Claims::new(TokenType::VerifyEmail, id, now).with_email(&email);
        let notification = Notification::VerifyEmail {
            name: target.name.clone(),
            token: state.tokens.sign(&claims)?,
        };
        queued.push(mail::queue(&mut tx, &state, &email, notification).await?);
    }
    if profile != ProfileChanges::default() {
        if profile.touches_filtered_fields() {
            bump_version(&mut tx, "users").await?;
        }
        account::update_profile(&mut tx, &target, profile, now).await?;
    }
    tx.commit().await?;
    mail::deliver(&state, queued).await;
    let user = find_user(&state, id).await?;
    Ok(Json(user.view(Viewer::from(&caller), state.today())))
}

/// Confirms a pending e-mail change.
///
/// Moves `pending_email` to `email`. The link (valid 10 minutes, single use) works only for the
/// account it was sent for, and only for the address it was sent to: a used, expired or foreign
/// link is a 401. 400 when no e-mail change is waiting; 409 when the address has meanwhile
/// become another account's.
///
/// **Who:** anyone signed in: the account the link was sent for.
#[utoipa::path(get, path = "/users/verify_email/{token}", tag = "users",
    params(("token" = String, Path, min_length = 1,
        description = "The token of the verification link e-mailed to the new address")),
    security(("bearer" = [])), responses(
        (status = 200, body = Detail, example = json!({"detail": "Email successfully verified"})),
        (status = 400, body = Problem, description = "No e-mail change is waiting for confirmation.",
            example = json!({"detail": "There is no e-mail change waiting for confirmation."})),
        (status = 409, response = Conflict)))]
async fn verify_email(
    State(state): State<AppState>,
    caller: Caller,
    PathToken(token): PathToken,
) -> ApiResult<Json<Value>> {
    let now = state.now();
    let claims = state.tokens.verify(&token, TokenType::VerifyEmail, now)?;
    const FOREIGN: &str = "This link is invalid or has expired.";
    if claims.user_id != caller.user_id {
        return Err(ApiError::Unauthorized(FOREIGN));
    }
    let mut tx = state.db.begin().await?;
    spend_action_token(&mut tx, &claims, now).await?;
    let target =
        users::find_for_update(&mut tx, caller.user_id).await?.ok_or(ApiError::NotFound)?;
    let Some(pending) = target.pending_email else {
        return Err(ApiError::BadRequest("There is no e-mail change waiting for confirmation."));
    };
    if claims.email.as_deref() != Some(pending.as_str()) {
        return Err(ApiError::Unauthorized(FOREIGN));
    }
    let moved = sqlx::query!(
        "UPDATE users SET email = pending_email, pending_email = NULL, updated_at = ? WHERE id = ?",
        now,
        caller.user_id
    )
    .execute(&mut *tx)
    .await;
    match moved {
        Ok(_) => {}
        Err(error) if is_unique_violation(&error) => {
            return Err(ApiError::Conflict(
                "This e-mail address now belongs to another account.".into(),
            ));
        }
        Err(error) => return Err(error.into()),
    }
    tx.commit().await?;
    Ok(Json(json!({"detail": "Email successfully verified"})))
}

/// Deletes a user's account.
///
/// Answers 409, saying why, while the account has something the clinic must keep: a patient's
/// diagnostic bookings, booked (not cancelled) doctor visits, journal entries or
/// prescriptions, or a doctor's booked visits. Cancelled visits go with the account. The user
/// is e-mailed that their account was deleted.
///
/// **Who:** staff, or the user themself. An admin cannot delete a superuser or another admin
/// (403); nobody deletes the last superuser (409). A doctor, operator or pharmacist deleting
/// someone else gets 403, a patient 404.
#[utoipa::path(delete, path = "/users/{id}", tag = "users",
    params(("id" = u64, Path, minimum = 1, description = "The user's id")),
    security(("bearer" = [])), responses(
        (status = 204, description = "Deleted."),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict)))]
async fn delete_user(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin().await?;
    let target = lock_target(&mut tx, &caller, Action::DeleteUser, id).await?;
    ensure_deletable(&mut tx, &target).await?;
    // Cancelled visits are history without a future; they go with either party's account.
    sqlx::query!(
        "DELETE FROM doctor_visits WHERE (user_id = ? OR doctor_id = ?) AND status = 'cancelled'",
        id,
        id
    )
    .execute(&mut *tx)
    .await?;
    let deleted = sqlx::query!("DELETE FROM users WHERE id = ?", id).execute(&mut *tx).await;
    if let Err(error) = deleted {
        // Something was booked or written for this user since the checks above.
        return Err(if is_foreign_key_violation(&error) {
            ApiError::Conflict("This account still has bookings or records. Try again.".into())
        } else {
            error.into()
        });
    }
    bump_version(&mut tx, "users").await?;
    let goodbye = Notification::AccountDeleted { name: target.name.clone() };
    let queued = mail::queue(&mut tx, &state, &target.email, goodbye).await?;
    tx.commit().await?;
    tracing::info!(user_id = id, by = caller.user_id, "account deleted");
    mail::deliver(&state, [queued]).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The business rules that keep an account (409, in words the clinic uses).
async fn ensure_deletable(conn: &mut MySqlConnection, target: &UserRow) -> ApiResult<()> {
    let id = target.id;
    let holds = sqlx::query!(
        r#"SELECT
             EXISTS(SELECT 1 FROM diagnostic_bookings WHERE user_id = ?) AS "diagnostic_bookings: bool",
             EXISTS(SELECT 1 FROM doctor_visits WHERE user_id = ? AND status = 'booked') AS "booked_visits: bool",
             EXISTS(SELECT 1 FROM doctor_visits WHERE doctor_id = ? AND status = 'booked') AS "doctor_visits: bool",
             EXISTS(SELECT 1 FROM patient_cards WHERE user_id = ?)
               OR EXISTS(SELECT 1 FROM patient_recipes WHERE user_id = ?) AS "medical_records: bool",
             EXISTS(SELECT 1 FROM sick_leaves WHERE user_id = ?) AS "certificates: bool""#,
        id,
        id,
        id,
        id,
        id,
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    let refusal = if holds.diagnostic_bookings {
        Some("This patient has diagnostic bookings. Delete them before deleting the account.")
    } else if holds.booked_visits {
        Some("This patient has booked doctor visits. Cancel them before deleting the account.")
    } else if holds.doctor_visits {
        Some("This doctor has booked visits. Cancel them before deleting the account.")
    } else if holds.medical_records {
        Some(
            "This patient has journal entries or prescriptions, which the clinic must keep. \
             Block the account instead.",
        )
    } else if holds.certificates {
        Some(
            "This patient has sick-leave certificates, which the clinic must keep. \
             Block the account instead.",
        )
    } else {
        None
    };
    if let Some(reason) = refusal {
        return Err(ApiError::Conflict(reason.into()));
    }
    if target.is_superuser {
        // Locks every superuser row, so two superusers cannot delete each other at once.
        let superusers = sqlx::query_scalar!("SELECT id FROM users WHERE is_superuser FOR UPDATE")
            .fetch_all(&mut *conn)
            .await?;
        if superusers.len() <= 1 {
            return Err(ApiError::Conflict(
                "This is the last superuser. Make someone else a superuser first.".into(),
            ));
        }
    }
    Ok(())
}

/// Blocks a user.
///
/// Sets `is_active` to false: the user cannot sign in, and every session they hold ends at
/// once. The user is e-mailed. Blocking a blocked user changes nothing and sends nothing.
/// Answers the user.
///
/// **Who:** staff, not on themself; an admin cannot block a superuser or an admin (403).
#[utoipa::path(patch, path = "/users/{id}/block", tag = "users",
    params(("id" = u64, Path, minimum = 1, description = "The user's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = User),
        (status = 403, response = Forbidden)))]
async fn block(state: State<AppState>, caller: Caller, id: PathId) -> ApiResult<Json<User>> {
    set_flag(state, caller, id, AccountFlag::Active(false)).await
}

/// Unblocks a user.
///
/// Sets `is_active` to true, so the user can sign in again (sessions ended by the block stay
/// ended). The user is e-mailed. Unblocking an active user changes nothing and sends nothing.
/// Answers the user.
///
/// **Who:** staff, not on themself; an admin cannot unblock a superuser or an admin (403).
#[utoipa::path(patch, path = "/users/{id}/unblock", tag = "users",
    params(("id" = u64, Path, minimum = 1, description = "The user's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = User),
        (status = 403, response = Forbidden)))]
async fn unblock(state: State<AppState>, caller: Caller, id: PathId) -> ApiResult<Json<User>> {
    set_flag(state, caller, id, AccountFlag::Active(true)).await
}

/// Makes a user an admin.
///
/// Sets `is_staff` to true; the user is e-mailed. Asking this of an admin changes nothing and
/// sends nothing. Answers the user.
///
/// **Who:** staff, not on themself; an admin cannot change a superuser (403).
#[utoipa::path(patch, path = "/users/{id}/create_admin", tag = "users",
    params(("id" = u64, Path, minimum = 1, description = "The user's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = User),
        (status = 403, response = Forbidden)))]
async fn create_admin(state: State<AppState>, caller: Caller, id: PathId) -> ApiResult<Json<User>> {
    set_flag(state, caller, id, AccountFlag::Staff(true)).await
}

/// Takes a user's admin rights away.
///
/// Sets `is_staff` to false; the user is e-mailed. Asking this of a user who is not an admin
/// changes nothing and sends nothing. Answers the user.
///
/// **Who:** superuser, not on themself.
#[utoipa::path(patch, path = "/users/{id}/revoke_admin", tag = "users",
    params(("id" = u64, Path, minimum = 1, description = "The user's id")),
    security(("bearer" = [])), responses(
        (status = 200, body = User),
        (status = 403, response = Forbidden)))]
async fn revoke_admin(state: State<AppState>, caller: Caller, id: PathId) -> ApiResult<Json<User>> {
    set_flag(state, caller, id, AccountFlag::Staff(false)).await
}

/// The account switches staff flip: `is_active` (block/unblock) and `is_staff` (admin rights).
#[derive(Clone, Copy)]
enum AccountFlag {
    Active(bool),
    Staff(bool),
}

impl AccountFlag {
    fn action(self) -> Action {
        match self {
            Self::Active(false) => Action::BlockUser,
            Self::Active(true) => Action::UnblockUser,
            Self::Staff(true) => Action::GrantAdmin,
            Self::Staff(false) => Action::RevokeAdmin,
        }
    }

    fn is_set_on(self, user: &UserRow) -> bool {
        match self {
            Self::Active(value) => user.is_active == value,
            Self::Staff(value) => user.is_staff == value,
        }
    }

    fn notification(self, name: String) -> Notification {
        match self {
            Self::Active(false) => Notification::AccountBlocked { name },
            Self::Active(true) => Notification::AccountUnblocked { name },
            Self::Staff(true) => Notification::AdminGranted { name },
            Self::Staff(false) => Notification::AdminRevoked { name },
        }
    }
}

/// Sets the flag; asking for what is already so changes nothing and sends nothing.
async fn set_flag(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    flag: AccountFlag,
) -> ApiResult<Json<User>> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let target = lock_target(&mut tx, &caller, flag.action(), id).await?;
    let mut queued: Vec<Queued> = Vec::new();
    if !flag.is_set_on(&target) {
        match flag {
            AccountFlag::Active(active) => {
                sqlx::query!(
                    "UPDATE users SET is_active = ?, updated_at = ? WHERE id = ?",
                    active,
                    now,
                    id
                )
                .execute(&mut *tx)
                .await?;
                if !active {
                    // A blocked user's sessions end now, and stay ended if they are unblocked.
                    revoke_all_sessions(&mut tx, id, now).await?;
                }
            }
            AccountFlag::Staff(staff) => {
                sqlx::query!(
                    "UPDATE users SET is_staff = ?, updated_at = ? WHERE id = ?",
                    staff,
                    now,
                    id
                )
                .execute(&mut *tx)
                .await?;
                // Staff are not patients: the patient list changes.
                bump_version(&mut tx, "users").await?;
            }
        }
        let notification = flag.notification(target.name.clone());
        queued.push(mail::queue(&mut tx, &state, &target.email, notification).await?);
        tracing::info!(user_id = id, by = caller.user_id, action = ?flag.action(), "account changed");
    }
    tx.commit().await?;
    mail::deliver(&state, queued).await;
    let user = find_user(&state, id).await?;
    Ok(Json(user.view(Viewer::from(&caller), state.today())))
}

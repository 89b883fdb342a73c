//! `/api/users`: registration, the user and patient lists, profiles, e-mail changes, and the
//! account actions staff take (API.md, "Users").

mod filters;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use qhealth::AppState;
use qhealth::access::{self, Action};
use qhealth::auth::{Caller, CallerDb, Claims, TokenType, revoke_all_sessions, spend_action_token};
use qhealth::db::{is_foreign_key_violation, is_unique_violation};
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{JsonBody, PathId, PathToken, QueryParams};
use qhealth::mail::{self, Notification, Queued};
use qhealth::page::{Page, PageRequest, bump_version};
use qhealth::users::account::{
    self, EMAIL_TAKEN, Mode, NewAccount, ProfileChanges, email_taken, insert_account,
};
use qhealth::users::{self, User, UserRow, Viewer};
use qhealth::validate::{Input, rules};
use serde_json::{Value, json};
use sqlx::MySqlConnection;

use crate::filters::UserFilter;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list_users).post(register))
        .route("/users/patient", get(list_patients))
        .route("/users/patient/{id}", get(get_patient))
        .route("/users/verify_email/{token}", get(verify_email))
        .route("/users/{id}", get(get_user).patch(update_user).delete(delete_user))
        .route("/users/{id}/block", patch(block))
        .route("/users/{id}/unblock", patch(unblock))
        .route("/users/{id}/create_admin", patch(create_admin))
        .route("/users/{id}/revoke_admin", patch(revoke_admin))
}

/// Anyone may register: the account is an inactive patient until the e-mailed link is followed.
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

async fn list_users(
    State(state): State<AppState>,
    signed_in: CallerDb,
    query: QueryParams,
) -> ApiResult<Json<Page<User>>> {
    signed_in.caller.authorize(Action::ListUsers, None)?;
    list(&state, signed_in, &query, false).await
}

async fn list_patients(
    State(state): State<AppState>,
    signed_in: CallerDb,
    query: QueryParams,
) -> ApiResult<Json<Page<User>>> {
    signed_in.caller.authorize(Action::ListPatients, None)?;
    list(&state, signed_in, &query, true).await
}

async fn list(
    state: &AppState,
    CallerDb { caller, mut db }: CallerDb,
    query: &QueryParams,
    patients_only: bool,
) -> ApiResult<Json<Page<User>>> {
    let mut errors = FieldErrors::new();
    let request = PageRequest::from_query(query, &mut errors);
    let filter = UserFilter::from_query(query, state.today(), patients_only, &mut errors);
    errors.into_result()?;
    let rows = filter.page(&mut db, request).await?;
    // The total is counted on the request's connection too, never a second one.
    let (filter, conn) = (&filter, &mut *db);
    let total = state
        .counts
        .total_for_page("users", filter.cache_key(), request, &rows, move || filter.count(conn))
        .await?;
    let viewer = Viewer::from(&caller);
    let today = state.today();
    let data = rows.into_iter().map(|versioned| versioned.row.view(viewer, today)).collect();
    Ok(Json(Page::new(request, total, data)))
}

async fn find_user(state: &AppState, id: u64) -> ApiResult<UserRow> {
    users::find(&state.db, id).await?.ok_or(ApiError::NotFound)
}

async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<Json<User>> {
    caller.authorize(Action::ReadUser, Some(id))?;
    let user = find_user(&state, id).await?;
    Ok(Json(user.view(Viewer::from(&caller), state.today())))
}

async fn get_patient(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult<Json<User>> {
    caller.authorize(Action::ReadPatient, Some(id))?;
    let user = find_user(&state, id).await?;
    if !user.is_patient() {
        return Err(ApiError::NotFound);
    }
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

/// A partial update of the e-mail and profile. A new e-mail is not used until its owner
/// confirms it: it waits in `pending_email` while a link goes to the new address.
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

/// Confirms a pending e-mail change. The link works only for the account it was sent for,
/// and only for the address it was sent to.
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
               OR EXISTS(SELECT 1 FROM patient_recipes WHERE user_id = ?) AS "medical_records: bool""#,
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

async fn block(state: State<AppState>, caller: Caller, id: PathId) -> ApiResult<Json<User>> {
    set_flag(state, caller, id, AccountFlag::Active(false)).await
}

async fn unblock(state: State<AppState>, caller: Caller, id: PathId) -> ApiResult<Json<User>> {
    set_flag(state, caller, id, AccountFlag::Active(true)).await
}

async fn create_admin(state: State<AppState>, caller: Caller, id: PathId) -> ApiResult<Json<User>> {
    set_flag(state, caller, id, AccountFlag::Staff(true)).await
}

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

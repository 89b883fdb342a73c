//! `/api/auth`: sign in, refresh, sign out, activation, password recovery, the WebSocket token
//! and the caller's role (API.md, "Auth").

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use qhealth::AppState;
use qhealth::access::Role;
use qhealth::auth::{
    Caller, Claims, NOT_SIGNED_IN, TokenPair, TokenType, revoke_all_sessions, revoke_family,
    rotate_session, spend_action_token, start_session, throttle,
};
use qhealth::error::{ApiError, ApiResult, FieldErrors};
use qhealth::http::{ClientIp, JsonBody, PathToken};
use qhealth::mail::{self, Notification};
use qhealth::openapi::{Detail, Problem, TooManyRequests, Unauthorized};
use qhealth::page::bump_version;
use qhealth::users::{self, User, Viewer};
use qhealth::validate::{Input, rules};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::MySqlConnection;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(activate))
        .routes(routes!(logout))
        .routes(routes!(recovery))
        .routes(routes!(request_activation))
        .routes(routes!(reset_password))
        .routes(routes!(socket_token))
        .routes(routes!(qhealth_role))
}

/// E-mail and password, to sign in.
#[derive(ToSchema)]
#[schema(as = Credentials,
          example = json!({"email": "eva@example.com", "password": "Sommar-2026"}))]
#[allow(dead_code)] // documentation only: `login` reads the body field by field
struct CredentialsBody {
    /// The account's e-mail address; case and surrounding spaces do not matter.
    email: String,
    /// The account's password, exactly as chosen.
    password: String,
}

/// A new session's tokens, or a session's next ones.
#[derive(ToSchema)]
#[schema(as = TokenPair, example = json!({
    "access": "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJl",
    "refresh": "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl"
}))]
#[allow(dead_code)] // documentation only: the handlers answer `qhealth::auth::TokenPair`
struct TokenPairDoc {
    /// The access token, for `Authorization: Bearer <access>`; valid 10 minutes.
    access: String,
    /// The refresh token, for `POST /auth/refresh` (once) and `POST /auth/logout`; valid 20
    /// minutes.
    refresh: String,
}

/// A refresh token.
#[derive(ToSchema)]
#[schema(as = RefreshToken, example = json!({
    "refresh": "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl"
}))]
#[allow(dead_code)] // documentation only: the handlers read the body field by field
struct RefreshBody {
    /// The refresh token of `POST /auth` or of the last `POST /auth/refresh`.
    refresh: String,
}

/// The password an account is activated with, if it needs one.
#[derive(ToSchema)]
#[schema(as = Activation, example = json!({"password": "Sommar-2026"}))]
#[allow(dead_code)] // documentation only: `activate` reads the body field by field
struct ActivationBody {
    /// Required for a staff member created without a password, and then their password:
    /// 8–128 characters with an upper-case letter, a lower-case letter, a digit and a character
    /// that is neither. Optional otherwise (checked if given, but not used).
    #[schema(nullable = false, min_length = 8, max_length = 128)]
    password: Option<String>,
}

/// The e-mail address to send a recovery link to.
#[derive(ToSchema)]
#[schema(as = RecoveryRequest, example = json!({"email": "eva@example.com"}))]
#[allow(dead_code)] // documentation only: `recovery` reads the body field by field
struct RecoveryBody {
    /// The account's e-mail address; case and surrounding spaces do not matter.
    email: String,
}

/// The answer to a recovery request, always the same.
#[derive(ToSchema)]
#[schema(example = json!({"details": "Link send to email"}))]
#[allow(dead_code)] // documentation only: `recovery` answers with `json!`
struct LinkSent {
    /// Always `Link send to email` (QHealth v1's wording and key).
    details: String,
}

/// The e-mail address of an account waiting for activation.
#[derive(ToSchema)]
#[schema(as = ActivationRequest, example = json!({"email": "eva@example.com"}))]
#[allow(dead_code)] // documentation only: `request_activation` reads the body field by field
struct ActivationRequestBody {
    /// The address the account was registered with; case and surrounding spaces do not matter.
    email: String,
}

/// A new password.
#[derive(ToSchema)]
#[schema(as = NewPassword, example = json!({"password": "Vinter-2026"}))]
#[allow(dead_code)] // documentation only: `reset_password` reads the body field by field
struct NewPasswordBody {
    /// 8–128 characters with an upper-case letter, a lower-case letter, a digit and a character
    /// that is neither.
    #[schema(min_length = 8, max_length = 128)]
    password: String,
}

/// A token for connecting to the WebSocket API.
#[derive(ToSchema)]
#[schema(example = json!({
    "token": "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoic29ja2V0In0.c2lnbmF0dXJl"
}))]
#[allow(dead_code)] // documentation only: `socket_token` answers with `json!`
struct SocketToken {
    /// Valid 10 seconds, for one connection: `?token=<token>`.
    token: String,
}

const BAD_CREDENTIALS: &str = "No active account found with the given credentials.";
const INACTIVE: &str =
    "This account is not active. Use the activation link we e-mailed you, or contact the clinic.";
const LINK_INVALID: &str = "This link is invalid or has expired.";
const ALREADY_ACTIVE: &str = "This account has already been activated.";

/// Reads one required text field, as typed.
fn required_text(body: &Value, field: &str) -> ApiResult<String> {
    let input = Input::root(body)?;
    let mut errors = FieldErrors::new();
    let value = input.required(field, &mut errors, rules::any_text);
    value.ok_or(ApiError::Invalid(errors))
}

/// The e-mail as the login form typed it, in the form accounts are stored (and throttled).
fn login_email(typed: &str) -> String {
    typed.trim().to_lowercase().chars().take(rules::MAX_EMAIL_CHARS).collect()
}

/// Signs in with e-mail and password.
///
/// Answers a new session's access token (10 minutes) and refresh token (20 minutes, single
/// use). 401 for a wrong e-mail or password, or for an account that is not active (never
/// activated, or blocked). Every attempt is recorded in the login history.
///
/// After 5 failed attempts within 10 minutes from one address, or for one account, signing in
/// from that address or to that account is refused for 10 minutes: 429, with `Retry-After` in
/// seconds.
///
/// **Who:** anyone.
#[utoipa::path(post, path = "/auth", tag = "auth", request_body = CredentialsBody, responses(
    (status = 200, body = TokenPairDoc),
    (status = 401, response = Unauthorized),
    (status = 429, response = TooManyRequests)))]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<TokenPair>> {
    let input = Input::root(&body)?;
    let mut errors = FieldErrors::new();
    let email = input.required("email", &mut errors, rules::any_text);
    let password = input.required("password", &mut errors, rules::any_text);
    let (Some(email), Some(password)) = (email, password) else {
        return Err(ApiError::Invalid(errors));
    };
    // Login history keeps what was typed; accounts and throttling use the stored form.
    let typed: String = email.chars().take(rules::MAX_EMAIL_CHARS).collect();
    let email = login_email(&email);
    let now = state.now();

    if let Some(retry_after_secs) = throttle::blocked_for(&state.db, &ip, &email, now).await? {
        let mut tx = state.db.begin().await?;
        record_attempt(&mut tx, &typed, &ip, false, now).await?;
        tx.commit().await?;
        return Err(ApiError::TooManyRequests { retry_after_secs });
    }

    let account = sqlx::query!(
        r#"SELECT id, password_hash, is_active AS "is_active: bool" FROM users WHERE email = ?"#,
        email
    )
    .fetch_optional(&state.db)
    .await?;
    // Verified even when there is no account, so an unknown e-mail takes as long to refuse.
    let stored_hash = account.as_ref().and_then(|a| a.password_hash.clone());
    let password_matches = state.passwords.verify(password, stored_hash).await?;

    let mut tx = state.db.begin().await?;
    let outcome = match account {
        Some(account) if password_matches && account.is_active => {
            record_attempt(&mut tx, &typed, &ip, true, now).await?;
            throttle::clear_ip(&mut tx, &ip).await?;
            sqlx::query!("UPDATE users SET last_login = ? WHERE id = ?", now, account.id)
                .execute(&mut *tx)
                .await?;
            Ok(start_session(&mut tx, &state.tokens, account.id, now).await?)
        }
        // The right password for an account that is not active: nothing was guessed, so it is
        // not counted towards a block, and saying why cannot reveal anything.
        Some(_) if password_matches => {
            record_attempt(&mut tx, &typed, &ip, false, now).await?;
            Err(ApiError::Unauthorized(INACTIVE))
        }
        _ => {
            record_attempt(&mut tx, &typed, &ip, false, now).await?;
            throttle::record_failure(&mut tx, &ip, &email, now).await?;
            Err(ApiError::Unauthorized(BAD_CREDENTIALS))
        }
    };
    tx.commit().await?;
    outcome.map(Json)
}

/// Login history, as staff see it under `/api/security`.
async fn record_attempt(
    conn: &mut MySqlConnection,
    email: &str,
    ip: &str,
    success: bool,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    sqlx::query!(
        "INSERT INTO login_attempts (email, ip_address, attempted_at, success, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)",
        email,
        ip,
        now,
        success,
        now,
        now
    )
    .execute(&mut *conn)
    .await?;
    bump_version(conn, "security").await
}

/// Exchanges a refresh token for the next pair.
///
/// The refresh token is spent; the answer holds a new access token and a new refresh token of
/// the same session. 401 for an invalid, expired or already used refresh token, or an account
/// that is no longer active (for an account blocked since, the `detail` says so). Presenting a
/// used refresh token again ends its whole session (every token of it stops working): it means
/// the token was copied.
///
/// **Who:** anyone holding a refresh token.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshBody,
    responses(
        (status = 200, body = TokenPairDoc),
        (status = 401, response = Unauthorized)))]
async fn refresh(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<TokenPair>> {
    let token = required_text(&body, "refresh")?;
    rotate_session(&state.db, &state.tokens, &token, state.now()).await.map(Json)
}

/// Signs out: ends the session of a refresh token.
///
/// Every token of that session, refresh and access alike, stops working. An expired refresh
/// token still signs out, and a session that has already ended is answered 204 too. 401 for a
/// token that is not a genuine refresh token.
///
/// **Who:** anyone holding the refresh token.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = RefreshBody,
    responses(
        (status = 204, description = "Signed out."),
        (status = 401, response = Unauthorized)))]
async fn logout(State(state): State<AppState>, JsonBody(body): JsonBody) -> ApiResult<StatusCode> {
    let token = required_text(&body, "refresh")?;
    // An expired refresh token still names its family: signing out with it still signs out.
    let claims = state.tokens.verify_signature(&token, TokenType::Refresh)?;
    let family = claims.family.ok_or(ApiError::Unauthorized(LINK_INVALID))?;
    let mut conn = state.db.acquire().await?;
    revoke_family(&mut conn, &family, state.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Activates an account with the link e-mailed to it.
///
/// `token` comes from the activation link (valid 30 minutes, single use; a refused request
/// leaves it usable). A staff member created without a password chooses it here: `password`
/// is then required (400 otherwise). Answers the activated user. 401 for an invalid, expired or
/// used link, or an account that is already active.
///
/// **Who:** anyone with the link.
#[utoipa::path(patch, path = "/auth/activate/{token}", tag = "auth",
    params(("token" = String, Path, description = "The token of the activation link")),
    request_body = ActivationBody, responses(
        (status = 200, body = User),
        (status = 401, response = Unauthorized),
        (status = 404, description = "The token in the path is not UTF-8 text.",
            body = Problem)))]
async fn activate(
    State(state): State<AppState>,
    PathToken(token): PathToken,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<User>> {
    let now = state.now();
    let claims = state.tokens.verify(&token, TokenType::Activate, now)?;
    let input = Input::root(&body)?;
    let mut errors = FieldErrors::new();
    let password = input.optional("password", &mut errors, rules::password);
    errors.into_result()?;

    let account = sqlx::query!(
        r#"SELECT activated_at AS "activated_at: DateTime<Utc>",
                  password_hash IS NOT NULL AS "has_password: bool"
           FROM users WHERE id = ?"#,
        claims.user_id
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or(ApiError::Unauthorized(LINK_INVALID))?;
    if account.activated_at.is_some() {
        return Err(ApiError::Unauthorized(ALREADY_ACTIVE));
    }
    // A staff member created without a password chooses it here.
    let new_hash = match (account.has_password, password) {
        (true, _) => None,
        (false, Some(password)) => Some(state.passwords.hash(password).await?),
        (false, None) => {
            return Err(ApiError::field("password", "Choose a password to activate your account."));
        }
    };

    let mut tx = state.db.begin().await?;
    spend_action_token(&mut tx, &claims, now).await?;
    let activated = sqlx::query!(
        "UPDATE users
         SET is_active = TRUE, activated_at = ?, password_hash = COALESCE(?, password_hash),
             updated_at = ?
         WHERE id = ? AND activated_at IS NULL",
        now,
        new_hash,
        now,
        claims.user_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if activated == 0 {
        return Err(ApiError::Unauthorized(ALREADY_ACTIVE));
    }
    tx.commit().await?;
    owner_view(&state, claims.user_id).await
}

async fn owner_view(state: &AppState, user_id: u64) -> ApiResult<Json<User>> {
    let user = users::find(&state.db, user_id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(user.view(Viewer::owner(user_id), state.today())))
}

/// Link e-mails of one kind per address and ten minutes; more would only fill an inbox.
const MAX_LINK_MAILS: i64 = 3;
const LINK_MAIL_WINDOW: Duration = Duration::minutes(10);

/// Asks for a password-recovery link.
///
/// Always answers the same, whether or not the address is registered. If an active account
/// has this address, a recovery link (valid 10 minutes) is e-mailed to it; an account that was
/// never activated gets a fresh activation link instead; a blocked account gets nothing. At
/// most 3 links of a kind go to one address within 10 minutes.
///
/// **Who:** anyone.
#[utoipa::path(post, path = "/auth/recovery", tag = "auth", request_body = RecoveryBody,
    responses((status = 200, body = LinkSent)))]
// Always the same answer, so it cannot tell whether an address is registered. An account that
// was never activated gets a fresh activation link instead (its first one may have expired);
// a blocked account gets nothing.
async fn recovery(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let email = login_email(&required_text(&body, "email")?);
    let now = state.now();
    let account = sqlx::query!(
        r#"SELECT u.id, u.is_active AS "is_active: bool", u.activated_at IS NOT NULL AS "activated: bool",
                  p.name
           FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.email = ?"#,
        email
    )
    .fetch_optional(&state.db)
    .await?;
    let notification = account.and_then(|account| {
        let claims = |kind| Claims::new(kind, account.id, now);
        match (account.activated, account.is_active) {
            (false, _) => Some((claims(TokenType::Activate), account.name)),
            (true, true) => Some((claims(TokenType::Recovery), account.name)),
            (true, false) => None,
        }
    });
    if let Some((claims, name)) = notification {
        let token = state.tokens.sign(&claims)?;
        let notification = match claims.token_type {
            TokenType::Activate => Notification::Activation { name, token },
            _ => Notification::Recovery { name, token },
        };
        send_link_mail(&state, &email, notification).await?;
    }
    Ok(Json(json!({"details": "Link send to email"})))
}

/// The answer to every request for a new activation link.
const ACTIVATION_LINK_REQUESTED: &str = "If this address belongs to an account waiting for activation, a new activation link is on its way.";

/// Asks for a new activation link.
///
/// For when the first link has expired (it works for 30 minutes) or went astray. Always answers
/// the same, whether or not the address is registered. If it belongs to an account that was
/// never activated, a new activation link (valid 30 minutes, single use) is e-mailed to it; an
/// account that is active, or was activated and then blocked, gets nothing. At most 3
/// activation links go to one address within 10 minutes.
///
/// **Who:** anyone.
#[utoipa::path(post, path = "/auth/activation", tag = "auth", request_body = ActivationRequestBody,
    responses((status = 200, body = Detail,
        example = json!({"detail": ACTIVATION_LINK_REQUESTED}))))]
async fn request_activation(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let email = login_email(&required_text(&body, "email")?);
    let waiting: Option<(u64, String)> = sqlx::query_as(
        "SELECT u.id, p.name FROM users u JOIN profiles p ON p.user_id = u.id
         WHERE u.email = ? AND NOT u.is_active AND u.activated_at IS NULL",
    )
    .bind(&email)
    .fetch_optional(&state.db)
    .await?;
    if let Some((user_id, name)) = waiting {
        let token = state.tokens.sign(&Claims::new(TokenType::Activate, user_id, state.now()))?;
        send_link_mail(&state, &email, Notification::Activation { name, token }).await?;
    }
    Ok(Json(json!({"detail": ACTIVATION_LINK_REQUESTED})))
}

/// Queues a link e-mail unless `email` has had enough of its kind lately, and sends it in the
/// background: waiting for SES only when the account exists would reveal that it does.
async fn send_link_mail(
    state: &AppState,
    email: &str,
    notification: Notification,
) -> ApiResult<()> {
    let mut tx = state.db.begin().await?;
    if recent_link_mails(&mut tx, email, notification.kind(), state.now()).await? >= MAX_LINK_MAILS
    {
        return Ok(());
    }
    let queued = mail::queue(&mut tx, state, email, notification).await?;
    tx.commit().await?;
    let state = state.clone();
    tokio::spawn(async move { mail::deliver(&state, [queued]).await });
    Ok(())
}

/// How many e-mails of `kind` went to `email` lately.
async fn recent_link_mails(
    conn: &mut MySqlConnection,
    email: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> ApiResult<i64> {
    let since = now - LINK_MAIL_WINDOW;
    Ok(sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "count!: i64" FROM email_outbox
           WHERE recipient = ? AND kind = ? AND created_at > ?"#,
        email,
        kind,
        since
    )
    .fetch_one(conn)
    .await?)
}

/// Sets a new password with a recovery link.
///
/// `token` comes from the recovery link (valid 10 minutes, single use; a refused request
/// leaves it usable). Every session of the account ends: all its refresh and access tokens stop
/// working. Answers the user. 401 for an invalid, expired or used link.
///
/// **Who:** anyone with the link.
#[utoipa::path(post, path = "/auth/recovery_password/{token}", tag = "auth",
    params(("token" = String, Path, description = "The token of the recovery link")),
    request_body = NewPasswordBody, responses(
        (status = 200, body = User),
        (status = 401, response = Unauthorized),
        (status = 404, description = "The token in the path is not UTF-8 text.",
            body = Problem)))]
async fn reset_password(
    State(state): State<AppState>,
    PathToken(token): PathToken,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<User>> {
    let now = state.now();
    let claims = state.tokens.verify(&token, TokenType::Recovery, now)?;
    let input = Input::root(&body)?;
    let mut errors = FieldErrors::new();
    let password = input.required("password", &mut errors, rules::password);
    let Some(password) = password else {
        return Err(ApiError::Invalid(errors));
    };
    let hash = state.passwords.hash(password).await?;

    let mut tx = state.db.begin().await?;
    spend_action_token(&mut tx, &claims, now).await?;
    let updated = sqlx::query!(
        "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
        hash,
        now,
        claims.user_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(ApiError::Unauthorized(LINK_INVALID));
    }
    // Whoever knew the old password is signed out everywhere.
    revoke_all_sessions(&mut tx, claims.user_id, now).await?;
    tx.commit().await?;
    owner_view(&state, claims.user_id).await
}

/// Issues a token for the WebSocket API.
///
/// The token is valid 10 seconds, for one connection: `?token=<token>`.
///
/// **Who:** anyone signed in.
#[utoipa::path(get, path = "/auth/socket", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = SocketToken)))]
async fn socket_token(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    let claims = Claims::new(TokenType::Socket, caller.user_id, state.now());
    Ok(Json(json!({"token": state.tokens.sign(&claims)?})))
}

/// Who the caller is, for the web app.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "is_superuser": false, "is_staff": false, "is_user": true,
                          "role": "doctor", "role_id": 3, "specialty": "Cardiology",
                          "name": "Anna"}))]
struct RoleSummary {
    /// The caller's user id.
    id: u64,
    is_superuser: bool,
    is_staff: bool,
    /// The account is active (QHealth v1's name).
    is_user: bool,
    /// The caller's role: a superuser who is also an admin is a superuser, an admin who also
    /// has a staff role acts as an admin.
    role: Role,
    /// The id of the caller's staff role (`/roles/{id}`); `null` for someone without one.
    #[schema(required = true)]
    role_id: Option<u64>,
    /// A doctor's specialty; `null` for everyone else.
    #[schema(required = true)]
    specialty: Option<String>,
    /// The caller's first name.
    name: String,
}

/// Tells the caller who they are.
///
/// Their role, their staff role's id and specialty, and their first name.
///
/// **Who:** anyone signed in.
#[utoipa::path(get, path = "/auth/qhealth_role", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = RoleSummary)))]
async fn qhealth_role(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<RoleSummary>> {
    let row = sqlx::query!(
        r#"SELECT u.is_superuser AS "is_superuser: bool", u.is_staff AS "is_staff: bool",
                  u.is_active AS "is_active: bool", r.id AS "role_id?", r.specialty, p.name
           FROM users u JOIN profiles p ON p.user_id = u.id LEFT JOIN roles r ON r.user_id = u.id
           WHERE u.id = ?"#,
        caller.user_id
    )
    .fetch_optional(&state.db)
    .await?
    // Deleted since the caller was checked.
    .ok_or(ApiError::Unauthorized(NOT_SIGNED_IN))?;
    Ok(Json(RoleSummary {
        id: caller.user_id,
        is_superuser: row.is_superuser,
        is_staff: row.is_staff,
        is_user: row.is_active,
        role: caller.role,
        role_id: row.role_id,
        specialty: row.specialty,
        name: row.name,
    }))
}

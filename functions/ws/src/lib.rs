//! The WebSocket API's function (API.md, "WebSocket — real-time updates"), one handler for its
//! three routes:
//!
//! - `$connect`: the query string's `token` must be an unspent, unexpired socket token
//!   (`GET /api/auth/socket`) of an active user; it is spent, and the connection recorded with
//!   its user. Otherwise the connection is refused with 401 (403 for a blocked account).
//! - `$disconnect`: the connection is forgotten, its subscriptions with it.
//! - `$default`: every message (subscribe, unsubscribe) is answered on the socket with an
//!   acknowledgement or an error, never silence. The account is re-read each time: a blocked
//!   user is told so and disconnected.
//!
//! The pushes themselves are sent by the functions that make the changes
//! ([`qhealth::realtime::publish`]); this one only keeps the connections and subscriptions.

mod message;

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use aws_lambda_events::encodings::Body;
use axum::http::HeaderValue;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use qhealth::AppState;
use qhealth::access::{self, Actor, Role};
use qhealth::auth::{TokenType, spend_action_token};
use qhealth::db::is_foreign_key_violation;
use qhealth::error::ApiError;
use qhealth::realtime::{PushError, Stream};

pub use message::{Message, Request};

const NO_TOKEN: &str = "A socket token is required: ask GET /api/auth/socket for one.";
const TOKEN_SPENT: &str = "This socket token has already been used.";
const ACCOUNT_INACTIVE: &str = "This account is not active.";
const CONNECTION_ENDED: &str = "This connection has ended. Connect again.";
const NOT_ALLOWED: &str = "You don't have access to this stream.";
const INTERNAL: &str = "Internal error. Try again.";

/// Serves one event of the WebSocket API, whatever its route.
pub async fn handle(
    state: &AppState,
    event: ApiGatewayWebsocketProxyRequest,
) -> ApiGatewayProxyResponse {
    let context = &event.request_context;
    let Some(connection_id) = context.connection_id.as_deref() else {
        return answer(ApiError::BadRequest("The event names no connection.").into_response())
            .await;
    };
    let outcome = match context.route_key.as_deref() {
        Some("$connect") => {
            let token = event.query_string_parameters.first("token");
            connect(state, connection_id, token).await
        }
        Some("$disconnect") => disconnect(state, connection_id).await,
        // `$default`, and any route a message's action might select.
        _ => on_message(state, connection_id, event.body.as_deref().unwrap_or_default()).await,
    };
    match outcome {
        Ok(()) => ok(),
        Err(error) => answer(error.into_response()).await,
    }
}

/// Records the connection of the socket token's user, spending the token.
async fn connect(
    state: &AppState,
    connection_id: &str,
    token: Option<&str>,
) -> Result<(), ApiError> {
    let token = token.filter(|token| !token.is_empty()).ok_or(ApiError::Unauthorized(NO_TOKEN))?;
    let now = state.now();
    let claims = state.tokens.verify(token, TokenType::Socket, now)?;
    let mut tx = state.db.begin().await?;
    let active = sqlx::query_scalar!(
        r#"SELECT is_active AS "is_active: bool" FROM users WHERE id = ?"#,
        claims.user_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    match active {
        Some(true) => {}
        Some(false) => return Err(ApiError::Forbidden),
        None => return Err(ApiError::Unauthorized(ACCOUNT_INACTIVE)),
    }
    spend_action_token(&mut tx, &claims, now).await.map_err(|error| match error {
        ApiError::Unauthorized(_) => ApiError::Unauthorized(TOKEN_SPENT),
        other => other,
    })?;
    sqlx::query!(
        "INSERT INTO ws_connections (connection_id, user_id, connected_at) VALUES (?, ?, ?)",
        connection_id,
        claims.user_id,
        now
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = claims.user_id, connection_id, "socket connected");
    Ok(())
}

async fn disconnect(state: &AppState, connection_id: &str) -> Result<(), ApiError> {
    sqlx::query!("DELETE FROM ws_connections WHERE connection_id = ?", connection_id)
        .execute(&state.db)
        .await?;
    tracing::info!(connection_id, "socket disconnected");
    Ok(())
}

/// Who is on a connection, as the account is now.
struct Account {
    actor: Actor,
    is_active: bool,
}

async fn account_on(state: &AppState, connection_id: &str) -> Result<Option<Account>, ApiError> {
    let row = sqlx::query!(
        r#"SELECT u.id AS user_id, u.is_active AS "is_active: bool",
                  u.is_superuser AS "is_superuser: bool", u.is_staff AS "is_staff: bool",
                  r.role AS "staff_role?"
           FROM ws_connections c
           JOIN users u ON u.id = c.user_id
           LEFT JOIN roles r ON r.user_id = u.id
           WHERE c.connection_id = ?"#,
        connection_id
    )
    .fetch_optional(&state.db)
    .await?;
    Ok(row.map(|row| Account {
        actor: Actor {
            user_id: row.user_id,
            role: Role::of(row.is_superuser, row.is_staff, row.staff_role.as_deref()),
        },
        is_active: row.is_active,
    }))
}

/// Answers one message on the socket. A connection whose account is gone or blocked is told
/// so and closed.
async fn on_message(state: &AppState, connection_id: &str, body: &str) -> Result<(), ApiError> {
    let message = Message::read(body);
    let account = match account_on(state, connection_id).await {
        Ok(account) => account,
        Err(error) => {
            reply(state, connection_id, &message.refused(INTERNAL)).await;
            return Err(error);
        }
    };
    let actor = match account {
        Some(Account { actor, is_active: true }) => actor,
        Some(_) => return end(state, connection_id, &message, ACCOUNT_INACTIVE).await,
        None => return end(state, connection_id, &message, CONNECTION_ENDED).await,
    };
    let answer = match message.request {
        Err(reason) => message.refused(reason),
        Ok(request) => match perform(state, connection_id, actor, &message, request).await {
            Ok(()) => message.done(request),
            Err(Refusal::Said(reason)) => message.refused(reason),
            Err(Refusal::Failed(error)) => {
                reply(state, connection_id, &message.refused(INTERNAL)).await;
                return Err(error);
            }
        },
    };
    reply(state, connection_id, &answer).await;
    Ok(())
}

/// Why a request was not done: a reason for the client, or a failure to log.
enum Refusal {
    Said(&'static str),
    Failed(ApiError),
}

impl From<sqlx::Error> for Refusal {
    fn from(error: sqlx::Error) -> Self {
        Self::Failed(error.into())
    }
}

async fn perform(
    state: &AppState,
    connection_id: &str,
    actor: Actor,
    message: &Message,
    request: Request,
) -> Result<(), Refusal> {
    match request {
        Request::Subscribe(stream) => {
            // A stream the role may read nothing of; a patient may subscribe to their own.
            access::authorize_any(actor, stream.read_action())
                .map_err(|_| Refusal::Said(NOT_ALLOWED))?;
            subscribe(state, connection_id, stream, message.stored_request_id()).await
        }
        Request::Unsubscribe(stream) => {
            sqlx::query!(
                "DELETE FROM ws_subscriptions WHERE connection_id = ? AND stream = ?",
                connection_id,
                stream.as_str()
            )
            .execute(&state.db)
            .await?;
            Ok(())
        }
    }
}

/// Subscribes the connection to `stream`; subscribing again only changes the `request_id`.
async fn subscribe(
    state: &AppState,
    connection_id: &str,
    stream: Stream,
    request_id: Option<String>,
) -> Result<(), Refusal> {
    let stored = sqlx::query!(
        "INSERT INTO ws_subscriptions (connection_id, stream, request_id, created_at)
         VALUES (?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE request_id = VALUES(request_id)",
        connection_id,
        stream.as_str(),
        request_id,
        state.now()
    )
    .execute(&state.db)
    .await;
    match stored {
        Ok(_) => Ok(()),
        // The connection was forgotten a moment ago (its client left).
        Err(error) if is_foreign_key_violation(&error) => Err(Refusal::Said(CONNECTION_ENDED)),
        Err(error) => Err(error.into()),
    }
}

/// Tells the client why, then closes its connection and forgets it.
async fn end(
    state: &AppState,
    connection_id: &str,
    message: &Message,
    reason: &'static str,
) -> Result<(), ApiError> {
    reply(state, connection_id, &message.refused(reason)).await;
    if let Some(publisher) = state.publisher.as_deref()
        && let Err(PushError::Failed(error)) = publisher.disconnect(connection_id).await
    {
        tracing::warn!(connection_id, %error, "could not close a socket");
    }
    disconnect(state, connection_id).await
}

/// Posts `text` back to the client.
async fn reply(state: &AppState, connection_id: &str, text: &str) {
    let Some(publisher) = state.publisher.as_deref() else {
        tracing::warn!("WS_ENDPOINT is not set: a socket's message cannot be answered");
        return;
    };
    if let Err(error) = publisher.post(connection_id, text).await {
        tracing::warn!(connection_id, %error, "could not answer a socket's message");
    }
}

fn ok() -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = 200;
    response
}

/// An error's answer, as the HTTP API would give it (API.md, "Errors"): its status and JSON.
async fn answer(response: Response) -> ApiGatewayProxyResponse {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let mut proxied = ApiGatewayProxyResponse::default();
    proxied.status_code = i64::from(parts.status.as_u16());
    proxied.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    proxied.body = Some(Body::Text(String::from_utf8_lossy(&bytes).into_owned()));
    proxied
}

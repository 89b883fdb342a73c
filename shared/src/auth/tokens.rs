//! Signed tokens (HS256 JWTs). Each carries its `token_type` and is accepted only where that
//! type belongs; expiry is checked against the application's clock, not the system's.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sqlx::MySqlConnection;

use crate::config::Secret;
use crate::db::is_unique_violation;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenType {
    Access,
    Refresh,
    Activate,
    Recovery,
    VerifyEmail,
    Socket,
}

impl TokenType {
    pub fn lifetime(self) -> Duration {
        match self {
            Self::Access => Duration::minutes(10),
            Self::Refresh => Duration::minutes(20),
            Self::Activate => Duration::minutes(30),
            Self::Recovery | Self::VerifyEmail => Duration::minutes(10),
            Self::Socket => Duration::seconds(10),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Refresh => "refresh",
            Self::Activate => "activate",
            Self::Recovery => "recovery",
            Self::VerifyEmail => "verify_email",
            Self::Socket => "socket",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub token_type: TokenType,
    pub user_id: u64,
    pub jti: String,
    pub exp: i64,
    pub iat: i64,
    /// The refresh family of access and refresh tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// For `verify_email`: the address the link verifies, so a link for an older change cannot
    /// confirm a newer one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Claims {
    pub fn new(token_type: TokenType, user_id: u64, now: DateTime<Utc>) -> Self {
        Self {
            token_type,
            user_id,
            jti: uuid::Uuid::new_v4().to_string(),
            iat: now.timestamp(),
            exp: (now + token_type.lifetime()).timestamp(),
            family: None,
            email: None,
        }
    }

    pub fn with_family(mut self, family: &str) -> Self {
        self.family = Some(family.to_owned());
        self
    }

    pub fn with_email(mut self, email: &str) -> Self {
        self.email = Some(email.to_owned());
        self
    }

    pub fn expires_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.exp, 0).unwrap_or_default()
    }
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

const INVALID_TOKEN: &str = "Token is invalid or expired.";

impl TokenKeys {
    pub fn new(secret: &Secret) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked against the application's clock in `verify`.
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            validation,
        }
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, ApiError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    /// The claims of a genuine, unexpired token of type `expected`; a 401 otherwise.
    pub fn verify(
        &self,
        token: &str,
        expected: TokenType,
        now: DateTime<Utc>,
    ) -> Result<Claims, ApiError> {
        let claims = self.verify_signature(token, expected)?;
        if claims.exp <= now.timestamp() {
            return Err(ApiError::Unauthorized(INVALID_TOKEN));
        }
        Ok(claims)
    }

    /// As [`verify`](Self::verify), but an expired token is accepted (signing out with a
    /// refresh token that has just run out should still sign out).
    pub fn verify_signature(&self, token: &str, expected: TokenType) -> Result<Claims, ApiError> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| ApiError::Unauthorized(INVALID_TOKEN))?
            .claims;
        if claims.token_type != expected {
            return Err(ApiError::Unauthorized(INVALID_TOKEN));
        }
        Ok(claims)
    }
}

/// Marks a single-use action token as used, in the caller's transaction: if what the token does
/// fails and rolls back, the token is still good. A second use is a 401.
pub async fn spend_action_token(
    conn: &mut MySqlConnection,
    claims: &Claims,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let inserted = sqlx::query!(
        "INSERT INTO used_action_tokens (jti, token_type, user_id, expires_at, used_at)
         VALUES (?, ?, ?, ?, ?)",
        claims.jti,
        claims.token_type.as_str(),
        claims.user_id,
        claims.expires_at(),
        now,
    )
    .execute(conn)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => {
            Err(ApiError::Unauthorized("This link has already been used."))
        }
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn keys() -> TokenKeys {
        TokenKeys::new(&Secret::new("0123456789abcdef0123456789abcdef"))
    }

    fn noon() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_token_verifies_as_its_own_type_until_it_expires() {
        let keys = keys();
        let claims = Claims::new(TokenType::Recovery, 7, noon());
        let token = keys.sign(&claims).unwrap();
        assert_eq!(keys.verify(&token, TokenType::Recovery, noon()).unwrap(), claims);
        let almost = noon() + Duration::minutes(10) - Duration::seconds(1);
        assert!(keys.verify(&token, TokenType::Recovery, almost).is_ok());
        assert!(keys.verify(&token, TokenType::Recovery, noon() + Duration::minutes(10)).is_err());
    }

    #[test]
    fn a_token_of_another_type_is_refused() {
        let keys = keys();
        let access = keys.sign(&Claims::new(TokenType::Access, 7, noon())).unwrap();
        for other in
            [TokenType::Refresh, TokenType::Recovery, TokenType::Activate, TokenType::Socket]
        {
            assert!(keys.verify(&access, other, noon()).is_err(), "{other:?}");
        }
    }

    #[sqlx::test(migrator = "crate::db::MIGRATOR")]
    async fn an_action_token_is_spent_once(db: sqlx::MySqlPool) {
        let user: u64 = sqlx::query(
            "INSERT INTO users (email, created_at, updated_at) VALUES ('a@x.se', NOW(), NOW())",
        )
        .execute(&db)
        .await
        .unwrap()
        .last_insert_id();
        let claims = Claims::new(TokenType::Recovery, user, noon());
        let mut conn = db.acquire().await.unwrap();
        spend_action_token(&mut conn, &claims, noon()).await.unwrap();
        let again = spend_action_token(&mut conn, &claims, noon()).await;
        assert!(matches!(again, Err(ApiError::Unauthorized(_))));
        let other = Claims::new(TokenType::Recovery, user, noon());
        assert!(spend_action_token(&mut conn, &other, noon()).await.is_ok());
    }

    #[test]
    fn lifetimes_match_the_contract() {
        let minutes = |t: TokenType| t.lifetime().num_seconds();
        assert_eq!(minutes(TokenType::Access), 600);
        assert_eq!(minutes(TokenType::Refresh), 1200);
        assert_eq!(minutes(TokenType::Activate), 1800);
        assert_eq!(minutes(TokenType::Recovery), 600);
        assert_eq!(minutes(TokenType::VerifyEmail), 600);
        assert_eq!(minutes(TokenType::Socket), 10);
    }

    #[test]
    fn forged_and_foreign_tokens_are_refused() {
        let keys = keys();
        let other = TokenKeys::new(&Secret::new("another secret of at least 32 bytes!"));
        let token = other.sign(&Claims::new(TokenType::Access, 7, noon())).unwrap();
        assert!(keys.verify(&token, TokenType::Access, noon()).is_err());
        assert!(keys.verify("not.a.token", TokenType::Access, noon()).is_err());
        // An unsigned token claiming to be an access token.
        let unsigned = "eyJhbGciOiJub25lIn0.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwidXNlcl9pZCI6MSwianRpIjoieCIsImV4cCI6OTk5OTk5OTk5OSwiaWF0IjowfQ.";
        assert!(keys.verify(unsigned, TokenType::Access, noon()).is_err());
    }
}

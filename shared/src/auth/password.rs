//! argon2id password hashing (OWASP parameters: 19 MiB, 2 passes, 1 lane), always on the
//! blocking pool and never more hashes at once than the machine can spare, so that lists stay
//! fast while people log in.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use tokio::sync::{OnceCell, Semaphore};

use crate::error::ApiError;

pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Verified instead when there is no account (or no password), so that an unknown e-mail
    /// takes as long to refuse as a wrong password.
    dummy_hash: OnceCell<String>,
}

impl Passwords {
    /// `concurrency`: how many hashes may run at once.
    pub fn new(concurrency: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(concurrency.max(1))), dummy_hash: OnceCell::new() }
    }

    /// One hash at a time on a two-core machine leaves the other core to everything else.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(cores.saturating_sub(1))
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|hash| hash.to_string())
                .map_err(ApiError::internal)
        })
        .await?
    }

    /// Whether `password` matches `stored`; with no stored hash the work is done all the same.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        let (stored, real) = match stored {
            Some(hash) => (hash, true),
            None => (self.dummy_hash().await?.clone(), false),
        };
        let matches = self
            .run(move || {
                PasswordHash::new(&stored).is_ok_and(|parsed| {
                    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
                })
            })
            .await?;
        Ok(real && matches)
    }

    async fn dummy_hash(&self) -> Result<&String, ApiError> {
        self.dummy_hash.get_or_try_init(|| self.hash(uuid::Uuid::new_v4().to_string())).await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(work).await.map_err(ApiError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_wrong_passwords_do_not() {
        let passwords = Passwords::new(1);
        let hash = passwords.hash("Secret#123".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(passwords.verify("Secret#123".into(), Some(hash.clone())).await.unwrap());
        assert!(!passwords.verify("Secret#124".into(), Some(hash)).await.unwrap());
    }

    #[tokio::test]
    async fn a_missing_hash_never_verifies() {
        let passwords = Passwords::new(1);
        assert!(!passwords.verify("anything".into(), None).await.unwrap());
        assert!(!passwords.verify("anything".into(), Some("not a hash".into())).await.unwrap());
    }
}

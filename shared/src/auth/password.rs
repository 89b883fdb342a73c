//! argon2id password hashing (OWASP parameters: 19 MiB, 2 passes, 1 lane), always on the
//! blocking pool and never more hashes at once than the machine can spare, so that lists stay
//! fast while people log in.
//!
//! Each hash needs 19 MiB of working memory. Allocated per hash, those blocks land on whichever
//! blocking thread ran it, and the allocator keeps them there: after a few hundred sign-ins the
//! gateway held 360-400 MB. So the memory is allocated once per hashing permit and handed from
//! hash to hash ([`Memory`]): at most permits × 19 MiB, whatever the number of sign-ins.

use std::sync::{Arc, Mutex, PoisonError};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::password_hash::try_generate_salt;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{OnceCell, Semaphore};

use crate::error::ApiError;

pub struct Passwords {
    permits: Arc<Semaphore>,
    memory: Arc<Memory>,
    /// Verified instead when there is no account (or no password), so that an unknown e-mail
    /// takes as long to refuse as a wrong password.
    dummy_hash: OnceCell<String>,
}

/// The working memory of the hashes: one area of [`Params::DEFAULT_M_COST`] KiB per permit,
/// allocated on first use and then reused. A hash takes an area for as long as it runs; holding
/// a permit guarantees that one is free.
#[derive(Default)]
struct Memory {
    free: Mutex<Vec<Box<[Block]>>>,
}

impl Memory {
    fn take(&self) -> Box<[Block]> {
        let area = self.free.lock().unwrap_or_else(PoisonError::into_inner).pop();
        area.unwrap_or_else(|| vec![Block::default(); Params::default().block_count()].into())
    }

    fn give_back(&self, area: Box<[Block]>) {
        self.free.lock().unwrap_or_else(PoisonError::into_inner).push(area);
    }

    /// How many areas exist now (all free when no hash runs).
    #[cfg(test)]
    fn areas(&self) -> usize {
        self.free.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

impl Passwords {
    /// `concurrency`: how many hashes may run at once.
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            memory: Arc::default(),
            dummy_hash: OnceCell::new(),
        }
    }

    /// One hash at a time on a two-core machine leaves the other core to everything else.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(cores.saturating_sub(1))
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move |memory| hash_with(memory, password.as_bytes())).await?
    }

    /// Whether `password` matches `stored`; with no stored hash the work is done all the same.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        let (stored, real) = match stored {
            Some(hash) => (hash, true),
            None => (self.dummy_hash().await?.clone(), false),
        };
        let matches = self
            .run(move |memory| {
                PasswordHash::new(&stored)
                    .is_ok_and(|parsed| verify_with(memory, password.as_bytes(), &parsed))
            })
            .await?;
        Ok(real && matches)
    }

    async fn dummy_hash(&self) -> Result<&String, ApiError> {
        self.dummy_hash.get_or_try_init(|| self.hash(uuid::Uuid::new_v4().to_string())).await
    }

    /// Runs `work` on the blocking pool with a permit and a memory area. Should `work` panic,
    /// its area is dropped with it, and the next hash allocates a new one.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        let memory = Arc::clone(&self.memory);
        tokio::task::spawn_blocking(move || {
            let mut area = memory.take();
            let result = work(&mut area);
            memory.give_back(area);
            result
        })
        .await
        .map_err(ApiError::internal)
    }
}

/// A new PHC string for `password`: argon2id with the default (OWASP) parameters and a fresh
/// random salt, computed in `memory`.
fn hash_with(memory: &mut [Block], password: &[u8]) -> Result<String, ApiError> {
    let params = Params::default();
    let salt = try_generate_salt().map_err(ApiError::internal)?;
    let mut output = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, &salt, &mut output, memory)
        .map_err(ApiError::internal)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(ApiError::internal)?,
        salt: Some(Salt::new(&salt).map_err(ApiError::internal)?),
        hash: Some(Output::new(&output).map_err(ApiError::internal)?),
    };
    Ok(hash.to_string())
}

/// Whether `password` hashes to `stored` with `stored`'s own algorithm, version, parameters and
/// salt, computed in `memory` (a hash asking for more memory than that gets an area of its own).
fn verify_with(memory: &mut [Block], password: &[u8], stored: &PasswordHash) -> bool {
    let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else { return false };
    let Ok(algorithm) = Algorithm::try_from(stored.algorithm.as_str()) else { return false };
    let version = match stored.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(stored) else { return false };
    let mut larger = Vec::new();
    let memory = if params.block_count() <= memory.len() {
        memory
    } else {
        larger.resize(params.block_count(), Block::default());
        &mut larger[..]
    };
    let mut output = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params);
    argon2.hash_password_into_with_memory(password, salt.as_ref(), &mut output, memory).is_ok()
        // `Output`'s equality is constant-time.
        && Output::new(&output).is_ok_and(|computed| computed == *expected)
}

#[cfg(test)]
mod tests {
    use argon2::PasswordHasher;

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

    #[tokio::test]
    async fn hashes_made_by_the_argon2_crate_itself_still_verify() {
        // Every stored password was hashed by `Argon2::default().hash_password` before the
        // memory was reused; a smaller memory cost (older or test hashes) verifies too, and a
        // larger one gets memory of its own.
        let passwords = Passwords::new(1);
        for m_cost in [Params::DEFAULT_M_COST, 8 * 1024, 24 * 1024] {
            let params = Params::new(m_cost, 2, 1, None).unwrap();
            let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
            let hash = argon2.hash_password(b"Winter#2026").unwrap().to_string();
            assert!(passwords.verify("Winter#2026".into(), Some(hash.clone())).await.unwrap());
            assert!(!passwords.verify("Winter#2027".into(), Some(hash)).await.unwrap());
        }
    }

    #[tokio::test]
    async fn the_memory_is_one_area_per_permit_however_many_hashes() {
        let passwords = Arc::new(Passwords::new(2));
        let hashes = (0..8).map(|i| {
            let passwords = Arc::clone(&passwords);
            tokio::spawn(async move { passwords.hash(format!("Secret#{i}")).await.unwrap() })
        });
        for hash in hashes {
            hash.await.unwrap();
        }
        let areas = passwords.memory.areas();
        assert!((1..=2).contains(&areas), "{areas} areas for 2 permits");
    }
}

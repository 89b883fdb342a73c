//! What every handler can reach: the pool, settings, mailer, clock, keys, live-update publisher.

use std::ops::Deref;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::MySqlPool;

use crate::auth::{Passwords, TokenKeys};
use crate::clock::{SharedClock, clinic_today};
use crate::config::Config;
use crate::mail::Mailer;
use crate::page::CountCache;
use crate::realtime::{self, Publisher};

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: MySqlPool,
    pub config: Config,
    pub mailer: Arc<dyn Mailer>,
    pub clock: SharedClock,
    pub tokens: TokenKeys,
    pub passwords: Passwords,
    pub counts: CountCache,
    /// Where live updates go; `None` when `WS_ENDPOINT` is not set.
    pub publisher: Option<Arc<dyn Publisher>>,
}

impl AppState {
    /// Live updates go to `WS_ENDPOINT` if it is set.
    pub fn new(db: MySqlPool, config: Config, mailer: Arc<dyn Mailer>, clock: SharedClock) -> Self {
        let publisher = realtime::publisher_for(config.ws_endpoint.as_deref());
        Self::with_publisher(db, config, mailer, clock, publisher)
    }

    /// As [`AppState::new`], with live updates going to `publisher` (tests).
    pub fn with_publisher(
        db: MySqlPool,
        config: Config,
        mailer: Arc<dyn Mailer>,
        clock: SharedClock,
        publisher: Option<Arc<dyn Publisher>>,
    ) -> Self {
        Self(Arc::new(Inner {
            tokens: TokenKeys::new(&config.jwt_secret),
            passwords: Passwords::for_this_machine(),
            counts: CountCache::default(),
            db,
            config,
            mailer,
            clock,
            publisher,
        }))
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today where the clinic is (ages, greetings).
    pub fn today(&self) -> NaiveDate {
        clinic_today(self.clock.as_ref(), self.config.clinic_tz)
    }
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}

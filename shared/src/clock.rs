//! Time comes from a clock that tests can set: the 24-hour cancellation rule, ages, token
//! expiry, login throttling and greetings all ask it rather than the system.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, DurationRound, NaiveDate, Utc};
use chrono_tz::Tz;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

pub type SharedClock = Arc<dyn Clock>;

/// Today's date where the clinic is.
pub fn clinic_today(clock: &dyn Clock, tz: Tz) -> NaiveDate {
    clock.now().with_timezone(&tz).date_naive()
}

/// A moment as the clinic's staff and patients read it, for e-mails:
/// "Tuesday 1 December 2026, 09:00 CET".
pub fn clinic_time_text(moment: DateTime<Utc>, tz: Tz) -> String {
    moment.with_timezone(&tz).format("%A %-d %B %Y, %H:%M %Z").to_string()
}

/// The real time, to the microsecond the database stores.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        now.duration_trunc(Duration::microseconds(1)).unwrap_or(now)
    }
}

/// A clock that stands still until it is told otherwise.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Arc<Self> {
        Arc::new(Self(Mutex::new(start)))
    }

    pub fn set(&self, instant: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = instant;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn e_mails_show_the_clinic_time() {
        let tz = chrono_tz::Europe::Stockholm;
        let winter = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        assert_eq!(clinic_time_text(winter, tz), "Tuesday 1 December 2026, 09:00 CET");
        let summer = Utc.with_ymd_and_hms(2027, 6, 1, 8, 0, 0).unwrap();
        assert_eq!(clinic_time_text(summer, tz), "Tuesday 1 June 2027, 10:00 CEST");
    }

    #[test]
    fn the_clinic_day_follows_its_time_zone() {
        // 23:30 UTC on 31 December is already New Year's Day in Stockholm.
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap());
        assert_eq!(
            clinic_today(clock.as_ref(), chrono_tz::Europe::Stockholm),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        clock.advance(Duration::hours(-1));
        assert_eq!(
            clinic_today(clock.as_ref(), chrono_tz::Europe::Stockholm),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
    }
}

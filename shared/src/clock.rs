//! Time comes from a clock that tests can set: the 24-hour cancellation rule, ages, token
//! expiry, login throttling and greetings all ask it rather than the system.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{
    DateTime, Duration, DurationRound, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

pub type SharedClock = Arc<dyn Clock>;

/// Today's date where the clinic is.
pub fn clinic_today(clock: &dyn Clock, tz: Tz) -> NaiveDate {
    clock.now().with_timezone(&tz).date_naive()
}

/// The first instant (UTC) of a clinic date: its local midnight, or, where the clocks skip
/// midnight, the moment they jump. A clinic date is [its start, the next date's start): 23 hours
/// long when the clocks go forward, 25 when they go back.
pub fn clinic_day_start(date: NaiveDate, tz: Tz) -> NaiveDateTime {
    let midnight = date.and_time(NaiveTime::MIN);
    // Gaps are whole minutes (an hour, or half of one), so the first local minute that exists
    // is the jump's instant. Of a midnight the clocks pass twice, the first.
    (0..=24 * 60)
        .find_map(|minutes| {
            tz.from_local_datetime(&(midnight + Duration::minutes(minutes))).earliest()
        })
        .map_or(midnight, |start| start.naive_utc())
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
    fn clinic_dates_start_at_local_midnight_and_last_23_to_25_hours() {
        let tz = chrono_tz::Europe::Stockholm;
        let start = |y, m, d| clinic_day_start(NaiveDate::from_ymd_opt(y, m, d).unwrap(), tz);
        let utc =
            |y, m, d, h| NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
        // Winter (CET, +1) and summer (CEST, +2).
        assert_eq!(start(2027, 1, 15), utc(2027, 1, 14, 23));
        assert_eq!(start(2027, 7, 1), utc(2027, 6, 30, 22));
        // Spring forward, 28 March 2027: 23 hours. Autumn back, 31 October 2027: 25 hours.
        assert_eq!(start(2027, 3, 28), utc(2027, 3, 27, 23));
        assert_eq!(start(2027, 3, 29), utc(2027, 3, 28, 22));
        assert_eq!(start(2027, 3, 29) - start(2027, 3, 28), Duration::hours(23));
        assert_eq!(start(2027, 10, 31), utc(2027, 10, 30, 22));
        assert_eq!(start(2027, 11, 1), utc(2027, 10, 31, 23));
        assert_eq!(start(2027, 11, 1) - start(2027, 10, 31), Duration::hours(25));
        // Where midnight itself is skipped (Havana's spring, 14 March 2027: 00:00 is 01:00),
        // the day starts when the clocks jump; UTC days are UTC days.
        let havana = clinic_day_start(
            NaiveDate::from_ymd_opt(2027, 3, 14).unwrap(),
            chrono_tz::America::Havana,
        );
        assert_eq!(havana, utc(2027, 3, 14, 5));
        let utc_day =
            clinic_day_start(NaiveDate::from_ymd_opt(2027, 3, 28).unwrap(), chrono_tz::UTC);
        assert_eq!(utc_day, utc(2027, 3, 28, 0));
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

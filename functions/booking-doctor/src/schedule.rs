//! A doctor's working time as instants. The weekly template and the dated exceptions are
//! written in clinic time; bookings and slots are instants. Every conversion goes through
//! [`instant`], so a day with a daylight-saving change has the hours its clock times give: on
//! the spring day 08:00–16:00 is still eight hours of work, and a slot grid that crosses 02:00
//! steps over the hour the clocks skip.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// `[start, end)`, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Interval {
    pub fn new(start: DateTime<Utc>, minutes: u16) -> Self {
        Self { start, end: start + Duration::minutes(i64::from(minutes)) }
    }

    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }

    fn contains(&self, other: &Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// One interval of the weekly template: on ISO `weekday` (1 = Monday), `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyHours {
    pub weekday: u8,
    pub from: NaiveTime,
    pub to: NaiveTime,
}

/// What a dated exception does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExceptionKind {
    /// The doctor is away: no bookings, no slots.
    Absence,
    /// The doctor works these hours besides the template's.
    Extra,
}

impl ExceptionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Absence => "absence",
            Self::Extra => "extra",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "absence" => Some(Self::Absence),
            "extra" => Some(Self::Extra),
            _ => None,
        }
    }
}

/// An exception on one clinic date; `times` is `None` for a whole-day absence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedException {
    pub date: NaiveDate,
    pub kind: ExceptionKind,
    pub times: Option<(NaiveTime, NaiveTime)>,
}

/// Why a visit cannot be booked at a time (409).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    OutsideHours,
    Absent,
}

impl Refusal {
    pub fn detail(self) -> &'static str {
        match self {
            Self::OutsideHours => {
                "This time is outside the doctor's working hours. Choose one of the free times."
            }
            Self::Absent => "The doctor is away at this time. Choose another time or doctor.",
        }
    }
}

/// A doctor's template and the exceptions of the dates being looked at.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    pub weekly: Vec<WeeklyHours>,
    pub exceptions: Vec<DatedException>,
}

/// The instant of a clinic date and time. A time the clocks pass twice is its first passing;
/// a time they skip is the moment they skip to (02:30 on the spring day is 03:00 CEST).
pub fn instant(date: NaiveDate, time: NaiveTime, tz: Tz) -> DateTime<Utc> {
    let local = date.and_time(time);
    (0..=180)
        .find_map(|minutes| {
            tz.from_local_datetime(&(local + Duration::minutes(minutes))).earliest()
        })
        .map_or_else(|| local.and_utc(), |moment| moment.with_timezone(&Utc))
}

/// The clinic date `date` as instants: from its midnight to the next (23 or 25 hours on the
/// days the clocks change).
pub fn whole_day(date: NaiveDate, tz: Tz) -> Interval {
    let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
    Interval { start: instant(date, NaiveTime::MIN, tz), end: instant(next, NaiveTime::MIN, tz) }
}

impl Schedule {
    /// Whether the doctor has a weekly template; without one, only absences limit bookings.
    pub fn has_weekly_hours(&self) -> bool {
        !self.weekly.is_empty()
    }

    /// The absences on `date`, as instants.
    pub fn absences(&self, date: NaiveDate, tz: Tz) -> Vec<Interval> {
        self.exceptions
            .iter()
            .filter(|e| e.date == date && e.kind == ExceptionKind::Absence)
            .map(|e| match e.times {
                Some((from, to)) => {
                    Interval { start: instant(date, from, tz), end: instant(date, to, tz) }
                }
                None => whole_day(date, tz),
            })
            .collect()
    }

    /// The working intervals of `date`: the template's for its weekday and the extra hours,
    /// merged where they touch, less the absences. Sorted.
    pub fn working(&self, date: NaiveDate, tz: Tz) -> Vec<Interval> {
        let weekday = u8::try_from(date.weekday().number_from_monday()).unwrap_or(0);
        let weekly = self.weekly.iter().filter(|w| w.weekday == weekday).map(|w| (w.from, w.to));
        let extra = self
            .exceptions
            .iter()
            .filter(|e| e.date == date && e.kind == ExceptionKind::Extra)
            .filter_map(|e| e.times);
        let mut intervals: Vec<Interval> = weekly
            .chain(extra)
            .map(|(from, to)| Interval {
                start: instant(date, from, tz),
                end: instant(date, to, tz),
            })
            .filter(|interval| interval.start < interval.end)
            .collect();
        intervals.sort_by_key(|interval| interval.start);
        let merged = merge(intervals);
        subtract(merged, &self.absences(date, tz))
    }

    /// Whether `visit` may be booked: it touches no absence and, when the doctor has weekly
    /// hours, lies wholly inside one working interval of its clinic date.
    pub fn admits(&self, visit: Interval, tz: Tz) -> Result<(), Refusal> {
        let first = visit.start.with_timezone(&tz).date_naive();
        let last = visit.end.with_timezone(&tz).date_naive();
        let absent = first
            .iter_days()
            .take_while(|date| *date <= last)
            .any(|date| self.absences(date, tz).iter().any(|absence| absence.overlaps(&visit)));
        if absent {
            return Err(Refusal::Absent);
        }
        if self.has_weekly_hours()
            && !self.working(first, tz).iter().any(|interval| interval.contains(&visit))
        {
            return Err(Refusal::OutsideHours);
        }
        Ok(())
    }

    /// The free slots of `date`: from each working interval's start, every `step` minutes, a
    /// slot `length` minutes long that ends inside the interval, starts after `now` and
    /// overlaps none of `booked` (sorted by start).
    pub fn free_slots(
        &self,
        date: NaiveDate,
        tz: Tz,
        grid: SlotGrid,
        now: DateTime<Utc>,
        booked: &[Interval],
    ) -> Vec<Interval> {
        let mut slots = Vec::new();
        for interval in self.working(date, tz) {
            let mut start = interval.start;
            loop {
                let slot = Interval::new(start, grid.length);
                if slot.end > interval.end {
                    break;
                }
                if slot.start > now && !booked.iter().any(|visit| visit.overlaps(&slot)) {
                    slots.push(slot);
                }
                start += Duration::minutes(i64::from(grid.step));
            }
        }
        slots
    }
}

/// How slots are cut: every `step` minutes, `length` minutes long.
#[derive(Debug, Clone, Copy)]
pub struct SlotGrid {
    pub step: u16,
    pub length: u16,
}

/// Sorted intervals with those that overlap or touch joined.
fn merge(sorted: Vec<Interval>) -> Vec<Interval> {
    let mut merged: Vec<Interval> = Vec::with_capacity(sorted.len());
    for interval in sorted {
        match merged.last_mut() {
            Some(last) if interval.start <= last.end => last.end = last.end.max(interval.end),
            _ => merged.push(interval),
        }
    }
    merged
}

/// `intervals` less every part covered by one of `holes`.
fn subtract(intervals: Vec<Interval>, holes: &[Interval]) -> Vec<Interval> {
    let mut remaining = intervals;
    for hole in holes {
        remaining = remaining
            .into_iter()
            .flat_map(|interval| {
                if !interval.overlaps(hole) {
                    return vec![interval];
                }
                let before = Interval { start: interval.start, end: hole.start };
                let after = Interval { start: hole.end, end: interval.end };
                [before, after].into_iter().filter(|part| part.start < part.end).collect()
            })
            .collect();
    }
    remaining
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Stockholm;

    fn time(text: &str) -> NaiveTime {
        NaiveTime::parse_from_str(text, "%H:%M").unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    /// Every day of the week 01:00–05:00 (across the clock change), and Mondays 08:00–12:00
    /// and 13:00–16:00.
    fn schedule() -> Schedule {
        let mut weekly: Vec<WeeklyHours> = (1..=7)
            .map(|weekday| WeeklyHours { weekday, from: time("01:00"), to: time("05:00") })
            .collect();
        weekly.push(WeeklyHours { weekday: 1, from: time("08:00"), to: time("12:00") });
        weekly.push(WeeklyHours { weekday: 1, from: time("13:00"), to: time("16:00") });
        Schedule { weekly, exceptions: Vec::new() }
    }

    fn starts(slots: &[Interval]) -> Vec<String> {
        slots
            .iter()
            .map(|s| s.start.with_timezone(&Stockholm).format("%H:%M").to_string())
            .collect()
    }

    const HOUR: SlotGrid = SlotGrid { step: 60, length: 60 };
    const LONG_AGO: &str = "2000-01-01T00:00:00Z";

    #[test]
    fn the_spring_day_is_23_hours_and_its_slots_skip_the_missing_hour() {
        let day = whole_day(date("2027-03-28"), Stockholm);
        assert_eq!(day.end - day.start, Duration::hours(23));
        // 01:00–05:00 on the clock is three hours of work: 02:00–03:00 does not happen.
        let slots = schedule().free_slots(date("2027-03-28"), Stockholm, HOUR, utc(LONG_AGO), &[]);
        assert_eq!(starts(&slots), ["01:00", "03:00", "04:00"]);
        assert_eq!(slots[1].start, utc("2027-03-28T01:00:00Z"));
    }

    #[test]
    fn the_autumn_day_is_25_hours_and_its_slots_pass_two_twice() {
        let day = whole_day(date("2027-10-31"), Stockholm);
        assert_eq!(day.end - day.start, Duration::hours(25));
        let slots = schedule().free_slots(date("2027-10-31"), Stockholm, HOUR, utc(LONG_AGO), &[]);
        assert_eq!(starts(&slots), ["01:00", "02:00", "02:00", "03:00", "04:00"]);
        assert_eq!(slots[1].start, utc("2027-10-31T00:00:00Z"));
        assert_eq!(slots[2].start, utc("2027-10-31T01:00:00Z"));
    }

    #[test]
    fn a_skipped_time_is_the_moment_the_clocks_skip_to() {
        assert_eq!(
            instant(date("2027-03-28"), time("02:30"), Stockholm),
            utc("2027-03-28T01:00:00Z")
        );
        assert_eq!(
            instant(date("2027-03-29"), time("09:00"), Stockholm),
            utc("2027-03-29T07:00:00Z")
        );
        assert_eq!(
            instant(date("2027-03-26"), time("09:00"), Stockholm),
            utc("2027-03-26T08:00:00Z")
        );
    }

    #[test]
    fn slots_fit_their_interval_and_avoid_booked_visits_and_the_past() {
        // Monday 2027-03-01: 08:00–12:00 and 13:00–16:00 in 45-minute steps, 30 minutes long.
        let monday = date("2027-03-01");
        let grid = SlotGrid { step: 45, length: 30 };
        let booked = [Interval::new(utc("2027-03-01T08:00:00Z"), 30)]; // 09:00–09:30 CET
        let now = utc("2027-03-01T07:10:00Z"); // 08:10 CET: the 08:00 slot has begun
        let mut schedule = schedule();
        schedule.weekly.retain(|w| w.from != time("01:00"));
        let slots = schedule.free_slots(monday, Stockholm, grid, now, &booked);
        assert_eq!(
            starts(&slots),
            ["09:30", "10:15", "11:00", "13:00", "13:45", "14:30", "15:15"],
            "08:45 overlaps the 09:00 visit; 11:45 would end after 12:00"
        );
    }

    #[test]
    fn absences_cut_working_hours_and_refuse_bookings() {
        let monday = date("2027-03-01");
        let mut schedule = schedule();
        schedule.exceptions.push(DatedException {
            date: monday,
            kind: ExceptionKind::Absence,
            times: Some((time("10:00"), time("14:00"))),
        });
        schedule.exceptions.push(DatedException {
            date: monday,
            kind: ExceptionKind::Extra,
            times: Some((time("16:00"), time("18:00"))),
        });
        let working = schedule.working(monday, Stockholm);
        let local = |i: &Interval| {
            let (s, e) = (i.start.with_timezone(&Stockholm), i.end.with_timezone(&Stockholm));
            format!("{}-{}", s.format("%H:%M"), e.format("%H:%M"))
        };
        assert_eq!(
            working.iter().map(local).collect::<Vec<_>>(),
            ["01:00-05:00", "08:00-10:00", "14:00-18:00"],
            "the extra hours join the afternoon; the absence cuts the morning and the lunch"
        );
        let at = |text: &str, minutes| Interval::new(utc(text), minutes);
        assert_eq!(
            schedule.admits(at("2027-03-01T09:30:00Z", 30), Stockholm),
            Err(Refusal::Absent)
        );
        assert_eq!(
            schedule.admits(at("2027-03-01T08:45:00Z", 30), Stockholm),
            Err(Refusal::Absent)
        );
        assert_eq!(schedule.admits(at("2027-03-01T07:30:00Z", 30), Stockholm), Ok(()));
        assert_eq!(schedule.admits(at("2027-03-01T15:30:00Z", 60), Stockholm), Ok(()));
        assert_eq!(
            schedule.admits(at("2027-03-01T16:30:00Z", 60), Stockholm),
            Err(Refusal::OutsideHours),
            "17:30–18:30 ends after the extra hours"
        );
    }

    #[test]
    fn without_a_template_only_absences_refuse() {
        let whole_day_off =
            DatedException { date: date("2027-03-02"), kind: ExceptionKind::Absence, times: None };
        let schedule = Schedule { weekly: Vec::new(), exceptions: vec![whole_day_off] };
        let at = |text: &str| Interval::new(utc(text), 30);
        assert_eq!(
            schedule.admits(at("2027-03-01T22:00:00Z"), Stockholm),
            Ok(()),
            "23:00 the day before"
        );
        assert_eq!(
            schedule.admits(at("2027-03-01T22:45:00Z"), Stockholm),
            Err(Refusal::Absent),
            "runs into the day off"
        );
        assert!(
            schedule.free_slots(date("2027-03-03"), Stockholm, HOUR, utc(LONG_AGO), &[]).is_empty()
        );
    }
}

//! The filters of the booking list (`diagnostic_service`, `patient_name`, `patient_surname`,
//! `date_from`, `date_to`, `order`) and a patient's scope, as a [`DatedQuery`] on the bookings:
//! the modality and patient filters are answered from the modalities and patients they match,
//! a patient's own list through the bookings' index on the patient, dates and the time order
//! from the bookings counted per day (see [`qhealth::lists`]). Bookings still without a time
//! come after the others in time order (before them newest first), and in no date range.

use chrono_tz::Tz;
use qhealth::collection_version;
use qhealth::error::{ApiError, FieldErrors};
use qhealth::http::QueryParams;
use qhealth::lists::keys::{KeyFilter, ProfileField, ProfileText};
use qhealth::lists::{
    CountedList, DatedQuery, Days, Direction, KeyColumn, ListQuery, PageSql, Scope, Table,
    TimeRange, Timeline,
};
use qhealth::page::filters::DateTimeOrder;
use qhealth::page::{CountCache, PageRequest, filters};
use sqlx::MySqlConnection;

use crate::BookingRow;

/// Its totals follow the modalities (their names) and the users (the patients' names) too.
static BOOKINGS: Table = Table {
    from: "diagnostic_bookings b",
    id: "b.id",
    all: CountedList("diagnostic_bookings"),
    collections: &["booking_diagnostic", "users", "diagnostics"],
};

static PATIENT: KeyColumn = KeyColumn {
    column: "b.user_id",
    index: "diagnostic_bookings_patient",
    counts: Some("diagnostic_bookings:patient"),
    slice_counts: &[],
};

static MODALITY: KeyColumn = KeyColumn {
    column: "b.diagnostic_id",
    index: "diagnostic_bookings_diagnostic",
    counts: Some("diagnostic_bookings:modality"),
    slice_counts: &[],
};

/// The bookings by time: those with a time counted per day and read along (date_time, id);
/// those without one counted in blocks of ids and read where the same index holds NULL. A
/// patient's few bookings (one per modality at most) are sorted as they are read.
static TIMELINE: Timeline = Timeline {
    column: "b.date_time",
    days: Days {
        counted: CountedList("diagnostic_bookings:day"),
        index: "diagnostic_bookings_time",
    },
    slice_days: &[],
    untimed: Some(CountedList("diagnostic_bookings:untimed")),
    key_indexes: &[],
};

/// Bookings with their modalities.
static PAGE: PageSql = PageSql {
    columns: concat!(
        booking_columns!(),
        ", ",
        collection_version!("booking_diagnostic", "users", "diagnostics")
    ),
    joins: "JOIN diagnostics d ON d.id = b.diagnostic_id",
};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BookingFilter {
    /// Only this patient's bookings (a patient's own list).
    patient_id: Option<u64>,
    modality: Option<String>,
    patient_name: Option<String>,
    patient_surname: Option<String>,
    /// `date_from` to `date_to`, as instants.
    range: TimeRange,
    order: DateTimeOrder,
}

impl BookingFilter {
    /// `scope` is the caller's list scope: `Some(id)` limits the list to that patient; `tz`
    /// the clinic's time zone, in which `date_from` and `date_to` are dates.
    pub fn from_query(
        query: &QueryParams,
        scope: Option<u64>,
        tz: Tz,
        errors: &mut FieldErrors,
    ) -> Self {
        let (date_from, date_to) = filters::date_range(query, errors);
        Self {
            patient_id: scope,
            modality: filters::text(query, "diagnostic_service"),
            patient_name: filters::text(query, "patient_name"),
            patient_surname: filters::text(query, "patient_surname"),
            range: TimeRange::clinic_dates(date_from, date_to, tz),
            order: filters::date_time_order(query, errors),
        }
    }

    /// Identifies the filter for cached totals (the order does not change a total).
    fn cache_key(&self) -> String {
        let rows = (self.patient_id, &self.modality, &self.patient_name, &self.patient_surname);
        if self.range.is_all() {
            // As before there were dates, so that both name the same cached totals.
            format!("{rows:?}")
        } else {
            format!("{:?}", (rows, self.range))
        }
    }

    fn list_query(&self) -> DatedQuery {
        let mut key_filters = Vec::new();
        if let Some(modality) = &self.modality {
            key_filters.push((KeyFilter::Modalities(modality.clone()), &MODALITY));
        }
        let patient = ProfileText::new([
            (ProfileField::Name, self.patient_name.clone()),
            (ProfileField::Surname, self.patient_surname.clone()),
        ]);
        if !patient.is_empty() {
            key_filters.push((KeyFilter::Profiles(patient), &PATIENT));
        }
        let list = ListQuery {
            table: &BOOKINGS,
            slice: None,
            scope: self.patient_id.map(|id| Scope { key: &PATIENT, id }),
            filters: key_filters,
            direction: Direction::newest_first(self.order.newest_first),
            cache_key: self.cache_key(),
        };
        DatedQuery {
            list,
            timeline: &TIMELINE,
            by_time: self.order.by_time,
            range: self.range,
            key: None,
        }
    }

    /// One page of bookings with their modalities, and the list's total.
    pub async fn read(
        &self,
        db: &mut MySqlConnection,
        counts: &CountCache,
        request: PageRequest,
    ) -> Result<(Vec<BookingRow>, u64), ApiError> {
        self.list_query().read(db, counts, request, &PAGE).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::NaiveDate;

    fn filter(query: &str, scope: Option<u64>) -> Result<BookingFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let (query, tz) = (QueryParams::parse(query), chrono_tz::Europe::Stockholm);
        let filter = BookingFilter::from_query(&query, scope, tz, &mut errors);
        if errors.is_empty() { Ok(filter) } else { Err(errors) }
    }

    #[test]
    fn order_accepts_exactly_the_id_and_time_orders() {
        assert!(filter("order=-id", None).unwrap().order.newest_first);
        assert!(!filter("order=id", None).unwrap().order.newest_first);
        assert!(filter("order=date_time", None).unwrap().list_query().by_time);
        let latest = filter("order=-date_time", None).unwrap().list_query();
        assert!(latest.by_time && latest.list.direction == Direction::Descending);
        for bad in ["order=-ID", "order=id,-id", "order=date", "order=date_time,id"] {
            assert!(filter(bad, None).unwrap_err().get("order").is_some(), "{bad}");
        }
    }

    #[test]
    fn dates_are_the_clinic_s_and_a_range_has_totals_of_its_own() {
        let autumn = filter("date_from=2027-10-31&date_to=2027-10-31", None).unwrap();
        let utc =
            |d: u32, h: u32| NaiveDate::from_ymd_opt(2027, 10, d).unwrap().and_hms_opt(h, 0, 0);
        // The day the clocks go back in Stockholm: 25 hours.
        assert_eq!(autumn.range, TimeRange { from: utc(30, 22), to: utc(31, 23) });
        let plain = filter("", None).unwrap();
        assert_ne!(autumn.cache_key(), plain.cache_key());
        assert_eq!(
            filter("date_from=2027-10-31&order=-date_time", None).unwrap().cache_key(),
            filter("date_from=2027-10-31", None).unwrap().cache_key()
        );
        for (bad, name) in [
            ("date_from=31-10-2027", "date_from"),
            ("date_from=2027-11-01&date_to=2027-10-31", "date_to"),
        ] {
            assert!(filter(bad, None).unwrap_err().get(name).is_some(), "{bad}");
        }
    }

    #[test]
    fn a_patient_s_total_is_their_own() {
        let everyone = filter("patient_name=eva", None).unwrap();
        let own = filter("patient_name=eva", Some(7)).unwrap();
        assert_ne!(everyone.cache_key(), own.cache_key());
        assert_eq!(
            own.cache_key(),
            filter("patient_name=eva&order=-id", Some(7)).unwrap().cache_key()
        );
    }

    #[test]
    fn modality_and_patient_filters_become_key_filters() {
        let f = filter("diagnostic_service=m'r&patient_name=a&patient_surname=b", Some(3)).unwrap();
        let query = f.list_query().list;
        assert_eq!(query.scope.map(|scope| scope.id), Some(3));
        assert!(matches!(&query.filters[0].0, KeyFilter::Modalities(text) if text == "m'r"));
        assert!(matches!(&query.filters[1].0, KeyFilter::Profiles(_)));
    }
}

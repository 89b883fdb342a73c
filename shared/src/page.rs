//! Pagination and the filter parsing every list shares (API.md, "Pagination" and "Filters").
//!
//! Totals are the expensive part of a page: InnoDB counts by scanning. They are cached per
//! collection and filter, against the collection's version number, which every change that can
//! alter a total bumps in its own transaction ([`bump_version`]). The page statement reads that
//! version along with the rows ([`collection_version!`], [`Versioned`]), so a list request is
//! one statement; the count runs only when something changed. The cache is per process (per
//! Lambda instance) and exact, never merely recent.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, PoisonError};

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::mysql::MySqlRow;
use sqlx::{FromRow, MySqlConnection, Row};

use crate::error::{ApiError, FieldErrors};
use crate::http::QueryParams;
use crate::validate::rules;

pub const DEFAULT_SIZE: u64 = 5;
pub const MAX_SIZE: u64 = 25;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub size: u64,
}

impl PageRequest {
    /// `page` (from 1, default 1) and `size` (from 1, default 5, clamped to 25).
    pub fn from_query(query: &QueryParams, errors: &mut FieldErrors) -> Self {
        let mut number = |name: &str, default: u64| match query.get(name) {
            None => default,
            Some(raw) => match raw.parse::<u64>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    errors.add(name, "Enter a whole number from 1.");
                    default
                }
            },
        };
        let page = number("page", 1);
        let size = number("size", DEFAULT_SIZE).min(MAX_SIZE);
        Self { page, size }
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.size)
    }

    pub fn limit(&self) -> u64 {
        self.size
    }
}

fn total_pages(total_items: u64, size: u64) -> u64 {
    total_items.div_ceil(size).max(1)
}

/// One page of a list (API.md, "Pagination").
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// Items in the whole filtered list.
    #[schema(example = 42)]
    pub total_items: u64,
    /// Pages at this size; 1 for an empty list.
    #[schema(example = 9)]
    pub total_pages: u64,
    /// Whether there is a page before this one.
    #[schema(example = false)]
    pub prev: bool,
    /// Whether there is a page after this one.
    #[schema(example = true)]
    pub next: bool,
    pub data: Vec<T>,
}

impl<T> Page<T> {
    pub fn new(request: PageRequest, total_items: u64, data: Vec<T>) -> Self {
        let total_pages = total_pages(total_items, request.size);
        Self {
            total_items,
            total_pages,
            prev: request.page > 1,
            next: request.page < total_pages,
            data,
        }
    }
}

/// Cached list totals; see the module documentation.
#[derive(Default)]
pub struct CountCache {
    entries: Mutex<Totals>,
}

/// (collection, filter) → (collection version, the numbers counted at that version: a total,
/// or the statistics a filtered list's plan is chosen by).
type Totals = HashMap<(&'static str, String), (u64, Vec<u64>)>;

/// Beyond this many distinct filters the cache starts afresh rather than grow without bound.
const MAX_CACHED_TOTALS: usize = 10_000;

impl CountCache {
    /// The total of the list whose page `rows` was just read. `count` runs only if the
    /// collection changed since the cached answer. An empty page needs no count: it is either
    /// the first page of an empty list, or a page past the last (404 "Invalid page.").
    pub async fn total_for_page<T, F>(
        &self,
        collection: &'static str,
        filter: String,
        request: PageRequest,
        rows: &[Versioned<T>],
        count: impl FnOnce() -> F,
    ) -> Result<u64, ApiError>
    where
        F: Future<Output = Result<u64, sqlx::Error>>,
    {
        let Some(first) = rows.first() else {
            return if request.page == 1 { Ok(0) } else { Err(ApiError::InvalidPage) };
        };
        // The version was read with the page, before this count: a change that lands in
        // between is counted under the older version, and the next request, seeing the newer
        // one, counts again.
        let version = first.collection_version;
        let counted = self
            .remember(collection, filter, version, || async { Ok(vec![count().await?]) })
            .await?;
        Ok(counted.first().copied().unwrap_or(0))
    }

    /// The numbers `count` computes for `filter` of `collection`, counted again only when the
    /// collection's `version` is not the one they were counted at.
    pub async fn remember<F>(
        &self,
        collection: &'static str,
        filter: String,
        version: u64,
        count: impl FnOnce() -> F,
    ) -> Result<Vec<u64>, sqlx::Error>
    where
        F: Future<Output = Result<Vec<u64>, sqlx::Error>>,
    {
        let key = (collection, filter);
        if let Some((cached_version, counted)) = self.lock().get(&key)
            && *cached_version == version
        {
            return Ok(counted.clone());
        }
        let counted = count().await?;
        let mut entries = self.lock();
        if entries.len() >= MAX_CACHED_TOTALS {
            entries.clear();
        }
        entries.insert(key, (version, counted.clone()));
        Ok(counted)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Totals> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The select-list item that reads a collection's version in a page statement, decoded by
/// [`Versioned`]. A list whose filters also look at other collections (bookings filtered by the
/// patient's name) names them all: the sum of their versions changes whenever any one does.
#[macro_export]
macro_rules! collection_version {
    ($collection:literal) => {
        concat!(
            "(SELECT version FROM collection_versions WHERE name = '",
            $collection,
            "') AS collection_version"
        )
    };
    ($first:literal $(, $more:literal)+) => {
        concat!(
            "(SELECT CAST(SUM(version) AS UNSIGNED) FROM collection_versions WHERE name IN ('",
            $first,
            "'",
            $(", '", $more, "'",)+
            ")) AS collection_version"
        )
    };
}

/// A row of a page and the version of its collection, read in the same statement.
pub struct Versioned<T> {
    pub row: T,
    pub collection_version: u64,
}

impl<'r, T: FromRow<'r, MySqlRow>> FromRow<'r, MySqlRow> for Versioned<T> {
    fn from_row(row: &'r MySqlRow) -> Result<Self, sqlx::Error> {
        Ok(Self { row: T::from_row(row)?, collection_version: row.try_get("collection_version")? })
    }
}

/// The summed version of `collections` now, for a list that must choose its plan before it reads
/// its page (see [`crate::lists`]).
pub async fn read_version(
    db: &mut MySqlConnection,
    collections: &[&'static str],
) -> Result<u64, sqlx::Error> {
    let mut query = sqlx::QueryBuilder::<sqlx::MySql>::new(
        "SELECT CAST(COALESCE(SUM(version), 0) AS UNSIGNED) FROM collection_versions WHERE name IN (",
    );
    let mut names = query.separated(", ");
    for collection in collections {
        names.push_bind(*collection);
    }
    query.push(")");
    query.build_query_scalar::<u64>().fetch_one(db).await
}

/// Records, in the caller's transaction, that `collection` changed in a way that can alter a
/// list total (a row added or removed, a filtered field edited).
pub async fn bump_version(
    conn: &mut MySqlConnection,
    collection: &'static str,
) -> Result<(), ApiError> {
    sqlx::query!("UPDATE collection_versions SET version = version + 1 WHERE name = ?", collection)
        .execute(conn)
        .await?;
    Ok(())
}

/// A `LIKE ? ESCAPE '!'` pattern matching `text` anywhere: the user's `%` and `_` are matched
/// literally, not as wildcards.
pub fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '!' | '%' | '_') {
            pattern.push('!');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The pieces every list statement shares, so that each list writes only its own tables,
/// columns and conditions. Values are always bound, never written into the SQL.
pub mod sql {
    use sqlx::{MySql, MySqlConnection, QueryBuilder};

    use super::{PageRequest, contains_pattern};

    /// ` AND <column> LIKE ? ESCAPE '!'` for each text filter that was given: the column
    /// contains the text (case and accents ignored by the collation; `%` and `_` literal).
    pub fn push_contains(query: &mut QueryBuilder<MySql>, filters: &[(&str, &Option<String>)]) {
        for (column, text) in filters {
            if let Some(text) = text {
                query.push(" AND ").push(*column).push(" LIKE ");
                query.push_bind(contains_pattern(text)).push(" ESCAPE '!'");
            }
        }
    }

    /// ` LIMIT ? OFFSET ?` of the requested page.
    pub fn push_page(query: &mut QueryBuilder<MySql>, request: PageRequest) {
        query.push(" LIMIT ").push_bind(request.limit());
        query.push(" OFFSET ").push_bind(request.offset());
    }

    /// Runs a `SELECT COUNT(*) ...` statement.
    pub async fn count(
        query: &mut QueryBuilder<MySql>,
        db: &mut MySqlConnection,
    ) -> Result<u64, sqlx::Error> {
        let total: i64 = query.build_query_scalar().fetch_one(db).await?;
        Ok(u64::try_from(total).unwrap_or(0))
    }
}

/// Readers for filter values: a malformed one is a 400 naming the parameter.
pub mod filters {
    use super::*;

    /// Free text, as given (the collation then ignores case and accents).
    pub fn text(query: &QueryParams, name: &str) -> Option<String> {
        query.get(name).map(str::to_owned)
    }

    pub fn whole_number(query: &QueryParams, name: &str, errors: &mut FieldErrors) -> Option<u32> {
        let raw = query.get(name)?;
        raw.parse::<u32>().map_err(|_| errors.add(name, "Enter a whole number.")).ok()
    }

    pub fn date(query: &QueryParams, name: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
        let raw = query.get(name)?;
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .filter(|date| rules::storable_dates().contains(date))
            .or_else(|| {
                errors.add(name, "Enter a real date as YYYY-MM-DD.");
                None
            })
    }

    pub fn boolean(query: &QueryParams, name: &str, errors: &mut FieldErrors) -> Option<bool> {
        match query.get(name)? {
            "true" | "True" | "1" => Some(true),
            "false" | "False" | "0" => Some(false),
            _ => {
                errors.add(name, "Use true or false.");
                None
            }
        }
    }

    /// An exact reference to another object: its id, a whole number from 1.
    pub fn id(query: &QueryParams, name: &str, errors: &mut FieldErrors) -> Option<u64> {
        let raw = query.get(name)?;
        raw.parse::<u64>().ok().filter(|id| *id >= 1).or_else(|| {
            errors.add(name, "Enter an id: a whole number from 1.");
            None
        })
    }

    /// `date_from` and `date_to` (YYYY-MM-DD, either may be left out): clinic dates, the first
    /// no later than the second (else a 400 on `date_to`).
    pub fn date_range(
        query: &QueryParams,
        errors: &mut FieldErrors,
    ) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let from = date(query, "date_from", errors);
        let to = date(query, "date_to", errors);
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            errors.add("date_to", "Enter a date on or after date_from.");
        }
        (from, to)
    }

    /// The order of a list of appointments: by id or by their date and time, each either way.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
    pub struct DateTimeOrder {
        /// `date_time` or `-date_time` (ties by id in the same direction), not `id` or `-id`.
        pub by_time: bool,
        pub newest_first: bool,
    }

    /// `order` of a list of appointments: `id` (the default), `-id`, `date_time`, `-date_time`.
    pub fn date_time_order(query: &QueryParams, errors: &mut FieldErrors) -> DateTimeOrder {
        let names = ["id", "-id", "date_time", "-date_time"];
        match one_of(query, "order", &names, errors) {
            Some(name) => DateTimeOrder {
                by_time: name.ends_with("date_time"),
                newest_first: name.starts_with('-'),
            },
            None => DateTimeOrder::default(),
        }
    }

    /// `order` of a list ordered only by id: `id` (the default) or `-id`. Whether the newest
    /// come first.
    pub fn newest_first(query: &QueryParams, errors: &mut FieldErrors) -> bool {
        one_of(query, "order", &["id", "-id"], errors) == Some("-id")
    }

    /// One of `allowed`, exactly.
    pub fn one_of(
        query: &QueryParams,
        name: &str,
        allowed: &[&'static str],
        errors: &mut FieldErrors,
    ) -> Option<&'static str> {
        let raw = query.get(name)?;
        let found = allowed.iter().copied().find(|a| *a == raw);
        if found.is_none() {
            errors.add(name, format!("Use one of: {}.", allowed.join(", ")));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str) -> Result<PageRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let request = PageRequest::from_query(&QueryParams::parse(query), &mut errors);
        if errors.is_empty() { Ok(request) } else { Err(errors) }
    }

    #[test]
    fn page_and_size_default_clamp_and_refuse_nonsense() {
        assert_eq!(request("").unwrap(), PageRequest { page: 1, size: 5 });
        assert_eq!(request("page=3&size=10").unwrap(), PageRequest { page: 3, size: 10 });
        assert_eq!(request("size=1000").unwrap().size, 25);
        for bad in ["size=0", "size=-1", "size=abc", "page=0", "page=x", "page=1.5"] {
            let errors = request(bad).unwrap_err();
            let name = bad.split('=').next().unwrap();
            assert!(errors.get(name).is_some(), "{bad}");
        }
    }

    #[test]
    fn pages_know_their_neighbours_and_their_end() {
        let second = PageRequest { page: 2, size: 5 };
        let page = Page::new(second, 42, vec![(); 5]);
        assert_eq!((page.total_pages, page.prev, page.next), (9, true, true));
        let empty = Page::<()>::new(PageRequest { page: 1, size: 5 }, 0, vec![]);
        assert_eq!((empty.total_pages, empty.prev, empty.next), (1, false, false));
        assert_eq!(PageRequest { page: 3, size: 25 }.offset(), 50);
    }

    fn page_at(version: u64) -> Vec<Versioned<()>> {
        vec![Versioned { row: (), collection_version: version }]
    }

    #[tokio::test]
    async fn totals_are_counted_again_only_after_a_change() {
        let cache = CountCache::default();
        let first = PageRequest { page: 1, size: 5 };
        let counted = std::sync::atomic::AtomicU64::new(0);
        let total = |rows: Vec<Versioned<()>>, filter: &str, answer: u64| {
            let (cache, counted) = (&cache, &counted);
            let filter = filter.to_owned();
            async move {
                let count = || {
                    counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    async move { Ok::<_, sqlx::Error>(answer) }
                };
                cache.total_for_page("users", filter, first, &rows, count).await.unwrap()
            }
        };
        assert_eq!(total(page_at(1), "all", 3).await, 3);
        assert_eq!(total(page_at(1), "all", 99).await, 3, "cached");
        assert_eq!(total(page_at(1), "some", 1).await, 1, "another filter");
        assert_eq!(total(page_at(2), "all", 4).await, 4, "the collection changed");
        assert_eq!(total(page_at(2), "all", 99).await, 4);
        assert_eq!(counted.load(std::sync::atomic::Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn empty_pages_need_no_count() {
        let cache = CountCache::default();
        let never = || async { panic!("no count for an empty page") };
        let first = PageRequest { page: 1, size: 5 };
        let third = PageRequest { page: 3, size: 5 };
        let empty: Vec<Versioned<()>> = Vec::new();
        assert_eq!(
            cache.total_for_page("users", String::new(), first, &empty, never).await.unwrap(),
            0
        );
        let past_the_end = cache.total_for_page("users", String::new(), third, &empty, never).await;
        assert!(matches!(past_the_end, Err(ApiError::InvalidPage)));
    }

    #[test]
    fn versions_of_several_collections_are_summed() {
        assert_eq!(
            collection_version!("booking_doctor", "users"),
            "(SELECT CAST(SUM(version) AS UNSIGNED) FROM collection_versions \
             WHERE name IN ('booking_doctor', 'users')) AS collection_version"
        );
    }

    #[test]
    fn contains_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("malmo"), "%malmo%");
        assert_eq!(contains_pattern("50%_off!"), "%50!%!_off!!%");
    }

    #[test]
    fn filter_values_are_checked() {
        let query =
            QueryParams::parse("min_age=abc&success=maybe&order=name&date_of_birth=1985-02-30");
        let mut errors = FieldErrors::new();
        assert_eq!(filters::whole_number(&query, "min_age", &mut errors), None);
        assert_eq!(filters::boolean(&query, "success", &mut errors), None);
        assert_eq!(filters::one_of(&query, "order", &["id", "-id"], &mut errors), None);
        assert_eq!(filters::date(&query, "date_of_birth", &mut errors), None);
        for name in ["min_age", "success", "order", "date_of_birth"] {
            assert!(errors.get(name).is_some(), "{name}");
        }
        let query = QueryParams::parse("success=false&order=-id");
        let mut errors = FieldErrors::new();
        assert_eq!(filters::boolean(&query, "success", &mut errors), Some(false));
        assert_eq!(filters::one_of(&query, "order", &["id", "-id"], &mut errors), Some("-id"));
        assert!(errors.is_empty());
    }

    fn parsed<T>(
        query: &str,
        read: impl Fn(&QueryParams, &mut FieldErrors) -> T,
    ) -> Result<T, FieldErrors> {
        let mut errors = FieldErrors::new();
        let value = read(&QueryParams::parse(query), &mut errors);
        if errors.is_empty() { Ok(value) } else { Err(errors) }
    }

    #[test]
    fn ids_are_whole_numbers_from_one() {
        let id = |query: &str| parsed(query, |q, e| filters::id(q, "doctor_id", e));
        assert_eq!(id("doctor_id=17").unwrap(), Some(17));
        // Blank is absent, as for every filter.
        assert_eq!(id("doctor_id=").unwrap(), None);
        for bad in [
            "doctor_id=0",
            "doctor_id=-3",
            "doctor_id=1.5",
            "doctor_id=x",
            "doctor_id=99999999999999999999",
        ] {
            assert!(id(bad).unwrap_err().get("doctor_id").is_some(), "{bad}");
        }
    }

    #[test]
    fn date_ranges_are_real_dates_in_order() {
        let range = |query: &str| parsed(query, filters::date_range);
        let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        assert_eq!(range("date_from=2027-03-28").unwrap(), (date("2027-03-28"), None));
        assert_eq!(range("date_to=2027-03-28").unwrap(), (None, date("2027-03-28")));
        assert_eq!(
            range("date_from=2027-03-28&date_to=2027-03-28").unwrap(),
            (date("2027-03-28"), date("2027-03-28"))
        );
        for (bad, name) in [
            ("date_from=2027-02-30", "date_from"),
            ("date_from=28.03.2027", "date_from"),
            ("date_to=2027-3-8x", "date_to"),
            ("date_to=2027-03-08T10:00", "date_to"),
            ("date_from=2027-03-29&date_to=2027-03-28", "date_to"),
        ] {
            assert!(range(bad).unwrap_err().get(name).is_some(), "{bad}");
        }
    }

    #[test]
    fn appointments_are_ordered_by_id_or_by_time_either_way() {
        let order = |query: &str| parsed(query, filters::date_time_order);
        let by = |by_time, newest_first| filters::DateTimeOrder { by_time, newest_first };
        assert_eq!(order("").unwrap(), by(false, false));
        assert_eq!(order("order=id").unwrap(), by(false, false));
        assert_eq!(order("order=-id").unwrap(), by(false, true));
        assert_eq!(order("order=date_time").unwrap(), by(true, false));
        assert_eq!(order("order=-date_time").unwrap(), by(true, true));
        for bad in ["order=datetime", "order=-date", "order=DATE_TIME", "order=created_at"] {
            assert!(order(bad).unwrap_err().get("order").is_some(), "{bad}");
        }
    }
}

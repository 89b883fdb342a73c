//! Reading the login history a page at a time, whatever its order, at a cost bounded by the
//! page (see [`qhealth::lists`]).
//!
//! The schema counts the attempts, the successful ones and the refused ones, both per block of
//! 1,024 ids and per day (`login_attempts:day`, ...), so every order is a walk from a counted
//! position along one index: by id through the primary key or `login_attempts_success`
//! (`(success, id)`), by time through `login_attempts_created` or
//! `login_attempts_success_created`. Ordered by outcome, the list is two slices one after the
//! other (refused attempts, then successful ones), so a page may take the end of one and the
//! start of the other.

use chrono::{Days, NaiveDate, NaiveDateTime};
use qhealth::collection_version;
use qhealth::error::{ApiError, FieldErrors};
use qhealth::http::QueryParams;
use qhealth::lists::{CountedList, Direction, Start, push_limit};
use qhealth::page::{CountCache, PageRequest, Versioned, filters};
use sqlx::{MySql, MySqlConnection, QueryBuilder};

use crate::LoginAttempt;

/// The orders the list accepts. Ties are broken by id in the same direction, so pages are
/// stable and each order is a walk along one index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Id,
    IdDescending,
    Success,
    SuccessDescending,
    CreatedAt,
    CreatedAtDescending,
}

impl Order {
    pub const NAMES: [&'static str; 6] =
        ["id", "-id", "success", "-success", "created_at", "-created_at"];

    pub fn from_query(query: &QueryParams, errors: &mut FieldErrors) -> Self {
        match filters::one_of(query, "order", &Self::NAMES, errors) {
            Some("-id") => Self::IdDescending,
            Some("success") => Self::Success,
            Some("-success") => Self::SuccessDescending,
            Some("created_at") => Self::CreatedAt,
            Some("-created_at") => Self::CreatedAtDescending,
            _ => Self::Id,
        }
    }

    /// The order of the page's rows (the attempt is `a`).
    pub fn sql(self) -> &'static str {
        match self {
            Self::Id => " ORDER BY a.id",
            Self::IdDescending => " ORDER BY a.id DESC",
            Self::Success => " ORDER BY a.success, a.id",
            Self::SuccessDescending => " ORDER BY a.success DESC, a.id DESC",
            Self::CreatedAt => " ORDER BY a.created_at, a.id",
            Self::CreatedAtDescending => " ORDER BY a.created_at DESC, a.id DESC",
        }
    }

    fn direction(self) -> Direction {
        match self {
            Self::Id | Self::Success | Self::CreatedAt => Direction::Ascending,
            _ => Direction::Descending,
        }
    }

    fn by_time(self) -> bool {
        matches!(self, Self::CreatedAt | Self::CreatedAtDescending)
    }
}

/// The list's one filter: `success`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginHistoryFilter {
    pub success: Option<bool>,
}

/// The day blocks count from this day (`DATEDIFF(created_at, '2000-01-01')`).
const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a real date");

/// A run of the list in one order along one index: all attempts, or those of one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    success: Option<bool>,
    by_time: bool,
    direction: Direction,
}

impl Run {
    fn counted(self) -> CountedList {
        CountedList(match (self.success, self.by_time) {
            (None, false) => "login_attempts",
            (Some(true), false) => "login_attempts:success",
            (Some(false), false) => "login_attempts:failure",
            (None, true) => "login_attempts:day",
            (Some(true), true) => "login_attempts:success:day",
            (Some(false), true) => "login_attempts:failure:day",
        })
    }

    fn index(self) -> &'static str {
        match (self.success, self.by_time) {
            (None, false) => "PRIMARY",
            (Some(_), false) => "login_attempts_success",
            (None, true) => "login_attempts_created",
            (Some(_), true) => "login_attempts_success_created",
        }
    }

    /// `(SELECT a.id FROM login_attempts a ... LIMIT ? OFFSET ?)`: `count` ids of this run from
    /// `start`.
    fn push_ids(self, query: &mut QueryBuilder<MySql>, start: Start, count: u64) {
        query.push("(SELECT a.id FROM login_attempts a FORCE INDEX (").push(self.index());
        query.push(") WHERE TRUE");
        if let Some(success) = self.success {
            query.push(" AND a.success = ").push_bind(success);
        }
        let direction = self.direction.sql();
        if self.by_time {
            push_day_bound(query, start, self.direction);
            query.push(format_args!(" ORDER BY a.created_at {direction}, a.id {direction}"));
        } else {
            start.push_id_bound(query, "a.id", self.direction);
            query.push(format_args!(" ORDER BY a.id {direction}"));
        }
        push_limit(query, count, start.skip);
        query.push(")");
    }
}

/// ` AND a.created_at >= <the block's day>` (or before the next day, reading newest first).
fn push_day_bound(query: &mut QueryBuilder<MySql>, start: Start, direction: Direction) {
    let Some(block) = start.block else { return };
    let day = |days: u64| -> NaiveDateTime {
        let date = FIRST_DAY.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX);
        date.and_time(chrono::NaiveTime::MIN)
    };
    match direction {
        Direction::Ascending => query.push(" AND a.created_at >= ").push_bind(day(block)),
        Direction::Descending => query.push(" AND a.created_at < ").push_bind(day(block + 1)),
    };
}

/// Every attempt's columns, and the version of the login history, for the ids of a page.
const PAGE: &str = concat!(
    "SELECT a.id, a.email, a.ip_address, a.attempted_at, a.success, a.created_at, a.updated_at, ",
    collection_version!("security"),
    " FROM ("
);

impl LoginHistoryFilter {
    pub fn from_query(query: &QueryParams, errors: &mut FieldErrors) -> Self {
        Self { success: filters::boolean(query, "success", errors) }
    }

    /// Identifies the filter for cached totals (the order does not change a total).
    pub fn cache_key(&self) -> String {
        format!("{self:?}")
    }

    /// The runs the list is, in `order`: ordered by outcome without an outcome filter, the
    /// refused attempts and the successful ones (in the order's direction); otherwise one.
    fn runs(self, order: Order) -> Vec<Run> {
        let direction = order.direction();
        let by_time = order.by_time();
        let by_outcome = matches!(order, Order::Success | Order::SuccessDescending);
        match (self.success, by_outcome) {
            (None, true) => {
                let outcomes = match direction {
                    Direction::Ascending => [false, true],
                    Direction::Descending => [true, false],
                };
                outcomes.map(|success| Run { success: Some(success), by_time, direction }).to_vec()
            }
            (success, _) => vec![Run { success, by_time, direction }],
        }
    }

    /// One page in `order`, and the list's total. 404 "Invalid page." past the last page.
    pub async fn read(
        self,
        db: &mut MySqlConnection,
        counts: &CountCache,
        order: Order,
        request: PageRequest,
    ) -> Result<(Vec<LoginAttempt>, u64), ApiError> {
        let parts = self.locate(db, order, request).await?;
        let mut query = QueryBuilder::new(PAGE);
        for (i, (run, start, count)) in parts.iter().enumerate() {
            if i > 0 {
                query.push(" UNION ALL ");
            }
            run.push_ids(&mut query, *start, *count);
        }
        if parts.is_empty() {
            // An empty list's first page.
            return Ok((Vec::new(), 0));
        }
        query.push(") page STRAIGHT_JOIN login_attempts a ON a.id = page.id");
        query.push(order.sql());
        let rows: Vec<Versioned<LoginAttempt>> = query.build_query_as().fetch_all(&mut *db).await?;
        let whole = Run { success: self.success, by_time: false, direction: Direction::Ascending };
        let total = counts
            .total_for_page("security", self.cache_key(), request, &rows, || {
                whole.counted().total(db)
            })
            .await?;
        Ok((rows.into_iter().map(|versioned| versioned.row).collect(), total))
    }

    /// Where the page's rows are: for each run it touches, where in the run they start and how
    /// many there are.
    async fn locate(
        self,
        db: &mut MySqlConnection,
        order: Order,
        request: PageRequest,
    ) -> Result<Vec<(Run, Start, u64)>, ApiError> {
        let runs = self.runs(order);
        let (mut offset, mut wanted) = (request.offset(), request.limit());
        if let [run] = runs[..] {
            return match run.counted().start_of(db, run.direction, offset).await? {
                Some(start) => Ok(vec![(run, start, wanted)]),
                None => Err(ApiError::InvalidPage),
            };
        }
        let mut parts = Vec::new();
        for run in runs {
            if wanted == 0 {
                break;
            }
            let total = run.counted().total(db).await?;
            if offset >= total {
                offset -= total;
                continue;
            }
            let start = run
                .counted()
                .start_of(db, run.direction, offset)
                .await?
                .ok_or(ApiError::InvalidPage)?;
            let count = wanted.min(total - offset);
            parts.push((run, start, count));
            wanted -= count;
            offset = 0;
        }
        if parts.is_empty() && request.page > 1 {
            return Err(ApiError::InvalidPage);
        }
        Ok(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Result<(LoginHistoryFilter, Order), FieldErrors> {
        let query = QueryParams::parse(query);
        let mut errors = FieldErrors::new();
        let parsed = (
            LoginHistoryFilter::from_query(&query, &mut errors),
            Order::from_query(&query, &mut errors),
        );
        if errors.is_empty() { Ok(parsed) } else { Err(errors) }
    }

    #[test]
    fn every_listed_order_is_accepted_and_ends_on_the_id() {
        for name in Order::NAMES {
            let (_, order) = parse(&format!("order={name}")).unwrap();
            assert!(order.sql().ends_with("a.id") || order.sql().ends_with("a.id DESC"), "{name}");
        }
        assert_eq!(parse("").unwrap().1, Order::Id);
        assert_eq!(parse("order=-success").unwrap().1, Order::SuccessDescending);
    }

    #[test]
    fn malformed_values_name_their_parameter() {
        for (query, name) in [
            ("order=timestamp", "order"),
            ("order=email", "order"),
            ("success=maybe", "success"),
            ("success=yes", "success"),
        ] {
            assert!(parse(query).unwrap_err().get(name).is_some(), "{query}");
        }
        assert_eq!(parse("success=false").unwrap().0.success, Some(false));
    }

    #[test]
    fn by_outcome_the_list_is_the_refused_attempts_then_the_successful_ones() {
        let (all, order) = parse("order=success").unwrap();
        let runs = all.runs(order);
        assert_eq!(
            runs.iter().map(|run| run.success).collect::<Vec<_>>(),
            [Some(false), Some(true)]
        );
        let (all, order) = parse("order=-success").unwrap();
        assert_eq!(all.runs(order)[0].success, Some(true));
        let (refused, order) = parse("success=false&order=-success").unwrap();
        assert_eq!(refused.runs(order).len(), 1);
        let (_, order) = parse("order=-created_at").unwrap();
        assert_eq!(all.runs(order)[0].counted(), CountedList("login_attempts:day"));
    }

    #[test]
    fn a_run_binds_its_values_and_bounds_its_index_walk() {
        let run = Run { success: Some(true), by_time: true, direction: Direction::Descending };
        let mut query = QueryBuilder::<MySql>::new("");
        run.push_ids(&mut query, Start { block: Some(9000), skip: 3 }, 25);
        let sql = query.sql().as_str().to_owned();
        assert!(sql.contains("FORCE INDEX (login_attempts_success_created)"), "{sql}");
        assert!(sql.contains("a.success = ? AND a.created_at < ?"), "{sql}");
        assert!(sql.contains("ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?"), "{sql}");
    }
}

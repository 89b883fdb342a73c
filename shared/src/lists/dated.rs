//! Lists by date (API.md, "Lists by date"): a range of clinic dates (`date_from`, `date_to`),
//! the time order (`order=date_time`, `-date_time`) and an exact key beside a patient's scope
//! (`doctor_id`), at a cost bounded by the page, not the table.
//!
//! The schema counts each list's timed rows per UTC day (`list_blocks` with a day number as
//! block, migration `20261204000003_dated_lists`) and keeps an index on (time, id) for each of
//! them ([`Timeline`]). A range of instants is then laid over the days ([`Layout`]): the whole
//! days inside it are summed from their blocks, and the one or two days it covers only partly
//! (a clinic date in Stockholm begins at 23:00 or 22:00 UTC) are counted on the index — on the
//! smaller side of the day, so an edge costs at most half a day's rows. A page in time order
//! starts in the day whose running sum passes its offset and walks the index from that day's
//! first instant, as the login history does.
//!
//! What is read, by what the request names (its plans):
//! - a patient's own list, or a doctor's (`doctor_id`): that key's rows through its index on
//!   (key, time), or (key, id) in id order, every other condition checked on the rows: bounded
//!   by the key's rows in the range ([`DatedQuery::read_keyed`]);
//! - no text filter: the day blocks, as above; in id order a range is a filter whose rows are
//!   counted by the blocks, read either by walking the ids or through the time index
//!   ([`DatedQuery::read_timeline`]);
//! - text filters too: walking the range along the time index, checking them, or reading the
//!   matched keys' rows, checking the range: whichever reads fewer rows, so a page costs about
//!   the smaller of the range's rows and the matched keys' ([`DatedQuery::read_filtered`]).

use chrono::{Days as DayCount, NaiveDate, NaiveDateTime, TimeDelta};
use chrono_tz::Tz;
use sqlx::mysql::MySqlRow;
use sqlx::{FromRow, MySql, MySqlConnection, QueryBuilder};

use super::filtered::{self, Statistics};
use super::query::{DIRECT_SKIP, ListQuery, PageSql, Scope, count};
use super::{CountedList, Direction, Plan, Start, expected_rows, push_limit};
use crate::clock::clinic_day_start;
use crate::error::ApiError;
use crate::page::{CountCache, PageRequest, Versioned, read_version};

/// Day 0 of the day blocks (`DATEDIFF(date_time, '2000-01-01')`).
const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a real date");

/// The last instant a `DATETIME` column can be compared with; a range ending later is open.
const LAST_INSTANT: NaiveDateTime =
    NaiveDate::from_ymd_opt(9999, 12, 31).expect("a real date").and_time(chrono::NaiveTime::MIN);

/// An edge part longer than this is counted as its day's block less the rest of the day.
const HALF_A_DAY: TimeDelta = TimeDelta::hours(12);

/// Instants in UTC, `[from, to)`; `None` is open-ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TimeRange {
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

impl TimeRange {
    pub const ALL: Self = Self { from: None, to: None };

    /// The instants of the clinic dates `from` through `to` (inclusive) in the clinic's time
    /// zone: from the first instant of `from` to the first instant of the day after `to`.
    pub fn clinic_dates(from: Option<NaiveDate>, to: Option<NaiveDate>, tz: Tz) -> Self {
        Self {
            from: from.map(|date| clinic_day_start(date, tz)),
            to: to.and_then(|date| date.succ_opt()).map(|next| clinic_day_start(next, tz)),
        }
    }

    pub fn is_all(self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// The range as the stored rows can be compared with: bounds before the first day (where
    /// no row lies) or after the last storable instant are open. `None` when nothing stored
    /// can lie in it.
    fn stored(self) -> Option<Self> {
        let first = day_start(0);
        let from = self.from.filter(|from| *from > first);
        let to = self.to.filter(|to| *to <= LAST_INSTANT);
        match (from, self.to) {
            (_, Some(to)) if to <= first => None,
            (Some(from), Some(to)) if from >= to => None,
            _ => Some(Self { from, to }),
        }
    }
}

fn day_of(instant: NaiveDateTime) -> u64 {
    u64::try_from((instant.date() - FIRST_DAY).num_days()).unwrap_or(0)
}

fn day_start(day: u64) -> NaiveDateTime {
    FIRST_DAY
        .checked_add_days(DayCount::new(day))
        .unwrap_or(NaiveDate::MAX)
        .and_time(chrono::NaiveTime::MIN)
}

/// The part of one day a range covers, `[from, to)`, when it is not the whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Part {
    day: u64,
    from: NaiveDateTime,
    to: NaiveDateTime,
}

impl Part {
    /// Counted directly when short; otherwise its day's block less the rest of the day.
    fn is_short(self) -> bool {
        self.to - self.from <= HALF_A_DAY
    }

    /// The rest of its day: at most two intervals, the empty ones left out.
    fn rest(self) -> Vec<(NaiveDateTime, NaiveDateTime)> {
        [(day_start(self.day), self.from), (self.to, day_start(self.day + 1))]
            .into_iter()
            .filter(|(from, to)| from < to)
            .collect()
    }
}

/// How a range lies over the day blocks: the part of a day it starts in (when it starts after
/// midnight), the whole days, and the part of the day it ends in (when it ends after midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    head: Option<Part>,
    /// The whole days `first..=last`, open where `None`; none at all when `first > last`.
    first: Option<u64>,
    last: Option<u64>,
    tail: Option<Part>,
}

impl Layout {
    fn of(range: TimeRange) -> Self {
        let (head, first) = match range.from {
            None => (None, None),
            Some(from) if from == day_start(day_of(from)) => (None, Some(day_of(from))),
            Some(from) => {
                let day = day_of(from);
                let end = range.to.map_or(day_start(day + 1), |to| to.min(day_start(day + 1)));
                (Some(Part { day, from, to: end }), Some(day + 1))
            }
        };
        let (tail, last) = match range.to {
            None => (None, None),
            Some(to) => {
                let day = day_of(to);
                let before = day.checked_sub(1);
                if to == day_start(day) || head.is_some_and(|head| head.day == day) {
                    (None, before)
                } else {
                    let from = range.from.map_or(day_start(day), |from| from.max(day_start(day)));
                    (Some(Part { day, from, to }), before)
                }
            }
        };
        // A range ending on day 0's midnight has no whole day: an empty `first..=last`.
        let (first, last) = match (range.to, last) {
            (Some(_), None) => (Some(1), Some(0)),
            _ => (first, last),
        };
        Self { head, first, last, tail }
    }

    fn has_whole_days(self) -> bool {
        match (self.first, self.last) {
            (Some(first), Some(last)) => first <= last,
            _ => true,
        }
    }

    /// The whole days' block bounds, open ends made explicit.
    fn block_bounds(self) -> (u64, u64) {
        (self.first.unwrap_or(0), self.last.unwrap_or(u64::from(u32::MAX)))
    }
}

/// A list's timed rows counted per day, and the index on (time, id) that holds them.
#[derive(Debug)]
pub struct Days {
    pub counted: CountedList,
    pub index: &'static str,
}

/// How a table is read by time: its time column, the day blocks of all its timed rows and of
/// each counted slice, its rows without a time (if it may have some), and the indexes on (key,
/// time) of the keys a list may be limited to.
#[derive(Debug)]
pub struct Timeline {
    /// `v.date_time`.
    pub column: &'static str,
    pub days: Days,
    /// (slice, its days): `doctor_visits:booked` → `doctor_visits:booked:day`.
    pub slice_days: &'static [(CountedList, Days)],
    /// The rows without a time, counted in blocks of 1,024 ids and read in id order along
    /// `days.index` (where the time is NULL). They come after the timed rows in time order,
    /// before them newest first, and are never in a range.
    pub untimed: Option<CountedList>,
    /// (key column, its index on (key, time)): `v.user_id` → `doctor_visits_patient_time`.
    pub key_indexes: &'static [(&'static str, &'static str)],
}

/// Where a walk in time order starts: at `edge` (the first instant of a day reading oldest
/// first, the instant after one reading newest first; the range's own bound when `None`),
/// after `skip` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TimeStart {
    edge: Option<NaiveDateTime>,
    skip: u64,
}

impl TimeStart {
    const BEGINNING: Self = Self { edge: None, skip: 0 };
}

/// A run of a page in time order: timed rows from a [`TimeStart`], or untimed ones from an id
/// [`Start`], and how many of them the page takes.
#[derive(Debug, Clone, Copy)]
enum Run {
    Timed(TimeStart, u64),
    Untimed(Start, u64),
}

/// A keyed read's keys: the one whose index drives it, and another checked on the rows.
type Keys = (Scope, Option<Scope>);

/// The order a page is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Id,
    Time,
}

/// One request for a page of a list by date: a [`ListQuery`] (table, slice, a patient's
/// scope, text filters, direction, cache key) with a range, the time order, and an exact key.
#[derive(Debug)]
pub struct DatedQuery {
    pub list: ListQuery,
    pub timeline: &'static Timeline,
    /// In time order (ties by id in the same direction), not id order.
    pub by_time: bool,
    pub range: TimeRange,
    /// Only the rows of this key, beside the scope: a doctor's visits.
    pub key: Option<Scope>,
}

impl DatedQuery {
    /// The page's rows (as [`PageSql`] reads them) and the list's total. 404 "Invalid page."
    /// for a page past the last. Without a range, time order or key, it is the plain list.
    pub async fn read<R>(
        &self,
        db: &mut MySqlConnection,
        counts: &CountCache,
        request: PageRequest,
        page_sql: &PageSql,
    ) -> Result<(Vec<R>, u64), ApiError>
    where
        R: for<'r> FromRow<'r, MySqlRow> + Send + Unpin,
    {
        if !self.by_time && self.range.is_all() && self.key.is_none() {
            return self.list.read(db, counts, request, page_sql).await;
        }
        let Some(range) = self.range.stored() else {
            return if request.page == 1 {
                Ok((Vec::new(), 0))
            } else {
                Err(ApiError::InvalidPage)
            };
        };
        let page = PageRead { counts, request, sql: page_sql, range };
        let (rows, total): (Vec<Versioned<R>>, u64) = if let Some(keys) = self.keys() {
            self.read_keyed(db, &page, keys).await?
        } else if self.list.filters.is_empty() {
            self.read_timeline(db, &page).await?
        } else {
            self.read_filtered(db, &page).await?
        };
        if rows.is_empty() && request.page > 1 {
            return Err(ApiError::InvalidPage);
        }
        Ok((rows.into_iter().map(|versioned| versioned.row).collect(), total))
    }

    fn order(&self) -> Order {
        if self.by_time { Order::Time } else { Order::Id }
    }

    /// The days the list's slice (or the whole table) is counted in.
    fn days(&self) -> &'static Days {
        let timeline = self.timeline;
        match self.list.slice {
            None => &timeline.days,
            Some(slice) => timeline
                .slice_days
                .iter()
                .find(|(counted, _)| *counted == slice.counted)
                .map_or(&timeline.days, |(_, days)| days),
        }
    }

    /// Whether a time-ordered read of this list includes rows without a time.
    fn has_untimed(&self, range: TimeRange) -> bool {
        self.timeline.untimed.is_some() && range.is_all()
    }

    // --- a patient's or a doctor's rows -------------------------------------------------------

    /// Through the index of the scope (or else the key), checking everything else on the rows.
    async fn read_keyed<R>(
        &self,
        db: &mut MySqlConnection,
        page: &PageRead<'_>,
        keys: Keys,
    ) -> Result<(Vec<Versioned<R>>, u64), ApiError>
    where
        R: for<'r> FromRow<'r, MySqlRow> + Send + Unpin,
    {
        let (request, range) = (page.request, page.range);
        let rows: Vec<Versioned<R>> = self
            .fetch(db, page, |query| {
                query.push("SELECT ").push(self.list.table.id);
                self.push_keyed_where(query, keys, range);
                self.push_order(query, range);
                push_limit(query, request.limit(), request.offset());
            })
            .await?;
        let list = &self.list;
        let total = page
            .counts
            .total_for_page(list.cache_name(), list.cache_key.clone(), request, &rows, || {
                self.count_keyed(db, keys, range)
            })
            .await?;
        Ok((rows, total))
    }

    /// The key that drives a keyed read (the scope, else the key) and the other one, if any;
    /// `None` when the list names neither.
    fn keys(&self) -> Option<Keys> {
        match (self.list.scope, self.key) {
            (Some(scope), key) => Some((scope, key)),
            (None, Some(key)) => Some((key, None)),
            (None, None) => None,
        }
    }

    /// ` FROM <table> FORCE INDEX (<the driver's index>) WHERE <driver> = ? [AND <other> = ?]
    /// [AND <slice>] [AND <range>] [AND <filters>]`
    fn push_keyed_where(&self, query: &mut QueryBuilder<MySql>, keys: Keys, range: TimeRange) {
        let (driver, other) = keys;
        let timed = self.by_time || !range.is_all();
        let time_index = self
            .timeline
            .key_indexes
            .iter()
            .find(|(column, _)| *column == driver.key.column)
            .map(|(_, index)| *index);
        let index = time_index.filter(|_| timed).unwrap_or(driver.key.index);
        self.list.push_from_index(query, Some(index));
        query.push(" WHERE ").push(driver.key.column).push(" = ").push_bind(driver.id);
        if let Some(other) = other {
            query.push(" AND ").push(other.key.column).push(" = ").push_bind(other.id);
        }
        self.list.push_slice(query);
        self.push_range(query, range, None);
        self.list.push_filters(query, &[], None);
    }

    async fn count_keyed(
        &self,
        db: &mut MySqlConnection,
        keys: Keys,
        range: TimeRange,
    ) -> Result<u64, sqlx::Error> {
        let (driver, other) = keys;
        let counted = driver.key.counts_in(self.list.slice);
        if let (true, true, None, Some(list)) =
            (range.is_all(), self.list.filters.is_empty(), other, counted)
        {
            let count = sqlx::query_scalar!(
                r#"SELECT CAST(row_count AS UNSIGNED) AS "count!: u64" FROM list_key_counts
                   WHERE list = ? AND key_id = ?"#,
                list,
                driver.id
            )
            .fetch_optional(&mut *db)
            .await?;
            return Ok(count.unwrap_or(0));
        }
        let mut query = QueryBuilder::new("SELECT COUNT(*)");
        self.push_keyed_where(&mut query, keys, range);
        count(&mut query, db).await
    }

    // --- no text filter: the day blocks -------------------------------------------------------

    async fn read_timeline<R>(
        &self,
        db: &mut MySqlConnection,
        page: &PageRead<'_>,
    ) -> Result<(Vec<Versioned<R>>, u64), ApiError>
    where
        R: for<'r> FromRow<'r, MySqlRow> + Send + Unpin,
    {
        let rows = match self.order() {
            Order::Time => self.timeline_page(db, page).await?,
            Order::Id => self.ranged_in_id_order(db, page).await?,
        };
        let list = &self.list;
        let total = page
            .counts
            .total_for_page(list.cache_name(), list.cache_key.clone(), page.request, &rows, || {
                self.count_range(db, page.range)
            })
            .await?;
        Ok((rows, total))
    }

    /// The rows in the range: its days' blocks and its edges; without a range, the list's own
    /// count (untimed rows included).
    async fn count_range(
        &self,
        db: &mut MySqlConnection,
        range: TimeRange,
    ) -> Result<u64, sqlx::Error> {
        if range.is_all() {
            return self.list.counted().total(db).await;
        }
        let layout = Layout::of(range);
        let mut query = QueryBuilder::new("SELECT CAST(0");
        if layout.has_whole_days() {
            let (first, last) = layout.block_bounds();
            query.push(" + COALESCE((SELECT SUM(row_count) FROM list_blocks WHERE list = ");
            query.push_bind(self.days().counted.0).push(" AND block BETWEEN ").push_bind(first);
            query.push(" AND ").push_bind(last).push("), 0)");
        }
        for part in [layout.head, layout.tail].into_iter().flatten() {
            query.push(" + ");
            self.push_part_count(&mut query, part);
        }
        query.push(" AS SIGNED)");
        count(&mut query, db).await
    }

    /// `(<the rows of part>)`: counted on the index when the part is short, else its day's
    /// block less the rest of the day.
    fn push_part_count(&self, query: &mut QueryBuilder<MySql>, part: Part) {
        if part.is_short() {
            self.push_count_between(query, &[(part.from, part.to)]);
            return;
        }
        query.push("(COALESCE((SELECT row_count FROM list_blocks WHERE list = ");
        query.push_bind(self.days().counted.0).push(" AND block = ").push_bind(part.day);
        query.push("), 0) - ");
        self.push_count_between(query, &part.rest());
        query.push(")");
    }

    /// `(SELECT COUNT(*) FROM <table> FORCE INDEX (<days' index>) WHERE <slice> AND (<time in
    /// one of the intervals>))`
    fn push_count_between(
        &self,
        query: &mut QueryBuilder<MySql>,
        intervals: &[(NaiveDateTime, NaiveDateTime)],
    ) {
        query.push("(SELECT COUNT(*)");
        self.list.push_from_index(query, Some(self.days().index));
        query.push(" WHERE TRUE");
        self.list.push_slice(query);
        query.push(" AND (FALSE");
        let column = self.timeline.column;
        for (from, to) in intervals {
            query.push(" OR (").push(column).push(" >= ").push_bind(*from);
            query.push(" AND ").push(column).push(" < ").push_bind(*to).push(")");
        }
        query.push("))");
    }

    /// A page in time order: where the page starts (a day, or among the untimed rows), then
    /// one walk along the time index — joining as it goes when it starts close to its edge.
    async fn timeline_page<R>(
        &self,
        db: &mut MySqlConnection,
        page: &PageRead<'_>,
    ) -> Result<Vec<Versioned<R>>, ApiError>
    where
        R: for<'r> FromRow<'r, MySqlRow> + Send + Unpin,
    {
        let (request, range, page_sql) = (page.request, page.range, page.sql);
        let runs = self.locate_runs(db, request, range).await?;
        if let [Run::Timed(start, _)] = runs[..]
            && start.skip <= DIRECT_SKIP
        {
            let mut query = QueryBuilder::new("SELECT STRAIGHT_JOIN ");
            query.push(page_sql.columns);
            self.list.push_from_index(&mut query, Some(self.days().index));
            query.push(" ").push(page_sql.joins).push(" WHERE TRUE");
            self.list.push_slice(&mut query);
            self.push_timed_range(&mut query, range, start);
            self.push_time_order(&mut query, false);
            push_limit(&mut query, request.limit(), start.skip);
            return Ok(query.build_query_as().fetch_all(db).await?);
        }
        if runs.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self
            .fetch(db, page, |query| {
                for (i, run) in runs.iter().enumerate() {
                    if i > 0 {
                        query.push(" UNION ALL ");
                    }
                    self.push_run(query, range, *run);
                }
            })
            .await?;
        Ok(rows)
    }

    /// `(SELECT <id> ... LIMIT ? OFFSET ?)`: a run's ids.
    fn push_run(&self, query: &mut QueryBuilder<MySql>, range: TimeRange, run: Run) {
        let table = self.list.table;
        query.push("(SELECT ").push(table.id);
        self.list.push_from_index(query, Some(self.days().index));
        query.push(" WHERE TRUE");
        let (count, skip) = match run {
            Run::Timed(start, count) => {
                self.list.push_slice(query);
                self.push_timed_range(query, range, start);
                self.push_time_order(query, false);
                (count, start.skip)
            }
            Run::Untimed(start, count) => {
                query.push(" AND ").push(self.timeline.column).push(" IS NULL");
                start.push_id_bound(query, table.id, self.list.direction);
                query.push(" ORDER BY ").push(table.id).push(" ").push(self.list.direction.sql());
                (count, start.skip)
            }
        };
        push_limit(query, count, skip);
        query.push(")");
    }

    /// The runs a page in time order takes rows from: the timed rows alone, or (a table with
    /// untimed rows, read without a range) those and the untimed ones, in the order's
    /// direction. 404 past the last page.
    async fn locate_runs(
        &self,
        db: &mut MySqlConnection,
        request: PageRequest,
        range: TimeRange,
    ) -> Result<Vec<Run>, ApiError> {
        let direction = self.list.direction;
        let (mut offset, mut wanted) = (request.offset(), request.limit());
        let untimed = self.timeline.untimed.filter(|_| self.has_untimed(range));
        let Some(untimed) = untimed else {
            return match self.locate(db, range, direction, offset).await? {
                Some(start) => Ok(vec![Run::Timed(start, wanted)]),
                None => Err(ApiError::InvalidPage),
            };
        };
        let timed_first = direction == Direction::Ascending;
        let mut runs = Vec::new();
        for timed in [timed_first, !timed_first] {
            if wanted == 0 {
                break;
            }
            let counted = if timed { self.days().counted } else { untimed };
            let total = counted.total(db).await?;
            if offset >= total {
                offset -= total;
                continue;
            }
            let count = wanted.min(total - offset);
            runs.push(if timed {
                let start = self.locate(db, range, direction, offset).await?;
                Run::Timed(start.ok_or(ApiError::InvalidPage)?, count)
            } else {
                let start = counted.start_of(db, direction, offset).await?;
                Run::Untimed(start.ok_or(ApiError::InvalidPage)?, count)
            });
            wanted -= count;
            offset = 0;
        }
        if runs.is_empty() && request.page > 1 {
            return Err(ApiError::InvalidPage);
        }
        Ok(runs)
    }

    /// Where the timed row `offset` places into the range (in `direction`) is: in the edge
    /// part the range starts with (from the range's own bound), in a whole day (from its edge,
    /// found by the blocks' running sum), or in the edge part it ends with. `None` past the
    /// range's last row. The first page needs no statement.
    async fn locate(
        &self,
        db: &mut MySqlConnection,
        range: TimeRange,
        direction: Direction,
        offset: u64,
    ) -> Result<Option<TimeStart>, sqlx::Error> {
        if offset == 0 {
            return Ok(Some(TimeStart::BEGINNING));
        }
        let layout = Layout::of(range);
        let (near, far) = match direction {
            Direction::Ascending => (layout.head, layout.tail),
            Direction::Descending => (layout.tail, layout.head),
        };
        let mut offset = offset;
        if let Some(part) = near {
            let rows = self.part_rows(db, part).await?;
            if offset < rows {
                return Ok(Some(TimeStart { edge: None, skip: offset }));
            }
            offset -= rows;
        }
        if layout.has_whole_days() {
            match self.whole_day_of(db, layout, direction, offset).await? {
                Found::Day { day, before } => {
                    let edge = match direction {
                        Direction::Ascending => day_start(day),
                        Direction::Descending => day_start(day + 1),
                    };
                    return Ok(Some(TimeStart { edge: Some(edge), skip: offset - before }));
                }
                Found::Past(rows) => offset -= rows,
            }
        }
        let Some(part) = far else { return Ok(None) };
        let rows = self.part_rows(db, part).await?;
        Ok((offset < rows).then(|| {
            let edge = match direction {
                Direction::Ascending => part.from,
                Direction::Descending => part.to,
            };
            TimeStart { edge: Some(edge), skip: offset }
        }))
    }

    async fn part_rows(&self, db: &mut MySqlConnection, part: Part) -> Result<u64, sqlx::Error> {
        let mut query = QueryBuilder::new("SELECT CAST(");
        self.push_part_count(&mut query, part);
        query.push(" AS SIGNED)");
        count(&mut query, db).await
    }

    /// The whole day of the layout whose running sum (in `direction`) passes `offset`, and
    /// the rows before it; or, when there is none, all the whole days' rows.
    async fn whole_day_of(
        &self,
        db: &mut MySqlConnection,
        layout: Layout,
        direction: Direction,
        offset: u64,
    ) -> Result<Found, sqlx::Error> {
        let (first, last) = layout.block_bounds();
        let list = self.days().counted.0;
        let found = match direction {
            Direction::Ascending => sqlx::query!(
                r#"SELECT block AS "block!: u64", CAST(through - row_count AS UNSIGNED) AS "before!: u64"
                   FROM (SELECT block, row_count,
                                SUM(row_count) OVER (ORDER BY block ROWS UNBOUNDED PRECEDING) AS through
                         FROM list_blocks WHERE list = ? AND block BETWEEN ? AND ?) b
                   WHERE through > ? ORDER BY block LIMIT 1"#,
                list,
                first,
                last,
                offset
            )
            .fetch_optional(&mut *db)
            .await?
            .map(|row| (row.block, row.before)),
            Direction::Descending => sqlx::query!(
                r#"SELECT block AS "block!: u64", CAST(through - row_count AS UNSIGNED) AS "before!: u64"
                   FROM (SELECT block, row_count,
                                SUM(row_count) OVER (ORDER BY block DESC ROWS UNBOUNDED PRECEDING) AS through
                         FROM list_blocks WHERE list = ? AND block BETWEEN ? AND ?) b
                   WHERE through > ? ORDER BY block DESC LIMIT 1"#,
                list,
                first,
                last,
                offset
            )
            .fetch_optional(&mut *db)
            .await?
            .map(|row| (row.block, row.before)),
        };
        if let Some((day, before)) = found {
            return Ok(Found::Day { day, before });
        }
        let rows = sqlx::query_scalar!(
            r#"SELECT CAST(COALESCE(SUM(row_count), 0) AS UNSIGNED) AS "rows!: u64"
               FROM list_blocks WHERE list = ? AND block BETWEEN ? AND ?"#,
            list,
            first,
            last
        )
        .fetch_one(db)
        .await?;
        Ok(Found::Past(rows))
    }

    /// A range in id order: walking the ids and checking the range (quick when the range holds
    /// much of the list), or reading the range along the time index and sorting its ids.
    async fn ranged_in_id_order<R>(
        &self,
        db: &mut MySqlConnection,
        page: &PageRead<'_>,
    ) -> Result<Vec<Versioned<R>>, ApiError>
    where
        R: for<'r> FromRow<'r, MySqlRow> + Send + Unpin,
    {
        let (counts, request, range) = (page.counts, page.request, page.range);
        let version = read_version(db, self.list.table.collections).await?;
        let (list_rows, range_rows) = self.list_and_range_rows(db, counts, version, range).await?;
        let along_range = |query: &mut QueryBuilder<MySql>| {
            self.push_range_walk(query, &[], range, None, Order::Id);
            push_limit(query, request.limit(), request.offset());
        };
        if Plan::choose(request, list_rows, range_rows, range_rows) == Plan::ByKey {
            return Ok(self.fetch(db, page, along_range).await?);
        }
        let window = match filtered::window_rows(request, list_rows, range_rows) {
            Some(rows) => filtered::window_edge(&self.list, db, counts, version, rows).await?,
            None => None,
        };
        let rows = self
            .fetch(db, page, |query| {
                self.push_id_walk(query, &[], range, window);
                push_limit(query, request.limit(), request.offset());
            })
            .await?;
        let filled = u64::try_from(rows.len()).unwrap_or(u64::MAX) >= request.limit();
        if filled || window.is_none() {
            return Ok(rows);
        }
        Ok(self.fetch(db, page, along_range).await?)
    }

    /// The rows of the list's slice (or table), and of the range in it; cached with the
    /// list's statistics.
    async fn list_and_range_rows(
        &self,
        db: &mut MySqlConnection,
        counts: &CountCache,
        version: u64,
        range: TimeRange,
    ) -> Result<(u64, u64), sqlx::Error> {
        let key = format!("{}#range", self.list.cache_key);
        let numbers = counts
            .remember(self.list.cache_name(), key, version, || async {
                let list_rows = self.list.counted().total(db).await?;
                Ok(vec![list_rows, self.count_range(db, range).await?])
            })
            .await?;
        Ok((numbers.first().copied().unwrap_or(0), numbers.get(1).copied().unwrap_or(0)))
    }

    // --- text filters too ---------------------------------------------------------------------

    /// The page's ids through the range or through the matched keys, whichever reads fewer
    /// rows (see the module documentation).
    async fn read_filtered<R>(
        &self,
        db: &mut MySqlConnection,
        page: &PageRead<'_>,
    ) -> Result<(Vec<Versioned<R>>, u64), ApiError>
    where
        R: for<'r> FromRow<'r, MySqlRow> + Send + Unpin,
    {
        let (counts, request, range) = (page.counts, page.request, page.range);
        let list = &self.list;
        let version = read_version(db, list.table.collections).await?;
        let statistics = filtered::statistics(list, db, counts, version).await?;
        if statistics.nothing_matches() {
            return Ok((Vec::new(), 0));
        }
        let (list_rows, range_rows) = self.list_and_range_rows(db, counts, version, range).await?;
        let plan = FilteredPlan::new(&statistics, list_rows, range_rows);
        let rows = self.filtered_page(db, page, version, &plan).await?;
        if rows.is_empty() && request.page > 1 {
            return Err(ApiError::InvalidPage);
        }
        let total = if range.is_all() {
            // Time order alone: the list's own total, as its plain read counts it.
            filtered::total(list, db, counts, version, &statistics).await?
        } else {
            let counted = counts
                .remember(list.cache_name(), list.cache_key.clone(), version, || async {
                    let mut query = QueryBuilder::new("SELECT COUNT(*)");
                    if plan.range_drives() {
                        self.push_range_walk_from(&mut query, &plan.joined, range, None);
                    } else {
                        list.push_by_key_from(&mut query, plan.driver, &plan.joined);
                        self.push_range(&mut query, range, None);
                    }
                    Ok(vec![count(&mut query, db).await?])
                })
                .await?;
            counted.first().copied().unwrap_or(0)
        };
        Ok((rows, total))
    }

    /// A filtered page by date: a walk (along the time index in time order, along the ids in
    /// id order) that gives up at a window a few times as far as the page is expected, or a
    /// read by the range or the matched keys, whichever the plan finds cheaper.
    async fn filtered_page<R>(
        &self,
        db: &mut MySqlConnection,
        page: &PageRead<'_>,
        version: u64,
        plan: &FilteredPlan,
    ) -> Result<Vec<Versioned<R>>, ApiError>
    where
        R: for<'r> FromRow<'r, MySqlRow> + Send + Unpin,
    {
        let (counts, request, range) = (page.counts, page.request, page.range);
        // Read by the range (along the time index: in time order it stops at the page) or by
        // the matched keys, whichever has fewer rows.
        let by_driver = |query: &mut QueryBuilder<MySql>| {
            if plan.range_drives() {
                self.push_range_walk(query, &plan.joined, range, None, self.order());
            } else {
                query.push("SELECT ").push(self.list.table.id);
                self.list.push_by_key_from(query, plan.driver, &plan.joined);
                self.push_range(query, range, None);
                self.push_order(query, range);
            }
            push_limit(query, request.limit(), request.offset());
        };
        // Bookings in time order without a range end (or begin) with the untimed ones, which
        // a walk along the time index does not meet in their place: those are read by key.
        // In time order, a range with fewer rows than the keys is walked whole if need be.
        let walkable = !(self.by_time && self.has_untimed(range));
        let by_time_range = self.by_time && plan.range_drives();
        if !walkable || by_time_range || !plan.walk_is_cheaper(request, self.order()) {
            return Ok(self.fetch(db, page, by_driver).await?);
        }
        let rows = match self.order() {
            Order::Time => {
                let window = match filtered::window_rows(request, plan.range_rows, plan.expected) {
                    Some(rows) => self.window_edge(db, range, rows).await?,
                    None => None,
                };
                let rows: Vec<Versioned<R>> = self
                    .fetch(db, page, |query| {
                        self.push_range_walk(query, &plan.joined, range, window, Order::Time);
                        push_limit(query, request.limit(), request.offset());
                    })
                    .await?;
                (rows, window.is_some())
            }
            Order::Id => {
                let window = match filtered::window_rows(request, plan.list_rows, plan.expected) {
                    Some(rows) => {
                        filtered::window_edge(&self.list, db, counts, version, rows).await?
                    }
                    None => None,
                };
                let rows = self
                    .fetch(db, page, |query| {
                        self.push_id_walk(query, &plan.joined, range, window);
                        push_limit(query, request.limit(), request.offset());
                    })
                    .await?;
                (rows, window.is_some())
            }
        };
        let (rows, windowed) = rows;
        let filled = u64::try_from(rows.len()).unwrap_or(u64::MAX) >= request.limit();
        if filled || !windowed {
            return Ok(rows);
        }
        Ok(self.fetch(db, page, by_driver).await?)
    }

    /// The instant a walk in time order over `rows` rows of the range stops at: the edge of
    /// the day those rows end in (oldest first) or begin in (newest first). `None` when the
    /// walk is the whole range.
    async fn window_edge(
        &self,
        db: &mut MySqlConnection,
        range: TimeRange,
        rows: u64,
    ) -> Result<Option<NaiveDateTime>, sqlx::Error> {
        let direction = self.list.direction;
        let Some(start) = self.locate(db, range, direction, rows).await? else {
            return Ok(None);
        };
        let at = start.edge.or(match direction {
            Direction::Ascending => range.from,
            Direction::Descending => range.to,
        });
        Ok(at.map(|at| match direction {
            // The walk may read the whole day the window's last row lies in.
            Direction::Ascending => day_start(day_of(at) + 1),
            Direction::Descending => day_start(day_of(at - TimeDelta::microseconds(1))),
        }))
    }

    // --- statements -------------------------------------------------------------------------

    /// `SELECT <id> ... ORDER BY ...`: the range walked along the time index, checking each
    /// row, in time order (no further than `window`) or sorted by id.
    fn push_range_walk(
        &self,
        query: &mut QueryBuilder<MySql>,
        joined: &[bool],
        range: TimeRange,
        window: Option<NaiveDateTime>,
        order: Order,
    ) {
        query.push("SELECT ").push(self.list.table.id);
        self.push_range_walk_from(query, joined, range, window);
        match order {
            Order::Time => self.push_order(query, range),
            Order::Id => self.push_id_order(query),
        }
    }

    /// ` FROM <table> FORCE INDEX (<time index>) [joins] WHERE TRUE [slice] [range] [window]
    /// [filters]`
    fn push_range_walk_from(
        &self,
        query: &mut QueryBuilder<MySql>,
        joined: &[bool],
        range: TimeRange,
        window: Option<NaiveDateTime>,
    ) {
        let list = &self.list;
        list.push_from_index(query, Some(self.days().index));
        list.push_joins(query, joined, None);
        query.push(" WHERE TRUE");
        list.push_slice(query);
        self.push_range(query, range, None);
        if let Some(edge) = window {
            let column = self.timeline.column;
            match list.direction {
                Direction::Ascending => {
                    query.push(" AND ").push(column).push(" < ").push_bind(edge)
                }
                Direction::Descending => {
                    query.push(" AND ").push(column).push(" >= ").push_bind(edge)
                }
            };
        }
        list.push_filters(query, joined, None);
    }

    /// `SELECT <id> ...`: the table (or its slice) walked in id order, checking the range and
    /// the filters, no further than `window` (an id, as [`filtered::window_edge`] finds it).
    fn push_id_walk(
        &self,
        query: &mut QueryBuilder<MySql>,
        joined: &[bool],
        range: TimeRange,
        window: Option<u64>,
    ) {
        let list = &self.list;
        query.push("SELECT ").push(list.table.id);
        list.push_from_index(query, Some(list.counted_index()));
        list.push_joins(query, joined, None);
        query.push(" WHERE TRUE");
        list.push_slice(query);
        self.push_range(query, range, None);
        if let Some(edge) = window {
            query.push(" AND ").push(list.table.id);
            match list.direction {
                Direction::Ascending => query.push(" < ").push_bind(edge),
                Direction::Descending => query.push(" >= ").push_bind(edge),
            };
        }
        list.push_filters(query, joined, None);
        self.push_id_order(query);
    }

    /// ` AND <time> >= ? AND <time> < ?`: the range, narrowed to where a walk starts.
    fn push_range(
        &self,
        query: &mut QueryBuilder<MySql>,
        range: TimeRange,
        start: Option<TimeStart>,
    ) {
        let edge = start.and_then(|start| start.edge);
        let (from, to) = match self.list.direction {
            Direction::Ascending => (edge.or(range.from), range.to),
            Direction::Descending => (range.from, edge.or(range.to)),
        };
        let column = self.timeline.column;
        if let Some(from) = from {
            query.push(" AND ").push(column).push(" >= ").push_bind(from);
        }
        if let Some(to) = to {
            query.push(" AND ").push(column).push(" < ").push_bind(to);
        }
    }

    /// [`DatedQuery::push_range`] from `start`, for a walk that meets only timed rows: without
    /// a lower bound, ` AND <time> IS NOT NULL` (a table's untimed rows come first in its time
    /// index).
    fn push_timed_range(
        &self,
        query: &mut QueryBuilder<MySql>,
        range: TimeRange,
        start: TimeStart,
    ) {
        self.push_range(query, range, Some(start));
        let lower = match self.list.direction {
            Direction::Ascending => start.edge.or(range.from),
            Direction::Descending => range.from,
        };
        if self.timeline.untimed.is_some() && lower.is_none() {
            query.push(" AND ").push(self.timeline.column).push(" IS NOT NULL");
        }
    }

    /// ` ORDER BY ...` of the page: by time then id (rows without a time, when the read can
    /// meet them, after the others, or before them newest first), or by id.
    fn push_order(&self, query: &mut QueryBuilder<MySql>, range: TimeRange) {
        if self.by_time {
            self.push_time_order(query, self.has_untimed(range));
        } else {
            self.push_id_order(query);
        }
    }

    /// ` ORDER BY <time>, <id>` in the list's direction; `untimed`: rows without a time after
    /// the others (before them newest first), which only a sort can do.
    fn push_time_order(&self, query: &mut QueryBuilder<MySql>, untimed: bool) {
        let (column, id, direction) =
            (self.timeline.column, self.list.table.id, self.list.direction.sql());
        query.push(" ORDER BY ");
        if untimed {
            query.push(format_args!("{column} IS NULL {direction}, "));
        }
        query.push(format_args!("{column} {direction}, {id} {direction}"));
    }

    fn push_id_order(&self, query: &mut QueryBuilder<MySql>) {
        let list = &self.list;
        query.push(" ORDER BY ").push(list.table.id).push(" ").push(list.direction.sql());
    }

    /// `SELECT <columns> FROM (<ids>) page STRAIGHT_JOIN <table> ... ORDER BY ...`: the rows
    /// the ids name, joined to what the answer embeds.
    async fn fetch<R>(
        &self,
        db: &mut MySqlConnection,
        page: &PageRead<'_>,
        ids: impl FnOnce(&mut QueryBuilder<MySql>),
    ) -> Result<Vec<Versioned<R>>, sqlx::Error>
    where
        R: for<'r> FromRow<'r, MySqlRow> + Send + Unpin,
    {
        let table = self.list.table;
        let mut query = QueryBuilder::new("SELECT ");
        query.push(page.sql.columns).push(" FROM (");
        ids(&mut query);
        query.push(") page STRAIGHT_JOIN ").push(table.from);
        query.push(" ON ").push(table.id).push(" = page.id ").push(page.sql.joins);
        self.push_order(&mut query, page.range);
        query.build_query_as().fetch_all(db).await
    }
}

/// What one request asks of a [`DatedQuery`]: the page, the statement that reads its rows, the
/// range (as stored rows compare with it) and the cached totals.
struct PageRead<'a> {
    counts: &'a CountCache,
    request: PageRequest,
    sql: &'a PageSql,
    range: TimeRange,
}

/// What [`DatedQuery::whole_day_of`] found.
enum Found {
    Day { day: u64, before: u64 },
    Past(u64),
}

/// How a filtered page by date is read: the filters' statistics and the range's rows.
struct FilteredPlan {
    driver: usize,
    joined: Vec<bool>,
    /// Rows of the slice (or table), of the range in it, of the driving filter's keys, and
    /// expected to pass the range and every filter.
    list_rows: u64,
    range_rows: u64,
    key_rows: u64,
    expected: u64,
}

impl FilteredPlan {
    fn new(statistics: &Statistics, list_rows: u64, range_rows: u64) -> Self {
        let driver = statistics.driver();
        Self {
            driver,
            joined: statistics.joined(),
            list_rows,
            range_rows,
            key_rows: statistics.filters[driver].matched.rows,
            expected: expected_rows(range_rows, &statistics.shares()),
        }
    }

    /// Whether the range is read rather than the keys: it holds fewer rows than they have
    /// (reading it costs about a row walked per row, the keys a row read by key each, and a
    /// sort).
    fn range_drives(&self) -> bool {
        self.range_rows <= self.key_rows
    }

    /// Whether walking (the time index in time order, the ids in id order) is expected to
    /// read fewer rows than reading by the range or the keys.
    fn walk_is_cheaper(&self, request: PageRequest, order: Order) -> bool {
        let walked = match order {
            Order::Time => self.range_rows,
            Order::Id => self.list_rows,
        };
        let by_driver = self.range_rows.min(self.key_rows);
        Plan::choose(request, walked, self.expected, by_driver) == Plan::InOrder
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    const STOCKHOLM: Tz = chrono_tz::Europe::Stockholm;

    #[test]
    fn clinic_dates_are_local_days_in_utc_daylight_saving_included() {
        let range =
            TimeRange::clinic_dates(Some(date("2027-03-28")), Some(date("2027-03-28")), STOCKHOLM);
        assert_eq!(
            range,
            TimeRange { from: Some(at("2027-03-27 23:00")), to: Some(at("2027-03-28 22:00")) }
        );
        assert_eq!(range.to.unwrap() - range.from.unwrap(), TimeDelta::hours(23));
        let range =
            TimeRange::clinic_dates(Some(date("2027-10-31")), Some(date("2027-10-31")), STOCKHOLM);
        assert_eq!(
            range,
            TimeRange { from: Some(at("2027-10-30 22:00")), to: Some(at("2027-10-31 23:00")) }
        );
        assert_eq!(range.to.unwrap() - range.from.unwrap(), TimeDelta::hours(25));
        // Either alone is open-ended.
        let from = TimeRange::clinic_dates(Some(date("2027-01-15")), None, STOCKHOLM);
        assert_eq!(from, TimeRange { from: Some(at("2027-01-14 23:00")), to: None });
        let to = TimeRange::clinic_dates(None, Some(date("2027-07-01")), STOCKHOLM);
        assert_eq!(to, TimeRange { from: None, to: Some(at("2027-07-01 22:00")) });
        assert!(TimeRange::clinic_dates(None, None, STOCKHOLM).is_all());
    }

    #[test]
    fn ranges_beyond_what_is_stored_are_open_or_empty() {
        let old =
            TimeRange::clinic_dates(Some(date("1000-01-01")), Some(date("1999-06-01")), STOCKHOLM);
        assert_eq!(old.stored(), None);
        let wide =
            TimeRange::clinic_dates(Some(date("1000-01-01")), Some(date("9999-12-31")), STOCKHOLM);
        assert_eq!(wide.stored(), Some(TimeRange { from: None, to: None }));
        let wide = TimeRange::clinic_dates(
            Some(date("1999-12-31")),
            Some(date("9999-12-31")),
            chrono_tz::UTC,
        );
        assert_eq!(wide.stored(), Some(TimeRange::ALL));
    }

    #[test]
    fn a_clinic_date_is_two_edge_parts_of_utc_days() {
        // 1 December 2026 in Stockholm: 23:00 on 30 November to 23:00 on 1 December (UTC).
        let range =
            TimeRange::clinic_dates(Some(date("2026-12-01")), Some(date("2026-12-01")), STOCKHOLM);
        let layout = Layout::of(range);
        let nov30 = day_of(at("2026-11-30 12:00"));
        let head = layout.head.unwrap();
        let tail = layout.tail.unwrap();
        assert_eq!(
            (head.day, head.from, head.to),
            (nov30, at("2026-11-30 23:00"), at("2026-12-01 00:00"))
        );
        assert_eq!(
            (tail.day, tail.from, tail.to),
            (nov30 + 1, at("2026-12-01 00:00"), at("2026-12-01 23:00"))
        );
        assert!(!layout.has_whole_days());
        // The head is counted directly (an hour); the tail as its day less its last hour.
        assert!(head.is_short() && !tail.is_short());
        assert_eq!(tail.rest(), [(at("2026-12-01 23:00"), at("2026-12-02 00:00"))]);
        // A week: six whole days between the edges.
        let week =
            TimeRange::clinic_dates(Some(date("2026-12-01")), Some(date("2026-12-07")), STOCKHOLM);
        let layout = Layout::of(week);
        assert_eq!((layout.first, layout.last), (Some(nov30 + 1), Some(nov30 + 6)));
        assert_eq!(layout.tail.unwrap().day, nov30 + 7);
    }

    #[test]
    fn ranges_on_utc_midnights_are_whole_days_and_open_ends_run_to_the_list_s_ends() {
        let range =
            TimeRange { from: Some(at("2026-12-01 00:00")), to: Some(at("2026-12-03 00:00")) };
        let layout = Layout::of(range);
        let first = day_of(at("2026-12-01 00:00"));
        assert_eq!(
            layout,
            Layout { head: None, first: Some(first), last: Some(first + 1), tail: None }
        );
        let open = Layout::of(TimeRange { from: Some(at("2026-12-01 00:00")), to: None });
        assert_eq!((open.first, open.last), (Some(first), None));
        assert_eq!(open.block_bounds(), (first, u64::from(u32::MAX)));
        let all = Layout::of(TimeRange::ALL);
        assert_eq!(all, Layout { head: None, first: None, last: None, tail: None });
        // Within one UTC day: one part, no whole day.
        let hours = Layout::of(TimeRange {
            from: Some(at("2026-12-01 08:00")),
            to: Some(at("2026-12-01 17:00")),
        });
        assert_eq!(
            hours.head.map(|part| (part.from, part.to)),
            Some((at("2026-12-01 08:00"), at("2026-12-01 17:00")))
        );
        assert_eq!(hours.tail, None);
        assert!(!hours.has_whole_days());
        assert_eq!(hours.head.unwrap().rest().len(), 2);
    }
}

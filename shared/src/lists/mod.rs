//! Lists whose cost is bounded by the page, not by the table.
//!
//! InnoDB can neither count rows nor skip them without reading them, so `COUNT(*)` and
//! `LIMIT 25 OFFSET 500000` cost as much as the table is big (about 0.2 s each at a million
//! visits). The schema therefore keeps, as derived data maintained by triggers in the same
//! statement as every change (migration `20261203000001_list_positions`):
//! - per block of 1,024 ids, how many rows each big list holds (`list_blocks`): a list's total
//!   is the sum of its blocks, and a page starts in the block where the running sum passes its
//!   offset ([`CountedList`]), from which at most 1,024 + 25 index entries are read. "A list"
//!   is a table or an exact slice of it that a filter asks for: booked visits, patients, refused
//!   sign-ins ([`CountedList::total`], [`CountedList::start_of`]);
//! - per patient, doctor and modality, how many rows each list has (`list_key_counts`), and
//!   per distinct diagnosis and recipe (`list_title_counts`);
//! - every suffix of each profile's name, surname, city and country (`profile_suffixes`), so
//!   that "contains" is an index range ([`keys::ProfileText`]).
//!
//! A text filter is answered from its small side first ([`keys`]): the patients, doctors,
//! modalities or diagnoses it matches, and how many rows of the list they have between them.
//! With that, [`Plan::choose`] picks how the page's ids are found: in id order through the big
//! table's index, checking each row ([`Plan::InOrder`], quick when the matches are many), or
//! through the big table's index on the matched keys, sorting only their rows
//! ([`Plan::ByKey`], quick when they are few).
//!
//! Either way a page statement first selects the page's ids, then joins just those rows to
//! what the answer embeds (a "deferred join"), so the joins cost 25 rows, whatever the table.
//!
//! Lists by date — a range of clinic dates, the time order, one doctor's visits — are a
//! [`DatedQuery`] around a [`ListQuery`]: the schema also counts their timed rows per UTC day
//! (`list_blocks` with a day number as block, migration `20261204000003_dated_lists`), so a
//! page in time order starts in the day whose running sum passes its offset, and a range's
//! total is its whole days' blocks and its edges counted on the time index.

mod dated;
mod filtered;
pub mod keys;
mod query;

pub use dated::{DatedQuery, Days, TimeRange, Timeline};
pub use query::{KeyColumn, ListQuery, PageSql, Scope, Slice, SliceCondition, Table};

use sqlx::{MySql, MySqlConnection, QueryBuilder};

use crate::page::PageRequest;

/// Ids per block of `list_blocks` (`id DIV 1024`).
pub const BLOCK_IDS: u64 = 1024;

/// The direction a page is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Oldest (lowest id) first: the default order of every list.
    Ascending,
    /// Newest first (`order=-id`).
    Descending,
}

impl Direction {
    pub fn newest_first(newest_first: bool) -> Self {
        if newest_first { Self::Descending } else { Self::Ascending }
    }

    /// `ASC` or `DESC`.
    pub fn sql(self) -> &'static str {
        match self {
            Self::Ascending => "ASC",
            Self::Descending => "DESC",
        }
    }
}

/// A list the schema counts in blocks (`list_blocks.list`): `doctor_visits`,
/// `doctor_visits:booked`, `patients`, `login_attempts:failure:day`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountedList(pub &'static str);

/// Where a page of a [`CountedList`] begins: the block it starts in (none for the first page,
/// which starts at the list's beginning) and how many of the list's rows, counted from that
/// block's edge in the page's direction, come before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    pub block: Option<u64>,
    pub skip: u64,
}

impl Start {
    pub const BEGINNING: Self = Self { block: None, skip: 0 };

    /// ` AND <id_column> >= ?` (or `< ?` when reading newest first): the id edge of the block
    /// a page of an id-blocked list starts in; nothing for the first page.
    pub fn push_id_bound(
        self,
        query: &mut QueryBuilder<MySql>,
        id_column: &str,
        direction: Direction,
    ) {
        let Some(block) = self.block else { return };
        query.push(" AND ").push(id_column);
        match direction {
            Direction::Ascending => query.push(" >= ").push_bind(block * BLOCK_IDS),
            Direction::Descending => query.push(" < ").push_bind((block + 1) * BLOCK_IDS),
        };
    }
}

impl CountedList {
    /// How many rows the list holds: the sum of its blocks (a thousand rows at a million).
    pub async fn total(self, db: &mut MySqlConnection) -> Result<u64, sqlx::Error> {
        sqlx::query_scalar!(
            r#"SELECT CAST(COALESCE(SUM(row_count), 0) AS UNSIGNED) AS "total!: u64"
               FROM list_blocks WHERE list = ?"#,
            self.0
        )
        .fetch_one(db)
        .await
    }

    /// Where the row `offset` places from the list's start (in `direction`) is: `None` when the
    /// list has no such row (a page past the last). The first page needs no statement.
    pub async fn start_of(
        self,
        db: &mut MySqlConnection,
        direction: Direction,
        offset: u64,
    ) -> Result<Option<Start>, sqlx::Error> {
        if offset == 0 {
            return Ok(Some(Start::BEGINNING));
        }
        // The running sum of the blocks in the page's direction; the first block whose sum
        // passes the offset holds the page's first row.
        let found = match direction {
            Direction::Ascending => sqlx::query!(
                r#"SELECT block AS "block!: u64", CAST(through - row_count AS UNSIGNED) AS "before!: u64"
                   FROM (SELECT block, row_count,
                                SUM(row_count) OVER (ORDER BY block ROWS UNBOUNDED PRECEDING) AS through
                         FROM list_blocks WHERE list = ?) b
                   WHERE through > ? ORDER BY block LIMIT 1"#,
                self.0,
                offset
            )
            .fetch_optional(db)
            .await?
            .map(|row| (row.block, row.before)),
            Direction::Descending => sqlx::query!(
                r#"SELECT block AS "block!: u64", CAST(through - row_count AS UNSIGNED) AS "before!: u64"
                   FROM (SELECT block, row_count,
                                SUM(row_count) OVER (ORDER BY block DESC ROWS UNBOUNDED PRECEDING) AS through
                         FROM list_blocks WHERE list = ?) b
                   WHERE through > ? ORDER BY block DESC LIMIT 1"#,
                self.0,
                offset
            )
            .fetch_optional(db)
            .await?
            .map(|row| (row.block, row.before)),
        };
        Ok(found.map(|(block, before)| Start { block: Some(block), skip: offset - before }))
    }
}

/// What a row walked in id order costs, in rows read by key.
const IN_ORDER_ROW_COST: u128 = 2;

/// How a filtered page finds its ids (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Walk the big table in id order and keep the rows that pass every filter: about
    /// `(offset + size) * list_rows / matched_rows` rows read.
    InOrder,
    /// Read the rows of the matched keys through the big table's index on the key, and sort
    /// them: about `matched_rows` rows read.
    ByKey,
}

impl Plan {
    /// The plan that costs less for this page: walking in id order reads about
    /// `(offset + size) * list_rows / expected_rows` rows (`expected_rows`: those expected to
    /// pass every filter); reading by key reads `by_key_rows` (those of the filter that
    /// matches fewest). A row walked costs about twice a row read by key, measured at a million
    /// visits: the walk reads the table's own rows and checks each, the read by key an index.
    pub fn choose(
        request: PageRequest,
        list_rows: u64,
        expected_rows: u64,
        by_key_rows: u64,
    ) -> Self {
        if expected_rows == 0 {
            return Self::ByKey;
        }
        let reach = request.offset().saturating_add(request.limit());
        let in_order = u128::from(reach) * u128::from(list_rows) / u128::from(expected_rows);
        if in_order * IN_ORDER_ROW_COST < u128::from(by_key_rows) {
            Self::InOrder
        } else {
            Self::ByKey
        }
    }
}

/// ` LIMIT ? OFFSET ?` after `skip` rows.
pub fn push_limit(query: &mut QueryBuilder<MySql>, size: u64, skip: u64) {
    query.push(" LIMIT ").push_bind(size).push(" OFFSET ").push_bind(skip);
}

/// The share of `list_rows` that `part` is, for combining filters into an estimate.
pub fn share(part: u64, list_rows: u64) -> f64 {
    if list_rows == 0 { 0.0 } else { part as f64 / list_rows as f64 }
}

/// Rows expected to pass every filter whose [`share`]s are given, as if they were independent.
pub fn expected_rows(list_rows: u64, shares: &[f64]) -> u64 {
    let expected = shares.iter().fold(list_rows as f64, |rows, share| rows * share);
    // Rounded up: a filter that matched something is never expected to match nothing.
    expected.ceil() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(page: u64) -> PageRequest {
        PageRequest { page, size: 25 }
    }

    #[test]
    fn many_matches_are_read_in_order_and_few_by_key() {
        // 1,000,000 visits; a surname matching 250,000 of them: the first page is 100 rows away.
        assert_eq!(Plan::choose(page(1), 1_000_000, 250_000, 250_000), Plan::InOrder);
        // One patient's ten visits: reading them by key beats walking the table.
        assert_eq!(Plan::choose(page(1), 1_000_000, 10, 10), Plan::ByKey);
        // The last page of the 250,000: in id order it would be the whole table away.
        assert_eq!(Plan::choose(page(10_000), 1_000_000, 250_000, 250_000), Plan::ByKey);
        assert_eq!(Plan::choose(page(1), 1_000_000, 0, 0), Plan::ByKey);
        // Two filters expected to meet in 1,250 rows, the narrower matching 25,000: walking
        // 20,000 rows in id order costs more than reading the 25,000 by key; 2,500 would not.
        assert_eq!(Plan::choose(page(1), 1_000_000, 1_250, 25_000), Plan::ByKey);
        assert_eq!(Plan::choose(page(1), 1_000_000, 12_500, 25_000), Plan::InOrder);
    }

    #[test]
    fn estimates_combine_shares_and_never_round_a_match_away() {
        assert_eq!(expected_rows(1_000_000, &[0.5, 0.1]), 50_000);
        assert_eq!(expected_rows(1_000_000, &[share(1, 1_000_000), 0.5]), 1);
        assert_eq!(expected_rows(1_000, &[]), 1_000);
    }

    #[test]
    fn a_block_start_bounds_the_ids_in_the_page_direction() {
        let start = Start { block: Some(3), skip: 10 };
        let mut query = QueryBuilder::<MySql>::new("SELECT id FROM t WHERE TRUE");
        start.push_id_bound(&mut query, "t.id", Direction::Ascending);
        assert_eq!(query.sql().as_str(), "SELECT id FROM t WHERE TRUE AND t.id >= ?");
        let mut query = QueryBuilder::<MySql>::new("");
        start.push_id_bound(&mut query, "t.id", Direction::Descending);
        assert_eq!(query.sql().as_str(), " AND t.id < ?");
        let mut query = QueryBuilder::<MySql>::new("");
        Start::BEGINNING.push_id_bound(&mut query, "t.id", Direction::Ascending);
        assert_eq!(query.sql().as_str(), "");
    }
}

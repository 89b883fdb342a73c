//! One page of a big list, read the way the module documentation describes: the list says what
//! its table, slices, scope and filters are ([`Table`], [`ListQuery`]) and how its answer is
//! joined ([`PageSql`]); [`ListQuery::read`] chooses the plan, reads the page's ids and then the
//! rows they name, and works out the total.

use sqlx::mysql::MySqlRow;
use sqlx::{FromRow, MySql, MySqlConnection, QueryBuilder};

use super::keys::KeyFilter;
use super::{CountedList, Direction, Start, push_limit};
use crate::error::ApiError;
use crate::page::{CountCache, PageRequest, Versioned};

/// A big table that lists are read from.
#[derive(Debug)]
pub struct Table {
    /// `<name> <alias>`, as the list statements name it: `doctor_visits v`.
    pub from: &'static str,
    /// Its id column: `v.id`.
    pub id: &'static str,
    /// All its rows, as `list_blocks` counts them.
    pub all: CountedList,
    /// The collections its lists' totals depend on (see [`crate::page::bump_version`]): the
    /// table's own, and those its filters read (users, for the patients' names). The first one
    /// names the cached totals.
    pub collections: &'static [&'static str],
}

/// How a [`KeyFilter`], or a caller's scope, reaches a table's rows: the row's column that
/// names the key, the table's index on it (in id order within a key), and the
/// `list_key_counts` list that counts the table's rows per key (`None` when the key is the row
/// itself, as for the users list, whose keys are its own ids), and those that count each
/// slice's rows per key.
#[derive(Debug)]
pub struct KeyColumn {
    pub column: &'static str,
    pub index: &'static str,
    pub counts: Option<&'static str>,
    /// (slice, its `list_key_counts` list): `doctor_visits:booked` → `doctor_visits:booked:doctor`.
    pub slice_counts: &'static [(CountedList, &'static str)],
}

impl KeyColumn {
    /// The `list_key_counts` list that counts the rows of `slice` (or of the whole table) per
    /// key, if the schema keeps one.
    pub(super) fn counts_in(&self, slice: Option<Slice>) -> Option<&'static str> {
        match slice {
            None => self.counts,
            Some(slice) => self
                .slice_counts
                .iter()
                .find(|(counted, _)| *counted == slice.counted)
                .map(|(_, list)| *list),
        }
    }
}

/// An exact filter that selects a slice the schema counts on its own (the booked visits, the
/// patients among the users), and the index that holds the slice in id order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    pub counted: CountedList,
    pub index: &'static str,
    pub condition: SliceCondition,
}

/// The condition that selects a [`Slice`]'s rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SliceCondition {
    /// `<column> = ?`, bound.
    Text(&'static str, &'static str),
    /// `<column> = ?`, bound.
    Flag(&'static str, bool),
    /// A fixed condition (no user values).
    Sql(&'static str),
}

impl SliceCondition {
    fn push(self, query: &mut QueryBuilder<MySql>) {
        query.push(" AND ");
        match self {
            Self::Text(column, value) => query.push(column).push(" = ").push_bind(value),
            Self::Flag(column, value) => query.push(column).push(" = ").push_bind(value),
            Self::Sql(condition) => query.push(condition),
        };
    }
}

/// Only the rows of one key (a patient's own list).
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub key: &'static KeyColumn,
    pub id: u64,
}

/// What a page's rows are read with: the answer's columns (the collections' version among
/// them) and the tables joined to the big one, both fixed text.
#[derive(Debug)]
pub struct PageSql {
    /// `<columns>, <collection_version!>`, the big table named by its alias.
    pub columns: &'static str,
    /// `JOIN users u ON u.id = v.user_id ...`: what the answer embeds (may be empty).
    pub joins: &'static str,
}

/// A page whose first row is at most this many rows past its block's edge is read in one walk
/// from that edge, joining as it goes: cheaper than choosing its ids first (which needs a
/// temporary table for them) when so few rows are walked past. The first page of every list is
/// such a page.
pub(super) const DIRECT_SKIP: u64 = 32;

/// One request for a page of a big list.
#[derive(Debug)]
pub struct ListQuery {
    pub table: &'static Table,
    pub slice: Option<Slice>,
    pub scope: Option<Scope>,
    pub filters: Vec<(KeyFilter, &'static KeyColumn)>,
    pub direction: Direction,
    /// Identifies the rows the list holds (not their order), for the cached totals.
    pub cache_key: String,
}

/// How the page's ids are read.
pub(super) enum Ids {
    /// Through a counted list's blocks: no filter but the slice.
    Counted(Start),
    /// Through the scope's index.
    Scoped,
    /// Walking the table (or its slice) in id order, checking every filter, no further than
    /// the id given (below it reading oldest first, from it on reading newest first).
    InOrder { window: Option<u64>, joined: Vec<bool> },
    /// Through the index of filter `driver`'s key column.
    ByKey { driver: usize, joined: Vec<bool> },
}

impl ListQuery {
    /// The page's rows (as [`PageSql`] reads them) and the list's total. 404 "Invalid page."
    /// for a page past the last.
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
        if self.scope.is_none() && !self.filters.is_empty() {
            return super::filtered::read(self, db, counts, request, page_sql).await;
        }
        let ids = match self.scope {
            Some(_) => Ids::Scoped,
            None => {
                let counted = self.counted();
                match counted.start_of(db, self.direction, request.offset()).await? {
                    Some(start) => Ids::Counted(start),
                    None => return Err(ApiError::InvalidPage),
                }
            }
        };
        let rows: Vec<Versioned<R>> = self.fetch(db, request, page_sql, &ids).await?;
        let total = counts
            .total_for_page(self.cache_name(), self.cache_key.clone(), request, &rows, || {
                self.count_unfiltered(db)
            })
            .await?;
        Ok((rows.into_iter().map(|versioned| versioned.row).collect(), total))
    }

    pub(super) fn cache_name(&self) -> &'static str {
        self.table.collections.first().copied().unwrap_or(self.table.all.0)
    }

    /// The counted list the page is read from: the slice, or the whole table.
    pub(super) fn counted(&self) -> CountedList {
        self.slice.map_or(self.table.all, |slice| slice.counted)
    }

    /// The page's rows: the page statement around the ids the plan reads, or, for a page of a
    /// counted list close to its block's edge, one walk along the index joining as it goes.
    pub(super) async fn fetch<R>(
        &self,
        db: &mut MySqlConnection,
        request: PageRequest,
        page_sql: &PageSql,
        ids: &Ids,
    ) -> Result<Vec<Versioned<R>>, sqlx::Error>
    where
        R: for<'r> FromRow<'r, MySqlRow> + Send + Unpin,
    {
        let mut query = QueryBuilder::new("SELECT ");
        match ids {
            Ids::Counted(start) if start.skip <= DIRECT_SKIP => {
                query.push("STRAIGHT_JOIN ").push(page_sql.columns);
                self.push_from_index(&mut query, Some(self.counted_index()));
                query.push(" ").push(page_sql.joins).push(" WHERE TRUE");
                self.push_slice(&mut query);
                start.push_id_bound(&mut query, self.table.id, self.direction);
                self.push_order(&mut query);
                push_limit(&mut query, request.limit(), start.skip);
            }
            _ => {
                query.push(page_sql.columns).push(" FROM (");
                self.push_ids(&mut query, request, ids);
                query.push(") page STRAIGHT_JOIN ").push(self.table.from);
                query.push(" ON ").push(self.table.id).push(" = page.id ");
                query.push(page_sql.joins);
                self.push_order(&mut query);
            }
        }
        query.build_query_as().fetch_all(db).await
    }

    /// ` ORDER BY <id> ASC|DESC`
    fn push_order(&self, query: &mut QueryBuilder<MySql>) {
        query.push(" ORDER BY ").push(self.table.id).push(" ").push(self.direction.sql());
    }

    /// The index a counted list is read along: its slice's, or the primary key.
    pub(super) fn counted_index(&self) -> &'static str {
        self.slice.map_or("PRIMARY", |slice| slice.index)
    }

    /// `SELECT <id> FROM ... ORDER BY <id> LIMIT ? OFFSET ?`: the page's ids.
    fn push_ids(&self, query: &mut QueryBuilder<MySql>, request: PageRequest, ids: &Ids) {
        query.push("SELECT ").push(self.table.id);
        let skip = match ids {
            Ids::Counted(start) => {
                self.push_from_index(query, Some(self.counted_index()));
                query.push(" WHERE TRUE");
                self.push_slice(query);
                start.push_id_bound(query, self.table.id, self.direction);
                start.skip
            }
            Ids::Scoped => {
                self.push_scoped_where(query);
                self.push_filters(query, &[], None);
                request.offset()
            }
            Ids::InOrder { window, joined } => {
                self.push_from_index(query, Some(self.counted_index()));
                self.push_joins(query, joined, None);
                query.push(" WHERE TRUE");
                self.push_slice(query);
                if let Some(edge) = window {
                    query.push(" AND ").push(self.table.id);
                    match self.direction {
                        Direction::Ascending => query.push(" < ").push_bind(*edge),
                        Direction::Descending => query.push(" >= ").push_bind(*edge),
                    };
                }
                self.push_filters(query, joined, None);
                request.offset()
            }
            Ids::ByKey { driver, joined } => {
                self.push_by_key_from(query, *driver, joined);
                request.offset()
            }
        };
        self.push_order(query);
        push_limit(query, request.limit(), skip);
    }

    /// ` FROM <table> [FORCE INDEX (<index>)]`
    pub(super) fn push_from_index(&self, query: &mut QueryBuilder<MySql>, index: Option<&str>) {
        query.push(" FROM ").push(self.table.from);
        if let Some(index) = index {
            query.push(" FORCE INDEX (").push(index).push(")");
        }
    }

    pub(super) fn push_slice(&self, query: &mut QueryBuilder<MySql>) {
        if let Some(slice) = self.slice {
            slice.condition.push(query);
        }
    }

    /// ` STRAIGHT_JOIN (<keys>) m<i> ON ...` for each filter checked by a join (`joined[i]`),
    /// but for the one that drives the read (if any).
    pub(super) fn push_joins(
        &self,
        query: &mut QueryBuilder<MySql>,
        joined: &[bool],
        driver: Option<usize>,
    ) {
        for (i, (filter, key)) in self.filters.iter().enumerate() {
            if Some(i) != driver && joined.get(i).copied().unwrap_or(false) {
                filter.push_join(query, &format!("m{i}"), key.column);
            }
        }
    }

    /// The other filters' conditions: a row-by-row check, or the recheck a join needs.
    pub(super) fn push_filters(
        &self,
        query: &mut QueryBuilder<MySql>,
        joined: &[bool],
        driver: Option<usize>,
    ) {
        for (i, (filter, key)) in self.filters.iter().enumerate() {
            if Some(i) == driver {
                continue;
            }
            if joined.get(i).copied().unwrap_or(false) {
                filter.push_join_recheck(query, key.column);
            } else {
                filter.push_condition(query, key.column);
            }
        }
    }

    /// ` FROM <table> FORCE INDEX (<scope index>) WHERE <scope column> = ? [AND <slice>]`
    fn push_scoped_where(&self, query: &mut QueryBuilder<MySql>) {
        let Some(scope) = self.scope else { return };
        self.push_from_index(query, Some(scope.key.index));
        query.push(" WHERE ").push(scope.key.column).push(" = ").push_bind(scope.id);
        self.push_slice(query);
    }

    /// ` FROM (<driver's keys>) m STRAIGHT_JOIN <table> ... [STRAIGHT_JOIN <joined filters>]
    /// WHERE TRUE [AND <slice>] [AND <the other filters>]`
    pub(super) fn push_by_key_from(
        &self,
        query: &mut QueryBuilder<MySql>,
        driver: usize,
        joined: &[bool],
    ) {
        let (filter, key) = &self.filters[driver];
        filter.push_keys_from(query, self.table.from, key.index, key.column);
        self.push_joins(query, joined, Some(driver));
        query.push(" WHERE TRUE");
        self.push_slice(query);
        self.push_filters(query, joined, Some(driver));
    }

    /// The total of a list without text filters: its counted list, or the scope's count.
    async fn count_unfiltered(&self, db: &mut MySqlConnection) -> Result<u64, sqlx::Error> {
        let Some(scope) = self.scope else {
            return self.counted().total(db).await;
        };
        if let (true, Some(list)) = (self.filters.is_empty(), scope.key.counts_in(self.slice)) {
            let count = sqlx::query_scalar!(
                r#"SELECT CAST(row_count AS UNSIGNED) AS "count!: u64" FROM list_key_counts
                   WHERE list = ? AND key_id = ?"#,
                list,
                scope.id
            )
            .fetch_optional(&mut *db)
            .await?;
            return Ok(count.unwrap_or(0));
        }
        let mut query = QueryBuilder::new("SELECT COUNT(*)");
        self.push_scoped_where(&mut query);
        self.push_filters(&mut query, &[], None);
        count(&mut query, db).await
    }
}

pub(super) async fn count(
    query: &mut QueryBuilder<MySql>,
    db: &mut MySqlConnection,
) -> Result<u64, sqlx::Error> {
    let total: i64 = query.build_query_scalar().fetch_one(db).await?;
    Ok(u64::try_from(total).unwrap_or(0))
}

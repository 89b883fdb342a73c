//! A page of a list with text filters (or gender and age): what the filters match first, then
//! the plan, the page, and the total.
//!
//! The statistics (rows of the table and of its slice; each filter's matched keys and their
//! rows) are cached per process against the versions of the collections the list reads, as
//! totals are. With them, [`Plan::choose`] picks between walking the table in id order and
//! reading by the keys of the most selective filter, and each other filter is checked either
//! by a join with its matched keys (when they are few enough to hold in a small table) or by a
//! lookup per row.

use sqlx::mysql::MySqlRow;
use sqlx::{FromRow, MySqlConnection, QueryBuilder};

use super::keys::Matched;
use super::query::{Ids, ListQuery, PageSql, count};
use super::{BLOCK_IDS, CountedList, Direction, Plan, expected_rows, share};
use crate::error::ApiError;
use crate::page::{CountCache, PageRequest, Versioned, read_version};

/// A filter matching at most this many keys is checked by a join with them; more, and the
/// small table of keys would cost more to build than the checks it saves.
const JOIN_KEYS: u64 = 4096;

/// How far an in-order walk may go, as a multiple of how far into the table the page is
/// expected to lie: matches bunched elsewhere (a filter correlated with age, or with time) make
/// the walk give up there, and the page is read by key instead.
const WINDOW_MARGIN: u64 = 4;

/// What a filter matched: its keys, and their rows, counted in the slice the list reads
/// (`in_slice`) where the schema counts rows per key and slice, else in the whole table.
#[derive(Debug, Clone, Copy)]
pub(super) struct FilterStatistics {
    pub(super) matched: Matched,
    in_slice: bool,
}

/// What a filtered list's plan and total are worked out from.
pub(super) struct Statistics {
    table_rows: u64,
    slice_rows: u64,
    pub(super) filters: Vec<FilterStatistics>,
}

impl Statistics {
    fn into_numbers(self) -> Vec<u64> {
        let mut numbers = vec![self.table_rows, self.slice_rows];
        for filter in &self.filters {
            let Matched { keys, rows } = filter.matched;
            numbers.extend([keys, rows, u64::from(filter.in_slice)]);
        }
        numbers
    }

    fn from_numbers(numbers: &[u64]) -> Self {
        let number = |i: usize| numbers.get(i).copied().unwrap_or(0);
        let filters = numbers
            .get(2..)
            .unwrap_or_default()
            .chunks_exact(3)
            .map(|f| FilterStatistics {
                matched: Matched { keys: f[0], rows: f[1] },
                in_slice: f[2] == 1,
            })
            .collect();
        Self { table_rows: number(0), slice_rows: number(1), filters }
    }

    /// The filter with the fewest matched rows, which drives a [`Plan::ByKey`] read.
    pub(super) fn driver(&self) -> usize {
        (0..self.filters.len()).min_by_key(|&i| self.filters[i].matched.rows).unwrap_or(0)
    }

    pub(super) fn nothing_matches(&self) -> bool {
        self.filters.iter().any(|filter| filter.matched.rows == 0)
    }

    /// Each filter's share of the rows it was counted in (the slice, or the table).
    pub(super) fn shares(&self) -> Vec<f64> {
        self.filters
            .iter()
            .map(|filter| {
                let of = if filter.in_slice { self.slice_rows } else { self.table_rows };
                share(filter.matched.rows, of)
            })
            .collect()
    }

    /// The rows expected to pass every filter, as if the filters were independent.
    fn expected_rows(&self) -> u64 {
        expected_rows(self.slice_rows, &self.shares())
    }

    /// Which filters are checked by a join with their matched keys.
    pub(super) fn joined(&self) -> Vec<bool> {
        self.filters.iter().map(|filter| filter.matched.keys <= JOIN_KEYS).collect()
    }

    /// How many rows of the slice an in-order walk for `request` may read; `None` for all.
    fn window_rows(&self, request: PageRequest) -> Option<u64> {
        window_rows(request, self.slice_rows, self.expected_rows())
    }
}

/// How many of `rows` a walk for `request` may read when `expected` of them pass its checks:
/// [`WINDOW_MARGIN`] times as far as the page is expected; `None` for all of them.
pub(super) fn window_rows(request: PageRequest, rows: u64, expected: u64) -> Option<u64> {
    let reach = request.offset().saturating_add(request.limit());
    let walked = u128::from(reach) * u128::from(WINDOW_MARGIN) * u128::from(rows)
        / u128::from(expected.max(1));
    u64::try_from(walked).ok().filter(|&walked| walked < rows)
}

/// The page's rows and the list's total (see the module documentation).
pub(super) async fn read<R>(
    list: &ListQuery,
    db: &mut MySqlConnection,
    counts: &CountCache,
    request: PageRequest,
    page_sql: &PageSql,
) -> Result<(Vec<R>, u64), ApiError>
where
    R: for<'r> FromRow<'r, MySqlRow> + Send + Unpin,
{
    let version = read_version(db, list.table.collections).await?;
    let statistics = statistics(list, db, counts, version).await?;
    if statistics.nothing_matches() {
        // A filter matches nothing: neither a page nor a count needs the big table.
        return if request.page == 1 { Ok((Vec::new(), 0)) } else { Err(ApiError::InvalidPage) };
    }
    let (driver, joined) = (statistics.driver(), statistics.joined());
    let by_key = Ids::ByKey { driver, joined: joined.clone() };
    let by_key_rows = statistics.filters[driver].matched.rows;
    let plan =
        Plan::choose(request, statistics.slice_rows, statistics.expected_rows(), by_key_rows);
    let rows: Vec<Versioned<R>> = match plan {
        Plan::ByKey => list.fetch(db, request, page_sql, &by_key).await?,
        Plan::InOrder => {
            let window = match statistics.window_rows(request) {
                Some(rows) => window_edge(list, db, counts, version, rows).await?,
                None => None,
            };
            let in_order = Ids::InOrder { window, joined };
            let rows = list.fetch(db, request, page_sql, &in_order).await?;
            let filled = u64::try_from(rows.len()).unwrap_or(u64::MAX) >= request.limit();
            if filled || window.is_none() {
                rows
            } else {
                list.fetch(db, request, page_sql, &by_key).await?
            }
        }
    };
    if rows.is_empty() && request.page > 1 {
        return Err(ApiError::InvalidPage);
    }
    let total = total(list, db, counts, version, &statistics).await?;
    Ok((rows.into_iter().map(|versioned| versioned.row).collect(), total))
}

/// The list's total: the one filter's matched rows when they were counted in the slice read,
/// else counted by the keys of the filter that matches fewest (cached against `version`).
pub(super) async fn total(
    list: &ListQuery,
    db: &mut MySqlConnection,
    counts: &CountCache,
    version: u64,
    statistics: &Statistics,
) -> Result<u64, sqlx::Error> {
    if let [only] = statistics.filters[..]
        && (only.in_slice || list.slice.is_none())
    {
        return Ok(only.matched.rows);
    }
    let counted = counts
        .remember(list.cache_name(), list.cache_key.clone(), version, || async {
            let mut query = QueryBuilder::new("SELECT COUNT(*)");
            list.push_by_key_from(&mut query, statistics.driver(), &statistics.joined());
            Ok(vec![count(&mut query, db).await?])
        })
        .await?;
    Ok(counted.first().copied().unwrap_or(0))
}

pub(super) async fn statistics(
    list: &ListQuery,
    db: &mut MySqlConnection,
    counts: &CountCache,
    version: u64,
) -> Result<Statistics, sqlx::Error> {
    let key = format!("{}#statistics", list.cache_key);
    let numbers = counts
        .remember(list.cache_name(), key, version, || async {
            let table_rows = list.table.all.total(db).await?;
            let slice_rows = match list.slice {
                Some(slice) => slice.counted.total(db).await?,
                None => table_rows,
            };
            let mut filters = Vec::with_capacity(list.filters.len());
            for (filter, key) in &list.filters {
                filters.push(match (key.counts_in(list.slice), key.counts) {
                    (Some(counts), _) => FilterStatistics {
                        matched: filter.matched(db, counts).await?,
                        in_slice: list.slice.is_some(),
                    },
                    (None, Some(counts)) => FilterStatistics {
                        matched: filter.matched(db, counts).await?,
                        in_slice: false,
                    },
                    (None, None) => FilterStatistics {
                        matched: filter.matched_keys(db).await?,
                        in_slice: false,
                    },
                });
            }
            Ok(Statistics { table_rows, slice_rows, filters }.into_numbers())
        })
        .await?;
    Ok(Statistics::from_numbers(&numbers))
}

/// The id an in-order walk of `rows` rows of the list's slice stops at: the edge of the block
/// those rows end in (oldest first) or begin in (newest first), from the blocks' running sums,
/// cached with the statistics. `None` when the walk is the whole slice.
pub(super) async fn window_edge(
    list: &ListQuery,
    db: &mut MySqlConnection,
    counts: &CountCache,
    version: u64,
    rows: u64,
) -> Result<Option<u64>, sqlx::Error> {
    let counted = list.counted();
    let key = format!("{}#running-sums", counted.0);
    let sums = counts
        .remember(list.cache_name(), key, version, || async { running_sums(db, counted).await })
        .await?;
    let pairs: Vec<(u64, u64)> = sums.chunks_exact(2).map(|pair| (pair[0], pair[1])).collect();
    let total = pairs.last().map_or(0, |&(_, through)| through);
    Ok(match list.direction {
        Direction::Ascending => pairs
            .iter()
            .find(|&&(_, through)| through >= rows)
            .map(|&(block, _)| (block + 1) * BLOCK_IDS),
        Direction::Descending => pairs
            .iter()
            .find(|&&(_, through)| through > total.saturating_sub(rows))
            .map(|&(block, _)| block * BLOCK_IDS),
    })
}

/// (block, rows up to and including it) of a counted list, flattened.
async fn running_sums(
    db: &mut MySqlConnection,
    counted: CountedList,
) -> Result<Vec<u64>, sqlx::Error> {
    let blocks = sqlx::query_as!(
        BlockRows,
        r#"SELECT block AS "block!: u64", CAST(row_count AS SIGNED) AS "rows!: i64"
           FROM list_blocks WHERE list = ? ORDER BY block"#,
        counted.0
    )
    .fetch_all(db)
    .await?;
    let mut through = 0u64;
    let mut sums = Vec::with_capacity(blocks.len() * 2);
    for BlockRows { block, rows } in blocks {
        through = through.saturating_add(u64::try_from(rows).unwrap_or(0));
        sums.extend([block, through]);
    }
    Ok(sums)
}

struct BlockRows {
    block: u64,
    rows: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statistics(filters: &[(u64, u64)]) -> Statistics {
        Statistics {
            table_rows: 1_000_000,
            slice_rows: 1_000_000,
            filters: filters
                .iter()
                .map(|&(keys, rows)| FilterStatistics {
                    matched: Matched { keys, rows },
                    in_slice: false,
                })
                .collect(),
        }
    }

    #[test]
    fn statistics_survive_the_cache() {
        let numbers = statistics(&[(1_600, 16_000), (10, 100_000)]).into_numbers();
        let back = Statistics::from_numbers(&numbers);
        assert_eq!(back.filters.len(), 2);
        assert_eq!(back.filters[1].matched, Matched { keys: 10, rows: 100_000 });
        assert_eq!(back.driver(), 0);
    }

    #[test]
    fn few_keys_are_joined_and_many_checked_row_by_row() {
        assert_eq!(statistics(&[(1_600, 16_000), (50_000, 500_000)]).joined(), [true, false]);
    }

    #[test]
    fn an_in_order_walk_goes_a_few_times_as_far_as_the_page_is_expected() {
        let first = PageRequest { page: 1, size: 25 };
        // 16,000 matches in 1,000,000 rows: the 25th is expected 1,562 rows in.
        assert_eq!(statistics(&[(1_600, 16_000)]).window_rows(first), Some(6_250));
        // Matching nearly everything, the walk may read the whole table.
        assert_eq!(
            statistics(&[(90_000, 999_000)]).window_rows(PageRequest { page: 10_000, size: 25 }),
            None
        );
    }
}

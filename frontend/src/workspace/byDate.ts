// Visit and booking lists by date (API.md "Lists by date"): they open on what is to come, soonest
// first, with a choice of the past or everything. Diagnostic bookings also have requests that
// are still waiting for a time; a date filter leaves those out, so the list that opens shows
// them first and the dated ones after them.

import { ApiError, type Query } from '../api/client';
import type { ListLoader } from '../api/resources';
import type { Page } from '../api/types';
import type { FilterDef } from '../components/ResourceList';
import { addDays } from '../lib/dates';
import { clinicToday } from '../lib/time';

export type When = 'upcoming' | 'past' | '';

/** The list's "When" filter; its empty choice is any time. */
export const WHEN_FILTER: FilterDef = {
  name: 'when',
  label: 'When',
  type: 'select',
  anyLabel: 'Any time',
  options: [
    { value: 'upcoming', label: 'From today' },
    { value: 'past', label: 'Before today' },
  ],
};

/** "By time" follows the dates: soonest first, or the latest first when looking back. */
export const BY_TIME_ORDERS = [
  { value: '', label: 'By time' },
  { value: 'id', label: 'Oldest booking first' },
  { value: '-id', label: 'Newest booking first' },
];

/** What a list by date opens on: from today, soonest first. */
export const UPCOMING_DEFAULTS: Record<string, string> = { when: 'upcoming' };

/** The API's query for a list's `when` and `order` choices (clinic dates). */
export function dateQuery(when: unknown, order: unknown, today: string = clinicToday()): Query {
  const chosen = typeof order === 'string' && order ? order : null;
  if (when === 'upcoming') return { date_from: today, order: chosen ?? 'date_time' };
  if (when === 'past') return { date_to: addDays(today, -1), order: chosen ?? '-date_time' };
  return { order: chosen ?? 'date_time' };
}

/** `load`, with the list's `when` and `order` choices turned into the API's dates and order. */
export function byDate<T>(load: ListLoader<T>, today: () => string = () => clinicToday()): ListLoader<T> {
  return ({ when, order, ...rest }) => load({ ...rest, ...dateQuery(when, order, today()) });
}

const empty = <T>(): Page<T> => ({ total_items: 0, total_pages: 1, prev: false, next: false, data: [] });

/** Rows `offset` … `offset + count - 1` of a list read in pages of `size`, and its total. */
async function readRange<T>(load: ListLoader<T>, query: Query, offset: number, count: number, size: number) {
  const first = Math.floor(offset / size) + 1;
  const last = count > 0 ? Math.floor((offset + count - 1) / size) + 1 : first;
  const pages: Page<T>[] = [];
  for (let page = first; page <= last; page += 1) {
    try {
      pages.push(await load({ ...query, page, size }));
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      break; // past the end: the rows there do not exist
    }
  }
  if (pages.length === 0) {
    const counted = await load({ ...query, page: 1, size: 1 }).catch((error) => {
      if (error instanceof ApiError && error.status === 404) return empty<T>();
      throw error;
    });
    return { rows: [] as T[], total: counted.total_items };
  }
  const rows = pages.flatMap((page) => page.data).slice(offset - (first - 1) * size).slice(0, count);
  return { rows, total: pages[0].total_items };
}

/**
 * Diagnostic bookings as their list opens: the requests waiting for a time first (they need
 * one), then the bookings from today on, soonest first — one list, paged as one.
 *
 * The API has no filter for "no time", but it orders those first by `-date_time` and leaves them
 * out of any date filter: their number is the whole list's total less the dated ones' (those
 * before today and those from today on), and they are the first rows of the `-date_time` order.
 */
export function untimedThenUpcoming<T extends { date_time: string | null }>(
  load: ListLoader<T>,
  today: () => string = () => clinicToday(),
): ListLoader<T> {
  return async ({ page = 1, size = 10, ...rest }) => {
    const pageNumber = Number(page);
    const pageSize = Number(size);
    const offset = (pageNumber - 1) * pageSize;
    const count = (query: Query) =>
      load({ ...query, page: 1, size: 1 }).then(
        (answer) => answer.total_items,
        (error) => {
          if (error instanceof ApiError && error.status === 404) return 0;
          throw error;
        },
      );
    const upcomingQuery = { ...rest, date_from: today(), order: 'date_time' };
    const [head, past, upcomingTotal] = await Promise.all([
      load({ ...rest, order: '-date_time', page: pageNumber, size: pageSize }).catch((error) => {
        if (error instanceof ApiError && error.status === 404) return null; // past the whole list's end
        throw error;
      }),
      count({ ...rest, date_to: addDays(today(), -1) }),
      count(upcomingQuery),
    ]);
    if (head === null) throw new ApiError(404, 'Invalid page.');
    const untimed = Math.max(0, head.total_items - past - upcomingTotal);
    const untimedRows = offset < untimed ? head.data.filter((row) => row.date_time === null).slice(0, untimed - offset) : [];
    const wanted = pageSize - untimedRows.length;
    const upcoming =
      wanted > 0
        ? await readRange(load, upcomingQuery, Math.max(0, offset - untimed), wanted, pageSize)
        : { rows: [] as T[], total: upcomingTotal };
    const total = untimed + upcoming.total;
    const totalPages = Math.max(1, Math.ceil(total / pageSize));
    if (pageNumber > totalPages) throw new ApiError(404, 'Invalid page.');
    return {
      total_items: total,
      total_pages: totalPages,
      prev: pageNumber > 1,
      next: pageNumber < totalPages,
      data: [...untimedRows, ...upcoming.rows],
    };
  };
}

/**
 * The diagnostic booking list's loader: requests waiting for a time, then from today on, when it
 * is shown "from today, by time"; otherwise as `byDate`.
 */
export function bookingsByDate<T extends { date_time: string | null }>(
  load: ListLoader<T>,
  today: () => string = () => clinicToday(),
): ListLoader<T> {
  const opening = untimedThenUpcoming(load, today);
  const dated = byDate(load, today);
  return (query) => (query.when === 'upcoming' && !query.order ? opening(query) : dated(query));
}

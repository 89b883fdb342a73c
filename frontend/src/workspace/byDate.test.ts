import { describe, expect, it } from 'vitest';
import { ApiError, type Query } from '../api/client';
import type { Page } from '../api/types';
import { bookingsByDate, byDate, dateQuery } from './byDate';

interface Row {
  id: number;
  date_time: string | null;
}

const TODAY = '2026-12-08';

/** The API's list by date over `rows` (API.md "Lists by date" and "Pagination"); its calls. */
function fakeList(rows: Row[]) {
  const calls: Query[] = [];
  const load = async (query: Query): Promise<Page<Row>> => {
    calls.push(query);
    const clinicDate = (row: Row) => row.date_time?.slice(0, 10) ?? null;
    let found = rows.filter((row) => {
      if (!query.date_from && !query.date_to) return true;
      const date = clinicDate(row);
      return date !== null && (!query.date_from || date >= String(query.date_from)) && (!query.date_to || date <= String(query.date_to));
    });
    const byTime = (a: Row, b: Row) => {
      if (a.date_time === b.date_time) return a.id - b.id;
      if (a.date_time === null) return 1;
      if (b.date_time === null) return -1;
      return a.date_time < b.date_time ? -1 : 1;
    };
    if (query.order === 'date_time') found = [...found].sort(byTime);
    else if (query.order === '-date_time') found = [...found].sort((a, b) => byTime(b, a));
    else if (query.order === '-id') found = [...found].sort((a, b) => b.id - a.id);
    const size = Number(query.size ?? 5);
    const page = Number(query.page ?? 1);
    const pages = Math.max(1, Math.ceil(found.length / size));
    if (page > pages) throw new ApiError(404, 'Invalid page.');
    return {
      total_items: found.length,
      total_pages: pages,
      prev: page > 1,
      next: page < pages,
      data: found.slice((page - 1) * size, page * size),
    };
  };
  return { load, calls };
}

const at = (date: string, hour = 9) => `${date}T${String(hour).padStart(2, '0')}:00:00Z`;

describe('lists by date', () => {
  it('open on what is to come, soonest first, and look back latest first', () => {
    expect(dateQuery('upcoming', '', TODAY)).toEqual({ date_from: TODAY, order: 'date_time' });
    expect(dateQuery('past', undefined, TODAY)).toEqual({ date_to: '2026-12-07', order: '-date_time' });
    expect(dateQuery(undefined, '', TODAY)).toEqual({ order: 'date_time' });
    expect(dateQuery('upcoming', '-id', TODAY)).toEqual({ date_from: TODAY, order: '-id' });
  });

  it('send the API its dates and order instead of the list’s own choices', async () => {
    const { load, calls } = fakeList([{ id: 1, date_time: at('2026-12-09') }]);
    await byDate(load, () => TODAY)({ when: 'upcoming', page: 1, size: 10, patient_name: 'Åsa' });
    expect(calls).toEqual([{ date_from: TODAY, order: 'date_time', page: 1, size: 10, patient_name: 'Åsa' }]);
  });
});

describe('diagnostic bookings as their list opens', () => {
  // Three requests without a time (ids 2, 5, 7), two past bookings, four to come.
  const rows: Row[] = [
    { id: 1, date_time: at('2026-12-01') },
    { id: 2, date_time: null },
    { id: 3, date_time: at('2026-12-20') },
    { id: 4, date_time: at('2026-12-08', 15) },
    { id: 5, date_time: null },
    { id: 6, date_time: at('2026-12-10') },
    { id: 7, date_time: null },
    { id: 8, date_time: at('2026-11-30') },
    { id: 9, date_time: at('2026-12-09') },
  ];

  const read = async (page: number, size: number) => {
    const { load } = fakeList(rows);
    return bookingsByDate(load, () => TODAY)({ when: 'upcoming', page, size });
  };

  it('show the requests waiting for a time first, then from today on, soonest first, paged as one list', async () => {
    const pages = [await read(1, 2), await read(2, 2), await read(3, 2), await read(4, 2)];
    expect(pages.map((page) => page.data.map((row) => row.id))).toEqual([[7, 5], [2, 4], [9, 6], [3]]);
    expect(pages.map((page) => [page.total_items, page.total_pages, page.prev, page.next])).toEqual([
      [7, 4, false, true],
      [7, 4, true, true],
      [7, 4, true, true],
      [7, 4, true, false],
    ]);
  });

  it('fill a page that starts among the requests from the dated ones, and one past the end is a 404', async () => {
    expect((await read(1, 5)).data.map((row) => row.id)).toEqual([7, 5, 2, 4, 9]);
    expect((await read(2, 5)).data.map((row) => row.id)).toEqual([6, 3]);
    await expect(read(3, 5)).rejects.toMatchObject({ status: 404 });
  });

  it('are an empty first page when there is nothing', async () => {
    const { load } = fakeList([]);
    const page = await bookingsByDate(load, () => TODAY)({ when: 'upcoming', page: 1, size: 10 });
    expect(page).toEqual({ total_items: 0, total_pages: 1, prev: false, next: false, data: [] });
  });

  it('are a plain list by date once another time or order is chosen', async () => {
    const { load, calls } = fakeList(rows);
    const past = await bookingsByDate(load, () => TODAY)({ when: 'past', page: 1, size: 10 });
    expect(past.data.map((row) => row.id)).toEqual([1, 8]);
    expect(calls).toHaveLength(1);
  });
});

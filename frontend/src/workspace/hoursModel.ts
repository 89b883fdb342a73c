// The weekly template as the editor holds it (rows with keys), its checks before it is sent,
// and the body PUT /booking_doctor/hours/{doctor_id} takes (API.md "Working hours").

import type { WeeklyInterval } from '../api/types';

/** The API's limits: intervals per weekday (7 × 4 in all), a visit's length. */
export const INTERVALS_PER_DAY = 4;
export const VISIT_MINUTES_MIN = 5;
export const VISIT_MINUTES_MAX = 240;

export interface HoursRow {
  key: number;
  weekday: number;
  from: string;
  to: string;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

let nextKey = 1;
export function newRow(weekday: number, from = '', to = ''): HoursRow {
  nextKey += 1;
  return { key: nextKey, weekday, from, to };
}

export function rowsOf(weekly: WeeklyInterval[]): HoursRow[] {
  return sortRows(weekly.map((interval) => newRow(interval.weekday, interval.from.slice(0, 5), interval.to.slice(0, 5))));
}

/** By weekday, then by start (empty starts last, as typed). */
export function sortRows(rows: HoursRow[]): HoursRow[] {
  return [...rows].sort((a, b) => a.weekday - b.weekday || (a.from || '99').localeCompare(b.from || '99') || a.key - b.key);
}

/** What is wrong with each row, by its key: a missing or backward time, or an overlap. */
export function rowProblems(rows: HoursRow[]): Map<number, string> {
  const problems = new Map<number, string>();
  for (const row of rows) {
    if (!TIME.test(row.from) || !TIME.test(row.to)) problems.set(row.key, 'Enter both times, as HH:MM.');
    else if (row.from >= row.to) problems.set(row.key, 'The end must be after the start.');
  }
  const wellFormed = rows.filter((row) => !problems.has(row.key));
  for (const row of wellFormed) {
    const clash = wellFormed.find(
      (other) => other.key !== row.key && other.weekday === row.weekday && other.from < row.to && row.from < other.to,
    );
    if (clash) problems.set(row.key, `Overlaps ${clash.from}–${clash.to} on the same day.`);
  }
  return problems;
}

export function visitMinutesProblem(value: string): string | null {
  const text = value.trim();
  return /^\d+$/.test(text) && Number(text) >= VISIT_MINUTES_MIN && Number(text) <= VISIT_MINUTES_MAX
    ? null
    : `Enter a whole number of minutes from ${VISIT_MINUTES_MIN} to ${VISIT_MINUTES_MAX}.`;
}

/** The rows as the API takes them, in the order the editor shows them. */
export function weeklyBody(rows: HoursRow[]): WeeklyInterval[] {
  return sortRows(rows).map(({ weekday, from, to }) => ({ weekday, from, to }));
}

/** Monday's hours copied onto Tuesday–Friday, in place of theirs. */
export function mondayToWeekdays(rows: HoursRow[]): HoursRow[] {
  const monday = rows.filter((row) => row.weekday === 1);
  const others = rows.filter((row) => row.weekday < 2 || row.weekday > 5);
  const copies = [2, 3, 4, 5].flatMap((weekday) => monday.map((row) => newRow(weekday, row.from, row.to)));
  return sortRows([...others, ...copies]);
}

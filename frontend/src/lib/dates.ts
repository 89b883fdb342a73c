// Clinic dates (YYYY-MM-DD) and times of day for the calendar, working hours and the lists by
// date. Apart from lib/time.ts so that the public pages, which need only that, stay small.
// A clinic date is a plain calendar date: its arithmetic is done at noon UTC, where no zone's
// clocks can move it to another day.

import { clinicToday, dateToClinicLocal } from './time';

function dateAtNoon(date: string): Date {
  return new Date(`${date}T12:00:00Z`);
}

/** `date` moved by `days` (negative goes back). */
export function addDays(date: string, days: number): string {
  const moment = dateAtNoon(date);
  moment.setUTCDate(moment.getUTCDate() + days);
  return moment.toISOString().slice(0, 10);
}

/** The ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return ((dateAtNoon(date).getUTCDay() + 6) % 7) + 1;
}

/** The Monday of the week `date` is in. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** The dates from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/** The clinic date a moment falls on. */
export function clinicDateOf(iso: string): string {
  return dateToClinicLocal(new Date(iso)).slice(0, 10);
}

/** "09:30": the clinic's clock at a moment. */
export function clinicClockOf(iso: string): string {
  return dateToClinicLocal(new Date(iso)).slice(11, 16);
}

/** "09:30–10:00" on the clinic's clocks. */
export function formatTimeRange(start: string, end: string): string {
  return `${clinicClockOf(start)}–${clinicClockOf(end)}`;
}

/** Whole minutes from `start` to `end`. */
export function minutesBetween(start: string, end: string): number {
  return Math.round((new Date(end).getTime() - new Date(start).getTime()) / 60_000);
}

const shortDayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });
const longDayFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const weekdayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short' });

/** A clinic date as "Tue 8 Dec". */
export function formatDay(date: string): string {
  return shortDayFormat.format(dateAtNoon(date)).replace(',', '');
}

/** A clinic date as "Tuesday 8 December 2026". */
export function formatDayLong(date: string): string {
  return longDayFormat.format(dateAtNoon(date)).replace(',', '');
}

/** The ISO weekday's name: 1 → "Monday". */
export function weekdayName(weekday: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long' }).format(dateAtNoon(addDays('2026-11-30', weekday - 1)));
}

/**
 * A moment to come, as short as it can be said without doubt: "Tue 09:30" within the coming
 * week, "Tue 15 Dec 09:30" further on (clinic clocks).
 */
export function formatSoon(iso: string, now: Date = new Date()): string {
  const date = clinicDateOf(iso);
  const day = date < addDays(clinicToday(now), 7) ? weekdayFormat.format(dateAtNoon(date)) : formatDay(date);
  return `${day} ${clinicClockOf(iso)}`;
}

// Date-times are stored in UTC and shown, and typed, as the clinic's clocks read them
// (CLINIC_TZ), whatever time zone the browser is in. Only `Intl` is needed for that.

import { CLINIC_TZ } from '../config';

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    partsFormats.set(timeZone, format);
  }
  return format;
}

/** What the clocks in `timeZone` show at `moment` (to the minute). */
export function wallClockAt(moment: Date, timeZone: string = CLINIC_TZ): WallClock {
  const parts: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(moment)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute };
}

function wallAsUtcMillis(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
}

function sameWall(a: WallClock, b: WallClock): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;
}

/** The zone's offset from UTC at `millis`, in milliseconds (whole minutes). */
function offsetAt(millis: number, timeZone: string): number {
  const moment = new Date(Math.floor(millis / 60_000) * 60_000);
  return wallAsUtcMillis(wallClockAt(moment, timeZone)) - moment.getTime();
}

/**
 * The moment a `datetime-local` value (`YYYY-MM-DDTHH:MM`) names on the clinic's clocks, or
 * null when it is not a real time there: malformed, or skipped when the clocks go forward. A
 * time the clocks pass twice (autumn) is the first, as the server reads it.
 */
export function clinicLocalToDate(local: string, timeZone: string = CLINIC_TZ): Date | null {
  const match = LOCAL_INPUT.exec(local.trim());
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const wall = { year, month, day, hour, minute };
  const asUtc = wallAsUtcMillis(wall);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  // The offset is one of the offsets in force within a day around that wall time.
  const candidates = [offsetAt(asUtc - 86_400_000, timeZone), offsetAt(asUtc + 86_400_000, timeZone)]
    .map((offset) => asUtc - offset)
    .filter((millis) => sameWall(wallClockAt(new Date(millis), timeZone), wall))
    .sort((a, b) => a - b);
  return candidates.length > 0 ? new Date(candidates[0]) : null;
}

/** A UTC moment as a `datetime-local` value on the clinic's clocks. */
export function dateToClinicLocal(moment: Date, timeZone: string = CLINIC_TZ): string {
  const w = wallClockAt(moment, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}`;
}

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: CLINIC_TZ,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

const plainDateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });

/** "Tue, 1 Dec 2026, 09:00 CET", on the clinic's clocks; an empty value reads as a dash. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const moment = new Date(iso);
  return Number.isNaN(moment.getTime()) ? iso : dateTimeFormat.format(moment);
}

/** A calendar date (YYYY-MM-DD, such as a date of birth) as "22 Sep 1985". */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  const moment = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(moment.getTime()) ? date : plainDateFormat.format(moment);
}

/** Today's date on the clinic's clocks, as YYYY-MM-DD. */
export function clinicToday(now: Date = new Date()): string {
  return dateToClinicLocal(now).slice(0, 10);
}

/** Whole hours from `now` until `iso` (negative once it has passed). */
export function hoursUntil(iso: string, now: Date = new Date()): number {
  return (new Date(iso).getTime() - now.getTime()) / 3_600_000;
}

// --- clinic dates (YYYY-MM-DD): calendars, working hours, lists by date -------------------------
// A clinic date is a plain calendar date: its arithmetic is done at noon UTC, where no zone's
// clocks can move it to another day.

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

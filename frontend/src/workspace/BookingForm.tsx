// Booking a patient for something at a time (a doctor visit, an examination): the patient, what
// they are booked for, and a time in the future; the clinic e-mails the patient once it is saved.
// Opened from a patient's row or chart the patient is already chosen; opened from a free slot in
// the calendar the doctor, the time and the length are. For a doctor, the next free times are
// offered as buttons, and offered afresh when the clinic refuses a time (409).

import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/client';
import type { Slot, User } from '../api/types';
import { FormActions, FormMessage, TextField } from '../components/Field';
import { SearchSelect, type Choice } from '../components/SearchSelect';
import { formatSoon, minutesBetween } from '../lib/dates';
import { dateToClinicLocal } from '../lib/time';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import * as v from '../lib/validate';
import { clinicTimeForApi, DateTimeField, futureClinicTime } from './DateTimeField';
import { PatientChoice } from './records';
import './BookingForm.css';

/** What the patient is booked for: its field as the API names it, and how to search for it. */
export interface BookingTarget<N extends string> {
  name: N;
  label: string;
  searchLabel: string;
  search: (text: string) => Promise<Choice[]>;
  hint?: string;
}

/** Where the form starts: chosen in the calendar (a doctor, a time, a length). */
export interface BookingStart {
  target?: Choice;
  /** On the clinic's clocks, `YYYY-MM-DDTHH:MM`. */
  date_time?: string;
  duration_minutes?: number;
}

/** The next free times of a chosen target (a doctor), soonest first. */
export type SuggestTimes = (targetId: number) => Promise<Slot[]>;

export const DURATION_MIN = 5;
export const DURATION_MAX = 240;

const durationRule = v.optional((value) =>
  /^\d+$/.test(value.trim()) && Number(value) >= DURATION_MIN && Number(value) <= DURATION_MAX
    ? null
    : `Enter a whole number of minutes from ${DURATION_MIN} to ${DURATION_MAX}.`,
);

type Body<N extends string> = { user_id: number; date_time: string; duration_minutes?: number } & Record<N, number>;

export function BookingForm<N extends string, R>({
  idPrefix,
  target,
  book,
  onDone,
  onCancel,
  patient,
  start,
  suggest,
  withDuration = false,
}: {
  idPrefix: string;
  target: BookingTarget<N>;
  book: (body: Body<N>) => Promise<R>;
  onDone: (booked: R) => void;
  onCancel: () => void;
  /** The patient, when the form is opened for them. */
  patient?: User;
  start?: BookingStart;
  suggest?: SuggestTimes;
  /** Ask for the visit's length (empty: the doctor's usual one). */
  withDuration?: boolean;
}) {
  type Key = 'user_id' | 'date_time' | 'duration_minutes' | N;
  const rules = useMemo(
    () => () =>
      ({
        user_id: v.required(() => null),
        [target.name]: v.required(() => null),
        date_time: futureClinicTime,
        duration_minutes: withDuration ? durationRule : () => null,
      }) as Record<Key, v.Rule>,
    [target.name, withDuration],
  );
  const form = useForm<Key>(
    {
      user_id: patient ? String(patient.id) : '',
      [target.name]: start?.target?.value ?? '',
      date_time: start?.date_time ?? '',
      duration_minutes: start?.duration_minutes ? String(start.duration_minutes) : '',
    } as Record<Key, string>,
    rules,
    idPrefix,
  );
  // A refusal (the time was taken meanwhile, the doctor is away) asks for the free times again.
  const [refused, setRefused] = useState(0);

  const { busy, submit } = useSubmit(form, async () => {
    const duration = form.values.duration_minutes.trim();
    const body = {
      user_id: Number(form.values.user_id),
      [target.name]: Number(form.values[target.name]),
      date_time: clinicTimeForApi(form.values.date_time),
      ...(withDuration && duration ? { duration_minutes: Number(duration) } : {}),
    } as Body<N>;
    try {
      onDone(await book(body));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) setRefused((count) => count + 1);
      throw error;
    }
  });

  const { set } = form;
  const choose = useCallback(
    (slot: Slot) => {
      set('date_time' as Key, dateToClinicLocal(new Date(slot.start)));
      if (withDuration) set('duration_minutes' as Key, String(minutesBetween(slot.start, slot.end)));
    },
    [set, withDuration],
  );

  const targetId = form.values[target.name as Key];
  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      <FormMessage error={form.formError} other={form.otherErrors} />
      <PatientChoice patient={patient} field={form.field('user_id' as Key)} />
      <SearchSelect
        label={target.label}
        searchLabel={target.searchLabel}
        field={form.field(target.name as Key)}
        search={target.search}
        required
        hint={target.hint}
        preset={start?.target}
      />
      {suggest && targetId ? (
        <NextFreeTimes
          key={`${targetId}-${refused}`}
          targetId={Number(targetId)}
          suggest={suggest}
          chosen={form.values.date_time}
          onChoose={choose}
          idPrefix={idPrefix}
        />
      ) : null}
      <DateTimeField label="Date and time" field={form.field('date_time' as Key)} />
      {withDuration ? (
        <TextField
          label="Length (minutes)"
          type="number"
          inputMode="numeric"
          min={String(DURATION_MIN)}
          max={String(DURATION_MAX)}
          field={form.field('duration_minutes' as Key)}
          hint="Leave empty for the doctor’s usual visit length."
        />
      ) : null}
      <FormActions busy={busy} label="Book and e-mail the patient" busyLabel="Booking…" onCancel={onCancel} />
    </form>
  );
}

/** How many of the next free times are offered. */
export const SUGGESTED_TIMES = 6;

/** The next free times as buttons; choosing one fills in the time (and the length). */
function NextFreeTimes({
  targetId,
  suggest,
  chosen,
  onChoose,
  idPrefix,
}: {
  targetId: number;
  suggest: SuggestTimes;
  chosen: string;
  onChoose: (slot: Slot) => void;
  idPrefix: string;
}) {
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    suggest(targetId).then(
      (found) => !cancelled && setSlots(found.slice(0, SUGGESTED_TIMES)),
      (error) => !cancelled && setProblem(error instanceof ApiError ? error.detail : 'The free times could not be loaded.'),
    );
    return () => {
      cancelled = true;
    };
  }, [suggest, targetId]);

  const legendId = `${idPrefix}-free-times`;
  return (
    <div className="next-free" role="group" aria-labelledby={legendId} aria-busy={slots === null && !problem}>
      <p className="next-free__legend" id={legendId}>
        Next free times
      </p>
      {problem ? <p className="field__hint">{problem}</p> : null}
      {slots === null && !problem ? <p className="field__hint">Looking for free times…</p> : null}
      {slots && slots.length === 0 ? (
        <p className="field__hint">No free times in the next two weeks. Any time can still be typed below.</p>
      ) : null}
      {slots && slots.length > 0 ? (
        <ul className="next-free__list">
          {slots.map((slot) => {
            const local = dateToClinicLocal(new Date(slot.start));
            return (
              <li key={slot.start}>
                <button
                  type="button"
                  className="button button--quiet button--small"
                  aria-pressed={chosen === local}
                  onClick={() => onChoose(slot)}
                >
                  {formatSoon(slot.start)}
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

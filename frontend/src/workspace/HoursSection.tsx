// Working hours (API.md "Working hours"): a doctor's weekly template and usual visit length,
// and their absences and extra hours on given dates. Staff keep any doctor's, a doctor their
// own; operators read them. A change never moves or cancels a visit: the booked visits it leaves
// outside the hours are listed, for the clinic to contact the patients.

import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, type FieldErrors } from '../api/client';
import type { ConflictingVisit, HoursException, StaffMember, User, WorkingHours } from '../api/types';
import { fullName } from '../api/types';
import { reach } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { FormActions, FormMessage, SelectField, TextField } from '../components/Field';
import { Notice } from '../components/Notice';
import { allDoctors } from '../components/pickers';
import { Spinner } from '../components/Spinner';
import { formatDayLong, weekdayName } from '../lib/dates';
import { clinicToday, formatDateTime } from '../lib/time';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import * as v from '../lib/validate';
import {
  INTERVALS_PER_DAY,
  mondayToWeekdays,
  newRow,
  rowProblems,
  rowsOf,
  sortRows,
  VISIT_MINUTES_MAX,
  VISIT_MINUTES_MIN,
  visitMinutesProblem,
  weeklyBody,
  type HoursRow,
} from './hoursModel';
import { OutcomeNotice } from './listSection';
import { PatientLink } from './PatientLink';
import { useAction } from './useAction';
import { useQuery } from './useQuery';
import './HoursSection.css';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
const NOTE_MAX = 200;

/** The visits a change left outside the doctor's hours, each patient a link to their chart. */
export function ConflictingVisits({ visits, change }: { visits: ConflictingVisit[]; change: string }) {
  if (visits.length === 0) return null;
  return (
    <div className="notice notice--info hours__conflicts" role="status">
      <p>
        <strong>
          {visits.length === 1 ? 'One booked visit is' : `${visits.length} booked visits are`} now outside the working hours or inside an
          absence.
        </strong>{' '}
        {change} did not move or cancel {visits.length === 1 ? 'it' : 'them'}: contact the {visits.length === 1 ? 'patient' : 'patients'} and
        rebook or cancel under Doctor visits.
      </p>
      <ul>
        {visits.map((visit) => {
          const patient: User = { id: visit.patient.id, profile: { id: visit.patient.id, name: visit.patient.name, surname: visit.patient.surname } };
          return (
            <li key={visit.id}>
              {formatDateTime(visit.date_time)} ({visit.duration_minutes} min) — <PatientLink user={patient} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** A server field path (`weekly.3.from`) in the editor's words (`Wednesday 1: from`). */
function describePath(path: string, sent: HoursRow[]): string {
  const match = /^weekly\.(\d+)(?:\.(\w+))?$/.exec(path);
  if (!match) return path === 'visit_minutes' ? 'Usual visit length' : path;
  const row = sent[Number(match[1])];
  if (!row) return path;
  const number = sent.filter((other) => other.weekday === row.weekday).indexOf(row) + 1;
  return `${weekdayName(row.weekday)} ${number}${match[2] ? `: ${match[2]}` : ''}`;
}

function WeeklyEditor({
  doctorId,
  hours,
  editable,
  onSaved,
}: {
  doctorId: number;
  hours: WorkingHours;
  editable: boolean;
  onSaved: (hours: WorkingHours, conflicts: ConflictingVisit[]) => void;
}) {
  const r = useApi();
  const [rows, setRows] = useState<HoursRow[]>(() => rowsOf(hours.weekly));
  const [minutes, setMinutes] = useState(String(hours.visit_minutes));
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<{ detail: string; errors: FieldErrors; sent: HoursRow[] } | null>(null);
  const problems = useMemo(() => rowProblems(rows), [rows]);
  const minutesProblem = visitMinutesProblem(minutes);

  const update = (key: number, changes: Partial<HoursRow>) => setRows((current) => current.map((row) => (row.key === key ? { ...row, ...changes } : row)));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (problems.size > 0 || minutesProblem) {
      requestAnimationFrame(() => document.querySelector<HTMLElement>('.hours__week [aria-invalid="true"]')?.focus());
      return;
    }
    const sent = sortRows(rows);
    setBusy(true);
    setRefusal(null);
    try {
      const answer = await r.setHours(doctorId, { weekly: weeklyBody(sent), visit_minutes: Number(minutes) });
      setRows(rowsOf(answer.hours.weekly));
      setChecked(false);
      onSaved(answer.hours, answer.conflicting_visits);
    } catch (error) {
      setRefusal(
        error instanceof ApiError ? { detail: error.detail, errors: error.errors, sent } : { detail: 'Something went wrong. Please try again.', errors: {}, sent },
      );
    } finally {
      setBusy(false);
    }
  };

  const serverErrors = refusal
    ? Object.fromEntries(Object.entries(refusal.errors).map(([path, messages]) => [describePath(path, refusal.sent), messages]))
    : undefined;
  return (
    <form className="hours__week form-stack" onSubmit={save} noValidate aria-labelledby="hours-week-heading">
      <h2 id="hours-week-heading">Weekly hours</h2>
      <p className="workspace__intro">
        Free times are offered inside these hours and any extra hours, on the clinic’s clocks. Without weekly hours, the doctor can
        be booked at any time outside their absences, and the calendar shows free times only in their extra hours.
      </p>
      <FormMessage error={refusal?.detail ?? null} other={serverErrors} />
      <TextField
        label="Usual visit length (minutes)"
        type="number"
        inputMode="numeric"
        min={String(VISIT_MINUTES_MIN)}
        max={String(VISIT_MINUTES_MAX)}
        field={{
          id: 'hours-visit-minutes',
          name: 'visit_minutes',
          value: minutes,
          error: checked ? minutesProblem : null,
          onChange: setMinutes,
          onBlur: () => undefined,
        }}
        required
        hint="The length of a new visit, and the step between free times."
      />
      <div className="hours__days">
        {WEEKDAYS.map((weekday) => {
          const day = weekdayName(weekday);
          const ofDay = rows.filter((row) => row.weekday === weekday);
          return (
            <fieldset key={weekday} className="hours__day">
              <legend>{day}</legend>
              {ofDay.length === 0 ? <p className="hours__off">Not working</p> : null}
              {ofDay.map((row, index) => {
                const problem = checked ? (problems.get(row.key) ?? null) : null;
                const id = `hours-${weekday}-${row.key}`;
                return (
                  <div key={row.key} className="hours__row">
                    <div className="hours__time">
                      <label htmlFor={`${id}-from`}>
                        <span className="visually-hidden">
                          {day} {index + 1}:{' '}
                        </span>
                        From
                      </label>
                      <input
                        id={`${id}-from`}
                        type="time"
                        value={row.from}
                        disabled={!editable}
                        aria-invalid={problem ? true : undefined}
                        aria-describedby={problem ? `${id}-error` : undefined}
                        onChange={(event) => update(row.key, { from: event.target.value })}
                      />
                    </div>
                    <div className="hours__time">
                      <label htmlFor={`${id}-to`}>
                        <span className="visually-hidden">
                          {day} {index + 1}:{' '}
                        </span>
                        To
                      </label>
                      <input
                        id={`${id}-to`}
                        type="time"
                        value={row.to}
                        disabled={!editable}
                        aria-invalid={problem ? true : undefined}
                        aria-describedby={problem ? `${id}-error` : undefined}
                        onChange={(event) => update(row.key, { to: event.target.value })}
                      />
                    </div>
                    {editable ? (
                      <button
                        type="button"
                        className="button button--danger button--small"
                        onClick={() => setRows((current) => current.filter((other) => other.key !== row.key))}
                      >
                        Remove<span className="visually-hidden"> {day} {index + 1}</span>
                      </button>
                    ) : null}
                    {problem ? (
                      <p className="field__error hours__error" id={`${id}-error`}>
                        {problem}
                      </p>
                    ) : null}
                  </div>
                );
              })}
              {editable && ofDay.length < INTERVALS_PER_DAY ? (
                <button
                  type="button"
                  className="button button--quiet button--small"
                  onClick={() => setRows((current) => [...current, newRow(weekday, ofDay.length ? '' : '08:00', ofDay.length ? '' : '16:00')])}
                >
                  Add hours<span className="visually-hidden"> on {day}</span>
                </button>
              ) : null}
            </fieldset>
          );
        })}
      </div>
      {editable ? (
        <FormActions busy={busy} label="Save the weekly hours" busyLabel="Saving…">
          <button type="button" className="button button--quiet" onClick={() => setRows(mondayToWeekdays(rows))}>
            Monday’s hours for Tuesday–Friday
          </button>
        </FormActions>
      ) : null}
    </form>
  );
}

const exceptionInitial = { date: '', kind: 'absence', from: '', to: '', note: '' };
type ExceptionKey = keyof typeof exceptionInitial;
const TIME_RULE: v.Rule = (value) => (/^([01]\d|2[0-3]):[0-5]\d$/.test(value.trim()) ? null : 'Enter a time as HH:MM.');

function exceptionRules(values: Record<ExceptionKey, string>) {
  const today = clinicToday();
  const both = values.kind === 'extra' || values.from.trim() !== '' || values.to.trim() !== '';
  return {
    date: v.required((value) => (!v.isRealDate(value) ? 'Enter a real date.' : value < today ? 'Choose today or a later date.' : null)),
    kind: (value: string) => (value === 'absence' || value === 'extra' ? null : 'Choose an absence or extra hours.'),
    from: both ? v.required(TIME_RULE) : () => null,
    to: both
      ? v.required((value) => TIME_RULE(value) ?? (values.from && value <= values.from ? 'The end must be after the start.' : null))
      : () => null,
    note: (value: string) => (Array.from(value).length > NOTE_MAX ? `Use at most ${NOTE_MAX} characters.` : null),
  };
}

function ExceptionForm({ doctorId, onSaved }: { doctorId: number; onSaved: (conflicts: ConflictingVisit[]) => void }) {
  const r = useApi();
  const form = useForm<ExceptionKey>(exceptionInitial, exceptionRules, 'exception');
  const { busy, submit } = useSubmit(form, async () => {
    const { date, kind, from, to, note } = form.values;
    const answer = await r.addHoursException(doctorId, {
      date,
      kind: kind as HoursException['kind'],
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
    form.reset();
    onSaved(answer.conflicting_visits);
  });
  const absence = form.values.kind === 'absence';
  return (
    <form className="form-stack" onSubmit={submit} noValidate aria-labelledby="hours-exception-heading">
      <h3 id="hours-exception-heading">Add an absence or extra hours</h3>
      <FormMessage error={form.formError} other={form.otherErrors} />
      <div className="form-grid">
        <TextField label="Date" type="date" min={clinicToday()} field={form.field('date')} required />
        <SelectField
          label="Kind"
          field={form.field('kind')}
          required
          options={[
            { value: 'absence', label: 'Absence' },
            { value: 'extra', label: 'Extra hours' },
          ]}
        />
        <TextField label="From" type="time" field={form.field('from')} required={!absence} hint={absence ? 'Empty: the whole day.' : undefined} />
        <TextField label="To" type="time" field={form.field('to')} required={!absence} />
        <TextField label="Note" field={form.field('note')} hint={`For colleagues, at most ${NOTE_MAX} characters.`} />
      </div>
      <FormActions busy={busy} label={absence ? 'Add the absence' : 'Add the extra hours'} busyLabel="Saving…" />
    </form>
  );
}

function ExceptionList({
  exceptions,
  editable,
  onDelete,
  busy,
}: {
  exceptions: HoursException[];
  editable: boolean;
  onDelete: (exception: HoursException) => void;
  busy: boolean;
}) {
  if (exceptions.length === 0) return <p className="hours__off">No absences or extra hours from today on.</p>;
  return (
    <div className="resource-list__table-wrap">
      <table className="resource-list__table">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Kind</th>
            <th scope="col">Hours</th>
            <th scope="col">Note</th>
            {editable ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {exceptions.map((exception) => (
            <tr key={exception.id}>
              <td data-label="Date">{formatDayLong(exception.date)}</td>
              <td data-label="Kind">
                {exception.kind === 'absence' ? <span className="badge badge--warn">Absence</span> : <span className="badge badge--ok">Extra hours</span>}
              </td>
              <td data-label="Hours">{exception.from && exception.to ? `${exception.from.slice(0, 5)}–${exception.to.slice(0, 5)}` : 'The whole day'}</td>
              <td data-label="Note">{exception.note || '—'}</td>
              {editable ? (
                <td className="resource-list__actions">
                  <button type="button" className="button button--danger button--small" disabled={busy} onClick={() => onDelete(exception)}>
                    Delete<span className="visually-hidden"> {exception.kind === 'absence' ? 'absence' : 'extra hours'} on {formatDayLong(exception.date)}</span>
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One doctor's hours: the weekly template and the exceptions, with what changing them left out. */
function DoctorHours({ doctorId, editable }: { doctorId: number; editable: boolean }) {
  const r = useApi();
  const [hours, setHours] = useState<WorkingHours | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [conflicts, setConflicts] = useState<{ visits: ConflictingVisit[]; change: string } | null>(null);
  const [version, setVersion] = useState(0);
  const action = useAction();

  const load = useCallback(async () => {
    try {
      setHours(await r.hours(doctorId));
      setError(null);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.detail : 'The working hours could not be loaded.');
    }
  }, [r, doctorId]);

  useEffect(() => {
    setHours(null);
    setConflicts(null);
    void load();
  }, [load]);

  const removeException = async (exception: HoursException) => {
    const ok = await action.run(() => r.deleteHoursException(doctorId, exception.id), {
      confirm: `Delete the ${exception.kind === 'absence' ? 'absence' : 'extra hours'} on ${formatDayLong(exception.date)}?`,
      success: 'Deleted.',
    });
    if (ok) void load();
  };

  if (error) {
    return (
      <Notice kind="error">
        <p>{error}</p>
        <button type="button" className="button button--quiet" onClick={() => void load()}>
          Try again
        </button>
      </Notice>
    );
  }
  if (!hours) return <Spinner label="Loading the working hours" />;
  return (
    <div className="hours">
      <OutcomeNotice outcome={action.outcome} />
      {conflicts ? <ConflictingVisits visits={conflicts.visits} change={conflicts.change} /> : null}
      <WeeklyEditor
        key={`${doctorId}-${version}`}
        doctorId={doctorId}
        hours={hours}
        editable={editable}
        onSaved={(saved, visits) => {
          setHours(saved);
          setVersion((n) => n + 1);
          setConflicts({ visits, change: 'The new weekly hours' });
          action.succeeded('The weekly hours are saved.');
        }}
      />
      <section className="hours__exceptions" aria-labelledby="hours-exceptions-heading">
        <h2 id="hours-exceptions-heading">Absences and extra hours</h2>
        <ExceptionList exceptions={hours.exceptions} editable={editable} onDelete={removeException} busy={action.busy} />
        {editable ? (
          <ExceptionForm
            doctorId={doctorId}
            onSaved={(visits) => {
              setConflicts({ visits, change: 'The new absence or extra hours' });
              action.succeeded('Saved.');
              void load();
            }}
          />
        ) : null}
      </section>
    </div>
  );
}

function DoctorPicker({ value, onChange }: { value: number | null; onChange: (doctorId: number) => void }) {
  const r = useApi();
  const [doctors, setDoctors] = useState<StaffMember[] | null>(null);
  useEffect(() => {
    let cancelled = false;
    allDoctors(r).then(
      (found) => !cancelled && setDoctors(found.sort((a, b) => a.user.profile.surname.localeCompare(b.user.profile.surname, 'sv'))),
      () => !cancelled && setDoctors([]),
    );
    return () => {
      cancelled = true;
    };
  }, [r]);
  return (
    <div className="field hours__picker">
      <label htmlFor="hours-doctor">Doctor</label>
      <select id="hours-doctor" value={value ? String(value) : ''} aria-busy={doctors === null} onChange={(event) => event.target.value && onChange(Number(event.target.value))}>
        <option value="">{doctors === null ? 'Loading the doctors…' : 'Choose…'}</option>
        {value && doctors && !doctors.some((doctor) => doctor.user.id === value) ? <option value={String(value)}>Doctor {value}</option> : null}
        {(doctors ?? []).map((doctor) => (
          <option key={doctor.user.id} value={String(doctor.user.id)}>
            Dr {fullName(doctor.user)}
            {doctor.specialty ? ` — ${doctor.specialty}` : ''}
          </option>
        ))}
      </select>
    </div>
  );
}

export default function HoursSection() {
  const { me } = useSession();
  const [params, change] = useQuery();
  if (!me) return null;
  const own = me.role === 'doctor';
  const asked = Number(params.get('doctor'));
  const doctorId = own ? me.id : Number.isInteger(asked) && asked > 0 ? asked : null;
  const setReach = reach(me.role, 'ManageDoctorHours');
  const editable = setReach === 'all' || (setReach === 'own' && doctorId === me.id);
  return (
    <>
      {own ? null : <DoctorPicker value={doctorId} onChange={(id) => change({ doctor: String(id) })} />}
      {!editable && doctorId ? <p className="workspace__intro">You can read these hours; staff and the doctor change them.</p> : null}
      {doctorId ? <DoctorHours doctorId={doctorId} editable={editable} /> : <p className="hours__off">Choose a doctor to see their hours.</p>}
    </>
  );
}

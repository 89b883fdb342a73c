// The calendar: one doctor's day or week, or a specialty's doctors side by side, on the clinic's
// clocks. Booked visits show the patient (a link to their chart); free slots (API.md "Free
// slots") are buttons that open the booking dialog with the doctor, time and length filled in,
// for those who book. A taken time has no free slot, so a clash cannot be clicked. What is shown
// lives in the address (?doctor=, ?specialty=, ?view=, ?date=, ?length=), so it can be linked to
// and comes back with the browser's Back.

import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/client';
import type { Resources } from '../api/resources';
import type { DoctorRef, DoctorVisit, FreeSlots, Slot, StaffMember, WorkingHours } from '../api/types';
import { fullName } from '../api/types';
import { canForAnyone } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { Notice } from '../components/Notice';
import { allDoctors } from '../components/pickers';
import { Spinner } from '../components/Spinner';
import { formatDay, formatDayLong, formatTimeRange, minutesBetween } from '../lib/dates';
import { clinicToday, dateToClinicLocal } from '../lib/time';
import { isRealDate } from '../lib/validate';
import type { BookingStart } from './BookingForm';
import {
  buildCalendar,
  calendarRange,
  stepDate,
  visitMinutesOf,
  type CalendarCell,
  type CalendarRange,
  type CalendarView,
} from './calendarModel';
import { OutcomeNotice, useReload } from './listSection';
import { PatientLink } from './PatientLink';
import { useAction } from './useAction';
import { useQuery } from './useQuery';
import { BookVisitForm, bookedMessage } from './VisitsSection';
import './CalendarSection.css';

export type Who = { doctorId: number } | { specialty: string };

/** At most this many pages of 25 visits are read for one view (a specialty's busy week). */
const MAX_VISIT_PAGES = 40;
const LIVE_RELOAD_DELAY_MS = 250;
/** The lengths offered for free slots; empty is each doctor's usual one. */
const LENGTHS = [15, 20, 30, 45, 60, 90];

/** Who the address asks for; a doctor's own calendar when it asks for no one. */
export function whoFrom(params: URLSearchParams, ownDoctorId: number | null): Who | null {
  const doctor = Number(params.get('doctor'));
  if (Number.isInteger(doctor) && doctor > 0) return { doctorId: doctor };
  const specialty = params.get('specialty')?.trim();
  if (specialty) return { specialty };
  return ownDoctorId ? { doctorId: ownDoctorId } : null;
}

function whoQuery(who: Who) {
  return 'doctorId' in who ? { doctor_id: who.doctorId } : { specialty: who.specialty };
}

/** Every booked visit of the view (the list is paged; a view reads all its pages). */
async function bookedVisits(r: Resources, who: Who, from: string, to: string): Promise<DoctorVisit[]> {
  const visits: DoctorVisit[] = [];
  for (let page = 1; page <= MAX_VISIT_PAGES; page += 1) {
    const answer = await r.visits({ ...whoQuery(who), date_from: from, date_to: to, order: 'date_time', status: 'booked', page, size: 25 });
    visits.push(...answer.data);
    if (!answer.next) break;
  }
  return visits;
}

interface Loaded {
  key: string;
  who: Who;
  range: CalendarRange;
  slots: FreeSlots | null;
  /** Why there are no free slots, when the API refused them (a doctor not open for booking). */
  slotsRefused: string | null;
  visits: DoctorVisit[];
  hours: WorkingHours | null;
}

function doctorLabel(doctor: DoctorRef): string {
  return `Dr ${doctor.name} ${doctor.surname}`;
}

function refLabel(member: StaffMember): string {
  return `Dr ${fullName(member.user)}${member.is_available_for_booking ? '' : ' (not open for booking)'}`;
}

/** The doctors by specialty, for the picker: each specialty, then its doctors. */
function bySpecialty(doctors: StaffMember[]): [string, StaffMember[]][] {
  const groups = new Map<string, StaffMember[]>();
  for (const doctor of doctors) {
    const specialty = doctor.specialty?.trim() || 'Other';
    const key = [...groups.keys()].find((known) => known.localeCompare(specialty, 'en', { sensitivity: 'base' }) === 0) ?? specialty;
    groups.set(key, [...(groups.get(key) ?? []), doctor]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en'))
    .map(([specialty, members]) => [specialty, members.sort((a, b) => a.user.profile.surname.localeCompare(b.user.profile.surname, 'sv'))]);
}

function WhoPicker({ who, doctors, onChange }: { who: Who | null; doctors: StaffMember[] | null; onChange: (who: Who) => void }) {
  const value = who ? ('doctorId' in who ? `doctor:${who.doctorId}` : `specialty:${who.specialty}`) : '';
  const groups = useMemo(() => bySpecialty(doctors ?? []), [doctors]);
  // A specialty typed into the address that no listed doctor has, spelt as it was asked for.
  const unlisted = who && 'specialty' in who && !groups.some(([name]) => name === who.specialty);
  return (
    <div className="calendar__control calendar__control--wide">
      <label htmlFor="calendar-who">Doctor or specialty</label>
      <select
        id="calendar-who"
        value={value}
        aria-busy={doctors === null}
        onChange={(event) => {
          const chosen = event.target.value;
          if (chosen.startsWith('doctor:')) onChange({ doctorId: Number(chosen.slice('doctor:'.length)) });
          else if (chosen.startsWith('specialty:')) onChange({ specialty: chosen.slice('specialty:'.length) });
        }}
      >
        <option value="">{doctors === null ? 'Loading the doctors…' : 'Choose…'}</option>
        {who && 'doctorId' in who && doctors && !doctors.some((d) => d.user.id === who.doctorId) ? (
          <option value={value}>Doctor {who.doctorId}</option>
        ) : null}
        {unlisted ? <option value={value}>Every doctor of {who.specialty}</option> : null}
        {groups.length ? (
          <optgroup label="Specialties: every doctor side by side">
            {groups.map(([specialty]) => (
              <option key={specialty} value={`specialty:${specialty}`}>
                Every doctor of {specialty}
              </option>
            ))}
          </optgroup>
        ) : null}
        {groups.map(([specialty, members]) => (
          <optgroup key={specialty} label={specialty}>
            {members.map((member) => (
              <option key={member.user.id} value={`doctor:${member.user.id}`}>
                {refLabel(member)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}

/** One doctor on one date: their booked visits and free slots in time order. */
function Cell({
  cell,
  heading,
  headingLevel,
  today,
  onBook,
}: {
  cell: CalendarCell;
  heading: string;
  headingLevel: 'h2' | 'h3';
  today: string;
  onBook: ((cell: CalendarCell, slot: Slot) => void) | null;
}) {
  const Heading = headingLevel;
  const id = `calendar-${cell.date}-${cell.doctor.id}`;
  return (
    <section className={`calendar__cell${cell.date === today ? ' calendar__cell--today' : ''}`} aria-labelledby={id}>
      <Heading id={id} className="calendar__cell-heading">
        {heading}
        {cell.date === today ? <span className="badge badge--brand calendar__today">Today</span> : null}
      </Heading>
      {cell.items.length === 0 ? <p className="calendar__none">No free times.</p> : null}
      <ul className="calendar__items">
        {cell.items.map((item) =>
          item.kind === 'visit' ? (
            <li key={`v${item.visit.id}`} className="calendar__item calendar__item--booked">
              <span className="calendar__time">{formatTimeRange(item.start, item.end)}</span>{' '}
              <span className="visually-hidden">booked: </span>
              <PatientLink user={item.visit.user} />
            </li>
          ) : (
            <li key={`f${item.start}`} className="calendar__item calendar__item--free">
              {onBook ? (
                <button
                  type="button"
                  className="calendar__slot"
                  // The name begins with what the button shows, and says what the column's headings do.
                  aria-label={`${formatTimeRange(item.start, item.end)} Free: book on ${formatDay(cell.date)} with ${doctorLabel(cell.doctor)}`}
                  onClick={() => onBook(cell, item)}
                >
                  <span className="calendar__time">{formatTimeRange(item.start, item.end)}</span> <span>Free</span>
                </button>
              ) : (
                <span className="calendar__slot calendar__slot--static">
                  <span className="calendar__time">{formatTimeRange(item.start, item.end)}</span> <span>Free</span>
                </span>
              )}
            </li>
          ),
        )}
      </ul>
    </section>
  );
}

export default function CalendarSection() {
  const r = useApi();
  const { me, live } = useSession();
  const [params, change] = useQuery();
  const [doctors, setDoctors] = useState<StaffMember[] | null>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [booking, setBooking] = useState<BookingStart | null>(null);
  const [liveTick, setLiveTick] = useState(0);
  const { reloadKey, reload } = useReload();
  const action = useAction();
  const today = clinicToday();

  const ownId = me?.role === 'doctor' ? me.id : null;
  const who = whoFrom(params, ownId);
  const requestedView = params.get('view');
  const view: CalendarView = requestedView === 'day' || requestedView === 'week' ? requestedView : who && 'specialty' in who ? 'day' : 'week';
  const requestedDate = params.get('date') ?? '';
  const date = isRealDate(requestedDate) ? requestedDate : today;
  const length = Number(params.get('length')) || null;
  const range = calendarRange(view, date);
  const whoKey = who ? JSON.stringify(who) : '';
  const key = `${whoKey}|${range.from}|${range.to}|${length ?? ''}`;

  useEffect(() => {
    let cancelled = false;
    allDoctors(r).then(
      (found) => !cancelled && setDoctors(found),
      () => !cancelled && setDoctors([]),
    );
    return () => {
      cancelled = true;
    };
  }, [r]);

  useEffect(() => {
    if (!who) return;
    let cancelled = false;
    const slots = r
      .freeSlots({ ...whoQuery(who), date_from: range.from, date_to: range.to, duration_minutes: length })
      .then((answer) => ({ slots: answer, refused: null as string | null }))
      .catch((caught) => {
        if (caught instanceof ApiError && caught.status === 400) return { slots: null, refused: caught.detail };
        throw caught;
      });
    const hours = 'doctorId' in who ? r.hours(who.doctorId).catch(() => null) : Promise.resolve(null);
    Promise.all([slots, bookedVisits(r, who, range.from, range.to), hours]).then(
      ([free, visits, workingHours]) => {
        if (cancelled) return;
        setLoaded({ key, who, range, slots: free.slots, slotsRefused: free.refused, visits, hours: workingHours });
        setError(null);
      },
      (caught) => {
        if (!cancelled) setError(caught instanceof ApiError ? caught.detail : 'The calendar could not be loaded.');
      },
    );
    return () => {
      cancelled = true;
    };
    // `who`, `range` and `length` are new objects every render: `key` names all they hold.
  }, [r, key, reloadKey, liveTick]);

  // A visit booked or cancelled anywhere: read the view again (a burst of pushes reads once).
  useEffect(() => {
    if (!live) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = live.on('booking_doctor', () => {
      clearTimeout(timer);
      timer = setTimeout(() => setLiveTick((tick) => tick + 1), LIVE_RELOAD_DELAY_MS);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [live]);

  if (!me) return null;
  const mayBook = canForAnyone(me.role, 'BookDoctorVisit');
  // While another view loads, the one before stays in sight (dimmed), as it was.
  const current = who ? loaded : null;
  const loading = who !== null && !error && (!current || current.key !== key);
  const calendar = current ? buildCalendar({ range: current.range, slots: current.slots, visits: current.visits, who: current.who }) : null;
  const shownWho = current?.who ?? null;

  const openBooking = (cell: CalendarCell, slot: Slot) =>
    setBooking({
      target: { value: String(cell.doctor.id), label: `${doctorLabel(cell.doctor)}${cell.doctor.specialty ? ` — ${cell.doctor.specialty}` : ''}` },
      date_time: dateToClinicLocal(new Date(slot.start)),
      duration_minutes: minutesBetween(slot.start, slot.end),
    });

  const stepLabel = view === 'day' ? 'day' : 'week';
  return (
    <>
      <p className="workspace__intro">
        {mayBook
          ? 'Free times are buttons: choose one to book it for a patient. Times already taken show who is booked.'
          : 'Booked visits and the free times left, on the clinic’s clocks.'}
      </p>
      <OutcomeNotice outcome={action.outcome} />
      <div className="calendar__toolbar" role="group" aria-label="What the calendar shows">
        <WhoPicker who={who} doctors={doctors} onChange={(next) => change('doctorId' in next ? { doctor: String(next.doctorId), specialty: null } : { doctor: null, specialty: next.specialty })} />
        <div className="calendar__control">
          <span className="calendar__label" id="calendar-view-label">
            View
          </span>
          <div className="calendar__buttons" role="group" aria-labelledby="calendar-view-label">
            {(['day', 'week'] as const).map((option) => (
              <button
                key={option}
                type="button"
                className="button button--quiet button--small"
                aria-pressed={view === option}
                onClick={() => change({ view: option })}
              >
                {option === 'day' ? 'Day' : 'Week'}
              </button>
            ))}
          </div>
        </div>
        <div className="calendar__control">
          <span className="calendar__label" id="calendar-move-label">
            Move
          </span>
          <div className="calendar__buttons" role="group" aria-labelledby="calendar-move-label">
            <button type="button" className="button button--quiet button--small" onClick={() => change({ date: stepDate(view, date, -1) })}>
              Previous {stepLabel}
            </button>
            <button type="button" className="button button--quiet button--small" onClick={() => change({ date: null })}>
              Today
            </button>
            <button type="button" className="button button--quiet button--small" onClick={() => change({ date: stepDate(view, date, 1) })}>
              Next {stepLabel}
            </button>
          </div>
        </div>
        <div className="calendar__control">
          <label htmlFor="calendar-date">Go to date</label>
          <input
            id="calendar-date"
            type="date"
            value={date}
            onChange={(event) => isRealDate(event.target.value) && change({ date: event.target.value })}
          />
        </div>
        <div className="calendar__control">
          <label htmlFor="calendar-length">Visit length</label>
          <select id="calendar-length" value={length ? String(length) : ''} onChange={(event) => change({ length: event.target.value || null })}>
            <option value="">Each doctor’s usual</option>
            {LENGTHS.map((minutes) => (
              <option key={minutes} value={String(minutes)}>
                {minutes} minutes
              </option>
            ))}
          </select>
        </div>
      </div>

      <section className="calendar" aria-label="Calendar" aria-busy={loading}>
        {who === null ? <p className="calendar__prompt">Choose a doctor, or a specialty to see its doctors side by side.</p> : null}
        <Caption who={who} view={view} range={range} doctors={doctors} current={current} />
        {error ? (
          <Notice kind="error">
            <p>{error}</p>
            <button type="button" className="button button--quiet" onClick={() => reload()}>
              Try again
            </button>
          </Notice>
        ) : null}
        {current?.slotsRefused ? <Notice kind="info">{current.slotsRefused} No free times are shown.</Notice> : null}
        {current?.hours && current.hours.weekly.length === 0 ? (
          <Notice kind="info">
            This doctor has no weekly hours set, so free times are shown only in their extra hours. A visit can still be booked at
            any time from Doctor visits, and weekly hours are set under Working hours.
          </Notice>
        ) : null}
        {loading && !calendar ? <Spinner label="Loading the calendar" /> : null}
        {calendar && shownWho && current ? (
          <div className={loading ? 'calendar--refreshing' : undefined}>
            {calendar.doctors.length === 0 ? (
              <p className="calendar__prompt">No doctor of this specialty is open for booking, and none has a visit in these days.</p>
            ) : 'doctorId' in shownWho ? (
              <div className="calendar__grid">
                {calendar.cells.map((cell) => (
                  <Cell key={cell.date} cell={cell} heading={formatDay(cell.date)} headingLevel="h2" today={today} onBook={mayBook ? openBooking : null} />
                ))}
              </div>
            ) : (
              current.range.days.map((day) => (
                <section key={day} className="calendar__day" aria-labelledby={`calendar-day-${day}`}>
                  <h2 id={`calendar-day-${day}`}>
                    {formatDayLong(day)}
                    {day === today ? <span className="badge badge--brand calendar__today">Today</span> : null}
                  </h2>
                  <div className="calendar__grid">
                    {calendar.cells
                      .filter((cell) => cell.date === day)
                      .map((cell) => (
                        <Cell
                          key={cell.doctor.id}
                          cell={cell}
                          heading={doctorLabel(cell.doctor)}
                          headingLevel="h3"
                          today={''}
                          onBook={mayBook ? openBooking : null}
                        />
                      ))}
                  </div>
                </section>
              ))
            )}
          </div>
        ) : null}
      </section>

      {booking ? (
        <Dialog title="Book a doctor visit" onClose={() => setBooking(null)} wide>
          <BookVisitForm
            start={booking}
            onCancel={() => setBooking(null)}
            onDone={(visit) => {
              setBooking(null);
              action.succeeded(bookedMessage(visit));
              reload();
            }}
          />
        </Dialog>
      ) : null}
    </>
  );
}

/** What is shown, in words: who, which days, and the doctor's usual visit length. */
function Caption({
  who,
  view,
  range,
  doctors,
  current,
}: {
  who: Who | null;
  view: CalendarView;
  range: { from: string; to: string };
  doctors: StaffMember[] | null;
  current: Loaded | null;
}) {
  if (!who) return null;
  const days = view === 'day' ? formatDayLong(range.from) : `the week of ${formatDay(range.from)} – ${formatDay(range.to)} ${range.to.slice(0, 4)}`;
  let name: string;
  if ('specialty' in who) {
    name = `Every doctor of ${who.specialty}`;
  } else {
    const member = doctors?.find((doctor) => doctor.user.id === who.doctorId);
    const fromSlots = current?.slots?.doctors.find((entry) => entry.doctor.id === who.doctorId)?.doctor;
    name = member ? `Dr ${fullName(member.user)}${member.specialty ? ` (${member.specialty})` : ''}` : fromSlots ? doctorLabel(fromSlots) : 'The doctor';
  }
  const minutes = 'doctorId' in who ? (visitMinutesOf(current?.slots ?? null, who.doctorId) ?? current?.hours?.visit_minutes) : null;
  return (
    <p className="calendar__caption">
      <strong>{name}</strong>, {days}
      {minutes ? ` · usual visit ${minutes} minutes` : ''}
    </p>
  );
}

// Diagnostic bookings. A patient asks for an examination without a time; an operator (or staff)
// books one for a patient with a time, or gives a patient's request its time.

import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { DiagnosticBooking, User } from '../api/types';
import { fullName } from '../api/types';
import { can, canForAnyone } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { FormActions, FormMessage } from '../components/Field';
import { searchDiagnostics } from '../components/pickers';
import { ResourceList } from '../components/ResourceList';
import { dateToClinicLocal, formatDateTime } from '../lib/time';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import { BookingForm } from './BookingForm';
import { clinicTimeForApi, DateTimeField, futureClinicTime } from './DateTimeField';
import { BY_TIME_ORDERS, bookingsByDate, UPCOMING_DEFAULTS, WHEN_FILTER } from './byDate';
import { PATIENT_NAME_FILTERS, SectionHead, useReload } from './listSection';
import { PatientLink } from './PatientLink';
import { useAction } from './useAction';

/** What a staff member is told once an examination is booked. */
export function examinationBookedMessage(booking: DiagnosticBooking): string {
  return `${booking.diagnostic_service.modality} is booked for ${fullName(booking.user)} on ${formatDateTime(booking.date_time)}.`;
}

/** Books an examination with a time, for `patient` when given. */
export function BookExaminationForm({
  onDone,
  onCancel,
  patient,
}: {
  onDone: (booking: DiagnosticBooking) => void;
  onCancel: () => void;
  patient?: User;
}) {
  const r = useApi();
  const diagnostics = useMemo(() => searchDiagnostics(r), [r]);
  return (
    <BookingForm
      idPrefix="book-diagnostic"
      target={{ name: 'diagnostics_id', label: 'Examination', searchLabel: 'Search examinations', search: diagnostics }}
      book={r.bookDiagnostic}
      onDone={onDone}
      onCancel={onCancel}
      patient={patient}
    />
  );
}

function ScheduleForm({ booking, onDone, onCancel }: { booking: DiagnosticBooking; onDone: () => void; onCancel: () => void }) {
  const r = useApi();
  const form = useForm(
    { date_time: booking.date_time ? dateToClinicLocal(new Date(booking.date_time)) : '' },
    () => ({ date_time: futureClinicTime }),
    `schedule-${booking.id}`,
  );

  const { busy, submit } = useSubmit(form, async () => {
    await r.scheduleDiagnostic(booking.id, clinicTimeForApi(form.values.date_time));
    onDone();
  });

  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      <p>
        <strong>{booking.diagnostic_service.modality}</strong> for {fullName(booking.user)}
      </p>
      <FormMessage error={form.formError} other={form.otherErrors} />
      <DateTimeField label="Date and time" field={form.field('date_time')} />
      <FormActions busy={busy} label="Save and e-mail the patient" busyLabel="Saving…" onCancel={onCancel} />
    </form>
  );
}

export default function DiagnosticBookingsSection() {
  const r = useApi();
  const { me } = useSession();
  const load = useMemo(() => bookingsByDate(r.diagnosticBookings), [r]);
  const [booking, setBooking] = useState(false);
  const [scheduling, setScheduling] = useState<DiagnosticBooking | null>(null);
  const { reloadKey, reload } = useReload();
  const action = useAction();
  if (!me) return null;
  const ownOnly = !canForAnyone(me.role, 'ListDiagnosticBookings');
  const mayBookForOthers = canForAnyone(me.role, 'BookDiagnostic');
  const maySchedule = can(me.role, 'ScheduleDiagnosticBooking');
  const mayDelete = can(me.role, 'DeleteDiagnosticBooking');

  const remove = async (item: DiagnosticBooking) => {
    const ok = await action.run(() => r.deleteDiagnosticBooking(item.id), {
      confirm: `Delete the booking “${item.diagnostic_service.modality}” for ${fullName(item.user)}?`,
      success: 'The booking is deleted.',
    });
    if (ok) reload();
  };

  return (
    <>
      <SectionHead
        intro={
          ownOnly ? (
            <>
              Examinations you asked for or that the clinic booked for you. <Link to="/workspace/diagnostics">Ask for another examination</Link>.
            </>
          ) : null
        }
        create={mayBookForOthers && { label: 'Book an examination', onClick: () => setBooking(true) }}
        outcome={action.outcome}
      />
      <ResourceList<DiagnosticBooking>
        label="Diagnostic bookings"
        load={load}
        stream="booking_diagnostic"
        reloadKey={reloadKey}
        defaults={UPCOMING_DEFAULTS}
        filters={[
          WHEN_FILTER,
          { name: 'diagnostic_service', label: 'Examination' },
          ...(ownOnly ? [] : PATIENT_NAME_FILTERS),
        ]}
        orders={BY_TIME_ORDERS}
        emptyText={ownOnly ? 'You have no examinations to come.' : 'There are no diagnostic bookings waiting or to come.'}
        columns={[
          ...(ownOnly ? [] : [{ header: 'Patient', cell: (b: DiagnosticBooking) => <PatientLink user={b.user} /> }]),
          { header: 'Examination', cell: (b) => b.diagnostic_service.modality },
          {
            header: 'Time',
            cell: (b) => (b.date_time ? formatDateTime(b.date_time) : <span className="badge badge--warn">Waiting for a time</span>),
          },
          { header: 'Booked by', cell: (b) => (b.booked_by ? (b.booked_by.id === b.user.id ? 'The patient' : fullName(b.booked_by)) : '—') },
        ]}
        rowActions={
          maySchedule || mayDelete
            ? (b) => (
                <>
                  {maySchedule ? (
                    <button type="button" className="button button--small" onClick={() => setScheduling(b)}>
                      {b.date_time ? 'Change time' : 'Schedule'}
                      <span className="visually-hidden">
                        {' '}
                        {b.diagnostic_service.modality} for {fullName(b.user)}
                      </span>
                    </button>
                  ) : null}
                  {mayDelete ? (
                    <button type="button" className="button button--danger button--small" disabled={action.busy} onClick={() => remove(b)}>
                      Delete<span className="visually-hidden"> booking {b.id}</span>
                    </button>
                  ) : null}
                </>
              )
            : undefined
        }
      />
      {booking ? (
        <Dialog title="Book an examination" onClose={() => setBooking(false)} wide>
          <BookExaminationForm
            onCancel={() => setBooking(false)}
            onDone={(b) => {
              setBooking(false);
              action.succeeded(examinationBookedMessage(b));
              reload();
            }}
          />
        </Dialog>
      ) : null}
      {scheduling ? (
        <Dialog title="Give the examination a time" onClose={() => setScheduling(null)}>
          <ScheduleForm
            booking={scheduling}
            onCancel={() => setScheduling(null)}
            onDone={() => {
              setScheduling(null);
              action.succeeded('The time is saved and the patient has been e-mailed.');
              reload();
            }}
          />
        </Dialog>
      ) : null}
    </>
  );
}

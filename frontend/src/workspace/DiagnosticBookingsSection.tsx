// Diagnostic bookings. A patient asks for an examination without a time; an operator (or staff)
// books one for a patient with a time, or gives a patient's request its time.

import { useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { DiagnosticBooking } from '../api/types';
import { fullName } from '../api/types';
import { can, canForAnyone } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { FormMessage } from '../components/Field';
import { Notice } from '../components/Notice';
import { searchDiagnostics, searchPatients } from '../components/pickers';
import { ResourceList } from '../components/ResourceList';
import { SearchSelect } from '../components/SearchSelect';
import { dateToClinicLocal, formatDateTime } from '../lib/time';
import { useForm } from '../lib/useForm';
import * as v from '../lib/validate';
import { clinicTimeForApi, DateTimeField, futureClinicTime } from './DateTimeField';
import { useAction } from './useAction';

const bookRules = () => ({
  user_id: v.required(() => null),
  diagnostics_id: v.required(() => null),
  date_time: futureClinicTime,
});

function BookForm({ onDone, onCancel }: { onDone: (booking: DiagnosticBooking) => void; onCancel: () => void }) {
  const r = useApi();
  const form = useForm({ user_id: '', diagnostics_id: '', date_time: '' }, bookRules, 'book-diagnostic');
  const [busy, setBusy] = useState(false);
  const patients = useMemo(() => searchPatients(r), [r]);
  const diagnostics = useMemo(() => searchDiagnostics(r), [r]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.validate()) return;
    setBusy(true);
    try {
      onDone(
        await r.bookDiagnostic({
          user_id: Number(form.values.user_id),
          diagnostics_id: Number(form.values.diagnostics_id),
          date_time: clinicTimeForApi(form.values.date_time),
        }),
      );
    } catch (error) {
      form.showError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      <FormMessage error={form.formError} other={form.otherErrors} />
      <SearchSelect label="Patient" searchLabel="Search patients by surname" field={form.field('user_id')} search={patients} required />
      <SearchSelect
        label="Examination"
        searchLabel="Search examinations"
        field={form.field('diagnostics_id')}
        search={diagnostics}
        required
      />
      <DateTimeField label="Date and time" field={form.field('date_time')} />
      <div className="form-actions">
        <button className="button" type="submit" disabled={busy}>
          {busy ? 'Booking…' : 'Book and e-mail the patient'}
        </button>
        <button className="button button--quiet" type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ScheduleForm({ booking, onDone, onCancel }: { booking: DiagnosticBooking; onDone: () => void; onCancel: () => void }) {
  const r = useApi();
  const form = useForm(
    { date_time: booking.date_time ? dateToClinicLocal(new Date(booking.date_time)) : '' },
    () => ({ date_time: futureClinicTime }),
    `schedule-${booking.id}`,
  );
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.validate()) return;
    setBusy(true);
    try {
      await r.scheduleDiagnostic(booking.id, clinicTimeForApi(form.values.date_time));
      onDone();
    } catch (error) {
      form.showError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      <p>
        <strong>{booking.diagnostic_service.modality}</strong> for {fullName(booking.user)}
      </p>
      <FormMessage error={form.formError} other={form.otherErrors} />
      <DateTimeField label="Date and time" field={form.field('date_time')} />
      <div className="form-actions">
        <button className="button" type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save and e-mail the patient'}
        </button>
        <button className="button button--quiet" type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export default function DiagnosticBookingsSection() {
  const r = useApi();
  const { me } = useSession();
  const [booking, setBooking] = useState(false);
  const [scheduling, setScheduling] = useState<DiagnosticBooking | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  if (!me) return null;
  const ownOnly = !canForAnyone(me.role, 'ListDiagnosticBookings');
  const mayBookForOthers = canForAnyone(me.role, 'BookDiagnostic');
  const maySchedule = can(me.role, 'ScheduleDiagnosticBooking');
  const mayDelete = can(me.role, 'DeleteDiagnosticBooking');
  const reload = () => setReloadKey((key) => key + 1);

  const remove = async (item: DiagnosticBooking) => {
    const ok = await action.run(() => r.deleteDiagnosticBooking(item.id), {
      confirm: `Delete the booking “${item.diagnostic_service.modality}” for ${fullName(item.user)}?`,
      success: 'The booking is deleted.',
    });
    if (ok) reload();
  };

  return (
    <>
      {ownOnly ? (
        <p className="workspace__intro">
          Examinations you asked for or that the clinic booked for you. <Link to="/workspace/diagnostics">Ask for another examination</Link>.
        </p>
      ) : null}
      {mayBookForOthers ? (
        <div className="workspace__toolbar">
          <button type="button" className="button" onClick={() => setBooking(true)}>
            Book an examination
          </button>
        </div>
      ) : null}
      {done ? <Notice kind="success">{done}</Notice> : null}
      {action.outcome ? <Notice kind={action.outcome.kind}>{action.outcome.text}</Notice> : null}
      <ResourceList<DiagnosticBooking>
        label="Diagnostic bookings"
        load={r.diagnosticBookings}
        stream="booking_diagnostic"
        reloadKey={reloadKey}
        filters={[
          { name: 'diagnostic_service', label: 'Examination' },
          ...(ownOnly
            ? []
            : [
                { name: 'patient_name', label: 'Patient’s first name' },
                { name: 'patient_surname', label: 'Patient’s surname' },
              ]),
        ]}
        orders={[
          { value: '', label: 'Oldest first' },
          { value: '-id', label: 'Newest first' },
        ]}
        emptyText={ownOnly ? 'You have no examinations booked.' : 'There are no diagnostic bookings.'}
        columns={[
          ...(ownOnly ? [] : [{ header: 'Patient', cell: (b: DiagnosticBooking) => fullName(b.user) }]),
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
          <BookForm
            onCancel={() => setBooking(false)}
            onDone={(b) => {
              setBooking(false);
              setDone(`${b.diagnostic_service.modality} is booked for ${fullName(b.user)} on ${formatDateTime(b.date_time)}.`);
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
              setDone('The time is saved and the patient has been e-mailed.');
              reload();
            }}
          />
        </Dialog>
      ) : null}
    </>
  );
}

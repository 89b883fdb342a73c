// Doctor visits. Operators and staff book them (only doctors open for booking are offered),
// cancel or delete them; a patient cancels their own visit until 24 hours before it. Whoever
// sees a visit may download its summary as a PDF.

import { useMemo, useState } from 'react';
import type { DoctorVisit, User } from '../api/types';
import { fullName } from '../api/types';
import { can, canForAnyone } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { PdfButtons } from '../components/FileButtons';
import { nextFreeSlots, searchBookableDoctors } from '../components/pickers';
import { ResourceList } from '../components/ResourceList';
import { formatDateTime, hoursUntil } from '../lib/time';
import { BookingForm, type BookingStart } from './BookingForm';
import { BY_TIME_ORDERS, byDate, UPCOMING_DEFAULTS, WHEN_FILTER } from './byDate';
import { PATIENT_NAME_FILTERS, SectionHead, useReload } from './listSection';
import { PatientLink } from './PatientLink';
import { pdfName } from './records';
import { useAction } from './useAction';

/** A patient may cancel their own visit only while it is more than this far away. */
export const PATIENT_CANCEL_NOTICE_HOURS = 24;

/** What a staff member is told once a visit is booked. */
export function bookedMessage(visit: DoctorVisit): string {
  return `${fullName(visit.user)} is booked with Dr ${visit.doctor.name} ${visit.doctor.surname} on ${formatDateTime(visit.date_time)}.`;
}

/** Books a visit: for `patient` when given, from `start` (a free slot in the calendar) when given. */
export function BookVisitForm({
  onDone,
  onCancel,
  patient,
  start,
}: {
  onDone: (visit: DoctorVisit) => void;
  onCancel: () => void;
  patient?: User;
  start?: BookingStart;
}) {
  const r = useApi();
  const doctors = useMemo(() => searchBookableDoctors(r), [r]);
  const freeTimes = useMemo(() => nextFreeSlots(r), [r]);
  return (
    <BookingForm
      idPrefix="book-visit"
      target={{
        name: 'doctor_id',
        label: 'Doctor',
        searchLabel: 'Search doctors by surname',
        search: doctors,
        hint: 'Only doctors open for booking are listed.',
      }}
      book={r.bookVisit}
      onDone={onDone}
      onCancel={onCancel}
      patient={patient}
      start={start}
      suggest={freeTimes}
      withDuration
    />
  );
}

/** Why a patient cannot cancel this visit themself, or null when they can. */
export function patientCancelRefusal(visit: DoctorVisit, now: Date = new Date()): string | null {
  if (visit.status === 'cancelled') return null;
  const hours = hoursUntil(visit.date_time, now);
  if (hours <= 0) return 'This visit has already taken place.';
  if (hours <= PATIENT_CANCEL_NOTICE_HOURS) {
    return 'Visits can be cancelled online until 24 hours before. Please call the clinic to cancel.';
  }
  return null;
}

export default function VisitsSection() {
  const r = useApi();
  const { me } = useSession();
  const load = useMemo(() => byDate(r.visits), [r]);
  const [booking, setBooking] = useState(false);
  const { reloadKey, reload } = useReload();
  const action = useAction();
  if (!me) return null;
  const ownOnly = !canForAnyone(me.role, 'ListDoctorVisits');
  const staffCancels = canForAnyone(me.role, 'CancelDoctorVisit');
  const patientCancels = me.role === 'patient' && can(me.role, 'CancelDoctorVisit');
  const mayDelete = can(me.role, 'DeleteDoctorVisit');

  const cancel = async (visit: DoctorVisit) => {
    const ok = await action.run(() => r.cancelVisit(visit.id), {
      confirm: `Cancel the visit with Dr ${visit.doctor.name} ${visit.doctor.surname} on ${formatDateTime(visit.date_time)}?`,
      success: 'The visit is cancelled; a confirmation is on its way by e-mail.',
    });
    if (ok) reload();
  };

  const remove = async (visit: DoctorVisit) => {
    const ok = await action.run(() => r.deleteVisit(visit.id), {
      confirm: `Delete the visit of ${fullName(visit.user)} on ${formatDateTime(visit.date_time)} from the records?`,
      success: 'The visit is deleted.',
    });
    if (ok) reload();
  };

  const cancelButton = (visit: DoctorVisit) => {
    if (visit.status === 'cancelled') return null;
    const refusal = staffCancels ? null : patientCancelRefusal(visit);
    const hintId = `cancel-hint-${visit.id}`;
    return (
      <>
        <button
          type="button"
          className="button button--danger button--small"
          disabled={action.busy || refusal !== null}
          aria-describedby={refusal ? hintId : undefined}
          onClick={() => cancel(visit)}
        >
          Cancel visit<span className="visually-hidden"> on {formatDateTime(visit.date_time)}</span>
        </button>
        {refusal ? (
          <span className="visit-cancel-hint" id={hintId}>
            {refusal}
          </span>
        ) : null}
      </>
    );
  };

  return (
    <>
      <SectionHead
        intro={ownOnly ? 'Your appointments with our doctors. You can cancel a visit here until 24 hours before it; after that, please call us.' : null}
        create={can(me.role, 'BookDoctorVisit') && { label: 'Book a visit', onClick: () => setBooking(true) }}
        outcome={action.outcome}
      />
      <ResourceList<DoctorVisit>
        label="Doctor visits"
        load={load}
        stream="booking_doctor"
        reloadKey={reloadKey}
        defaults={UPCOMING_DEFAULTS}
        filters={[
          WHEN_FILTER,
          { name: 'specialty', label: 'Specialty' },
          { name: 'doctor_name', label: 'Doctor’s first name' },
          { name: 'doctor_surname', label: 'Doctor’s surname' },
          ...(ownOnly ? [] : PATIENT_NAME_FILTERS),
          {
            name: 'status',
            label: 'Status',
            type: 'select',
            options: [
              { value: 'booked', label: 'Booked' },
              { value: 'cancelled', label: 'Cancelled' },
            ],
          },
        ]}
        orders={BY_TIME_ORDERS}
        emptyText={ownOnly ? 'You have no visits to come.' : 'There are no doctor visits from today on.'}
        columns={[
          { header: 'Time', cell: (visit) => formatDateTime(visit.date_time) },
          { header: 'Length', cell: (visit) => (visit.duration_minutes ? `${visit.duration_minutes} min` : '—') },
          ...(ownOnly ? [] : [{ header: 'Patient', cell: (visit: DoctorVisit) => <PatientLink user={visit.user} /> }]),
          {
            header: 'Doctor',
            cell: (visit) => `Dr ${visit.doctor.name} ${visit.doctor.surname}${visit.doctor.specialty ? ` · ${visit.doctor.specialty}` : ''}`,
          },
          {
            header: 'Status',
            cell: (visit) =>
              visit.status === 'booked' ? <span className="badge badge--ok">Booked</span> : <span className="badge badge--danger">Cancelled</span>,
          },
        ]}
        rowActions={(visit) => (
          <>
            <PdfButtons
              load={r.visitPdf(visit.id)}
              fileName={pdfName('visit', visit.id)}
              of={`the visit on ${formatDateTime(visit.date_time)}`}
              print={false}
              small
            />
            {staffCancels || patientCancels ? cancelButton(visit) : null}
            {mayDelete ? (
              <button type="button" className="button button--danger button--small" disabled={action.busy} onClick={() => remove(visit)}>
                Delete<span className="visually-hidden"> visit on {formatDateTime(visit.date_time)}</span>
              </button>
            ) : null}
          </>
        )}
      />
      {booking ? (
        <Dialog title="Book a doctor visit" onClose={() => setBooking(false)} wide>
          <BookVisitForm
            onCancel={() => setBooking(false)}
            onDone={(visit) => {
              setBooking(false);
              action.succeeded(bookedMessage(visit));
              reload();
            }}
          />
        </Dialog>
      ) : null}
    </>
  );
}

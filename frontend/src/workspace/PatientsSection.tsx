// Patients, for the clinic's staff: find one, open their chart, read their details, and write
// for them from here (doctors a journal entry or a sick-leave certificate, pharmacists a
// prescription), book them (operators a visit or an examination) or export their data (staff).

import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { User } from '../api/types';
import { can, canForAnyone } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { ResourceList } from '../components/ResourceList';
import { formatDate } from '../lib/time';
import { BookExaminationForm, examinationBookedMessage } from './DiagnosticBookingsSection';
import { ExportButtons } from './ExportButtons';
import { JournalForm } from './JournalSection';
import { OutcomeNotice } from './listSection';
import { chartPath } from './PatientLink';
import { PERSON_FILTERS, personName, UserFacts } from './people';
import { PrescriptionForm } from './PrescriptionsSection';
import { writtenMessage } from './records';
import { SickLeaveForm } from './SickLeaveSection';
import { useAction } from './useAction';
import { BookVisitForm, bookedMessage } from './VisitsSection';

export type PatientMode = 'journal' | 'sick-leave' | 'prescription' | 'visit' | 'examination';
type Mode = 'view' | PatientMode;

/** What the caller may start for a patient, in the order their buttons show. */
export function patientActionsFor(role: Parameters<typeof can>[0]): { mode: PatientMode; label: string; short: string }[] {
  const actions: { mode: PatientMode; label: string; short: string; may: boolean }[] = [
    { mode: 'visit', label: 'Book a visit', short: 'Book a visit', may: canForAnyone(role, 'BookDoctorVisit') },
    { mode: 'examination', label: 'Book an examination', short: 'Book an examination', may: canForAnyone(role, 'BookDiagnostic') },
    { mode: 'journal', label: 'Write a journal entry', short: 'Journal entry', may: can(role, 'WriteJournalEntry') },
    { mode: 'sick-leave', label: 'Issue a sick-leave certificate', short: 'Sick leave', may: can(role, 'IssueSickLeave') },
    { mode: 'prescription', label: 'Write a prescription', short: 'Prescribe', may: can(role, 'WritePrescription') },
  ];
  return actions.filter((action) => action.may);
}

/**
 * The dialog of one of a patient's actions (a journal entry, a sick-leave certificate, a
 * prescription, a visit, an examination), with the patient chosen; `onDone` gets what to tell
 * the user.
 */
export function PatientActionDialog({
  patient,
  mode,
  onClose,
  onDone,
}: {
  patient: User;
  mode: PatientMode;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const name = `${patient.profile.name} ${patient.profile.surname}`;
  const dialogs: Record<PatientMode, { title: string; body: ReactNode }> = {
    journal: {
      title: `Journal entry for ${name}`,
      body: <JournalForm patient={patient} onCancel={onClose} onDone={() => onDone(writtenMessage('journal entry', patient))} />,
    },
    'sick-leave': {
      title: `Sick-leave certificate for ${name}`,
      body: <SickLeaveForm patient={patient} onCancel={onClose} onDone={() => onDone(writtenMessage('sick-leave certificate', patient))} />,
    },
    prescription: {
      title: `Prescription for ${name}`,
      body: <PrescriptionForm patient={patient} onCancel={onClose} onDone={() => onDone(writtenMessage('prescription', patient))} />,
    },
    visit: {
      title: `Book a doctor visit for ${name}`,
      body: <BookVisitForm patient={patient} onCancel={onClose} onDone={(visit) => onDone(bookedMessage(visit))} />,
    },
    examination: {
      title: `Book an examination for ${name}`,
      body: <BookExaminationForm patient={patient} onCancel={onClose} onDone={(booking) => onDone(examinationBookedMessage(booking))} />,
    },
  };
  return (
    <Dialog title={dialogs[mode].title} onClose={onClose} wide>
      {dialogs[mode].body}
    </Dialog>
  );
}

export default function PatientsSection() {
  const r = useApi();
  const { me } = useSession();
  const [open, setOpen] = useState<{ patient: User; mode: Mode } | null>(null);
  const action = useAction();
  if (!me) return null;
  const actions = patientActionsFor(me.role);
  const mayExport = canForAnyone(me.role, 'ExportPatientData');
  const close = () => setOpen(null);

  return (
    <>
      <OutcomeNotice outcome={action.outcome} />
      <ResourceList<User>
        label="Patients"
        load={r.patients}
        filters={PERSON_FILTERS}
        emptyText="No patients are registered yet."
        columns={[
          { header: 'Name', cell: (user) => <Link to={chartPath(user.id)}>{personName(user)}</Link> },
          { header: 'Born', cell: (user) => `${formatDate(user.profile.date_of_birth)} (${user.profile.age ?? '—'})` },
          { header: 'Gender', cell: (user) => user.profile.gender ?? '—' },
          { header: 'City', cell: (user) => user.profile.city ?? '—' },
          { header: 'Phone', cell: (user) => user.profile.phone_number ?? '—' },
        ]}
        rowActions={(patient) => (
          <>
            <button type="button" className="button button--quiet button--small" onClick={() => setOpen({ patient, mode: 'view' })}>
              Details<span className="visually-hidden"> of {personName(patient)}</span>
            </button>
            {actions.map((item) => (
              <button key={item.mode} type="button" className="button button--small" onClick={() => setOpen({ patient, mode: item.mode })}>
                {item.short}
                <span className="visually-hidden">
                  {' '}
                  for {personName(patient)}
                </span>
              </button>
            ))}
          </>
        )}
      />
      {open?.mode === 'view' ? (
        <Dialog title={`${open.patient.profile.name} ${open.patient.profile.surname}`} onClose={close} wide>
          <UserFacts user={open.patient} />
          <div className="form-actions">
            <Link className="button button--quiet" to={chartPath(open.patient.id)}>
              Open the chart
            </Link>
            {actions.map((item) => (
              <button key={item.mode} type="button" className="button" onClick={() => setOpen({ patient: open.patient, mode: item.mode })}>
                {item.label}
              </button>
            ))}
            {mayExport ? <ExportButtons patient={open.patient} /> : null}
          </div>
        </Dialog>
      ) : null}
      {open && open.mode !== 'view' ? (
        <PatientActionDialog
          patient={open.patient}
          mode={open.mode}
          onClose={close}
          onDone={(message) => {
            action.succeeded(message);
            close();
          }}
        />
      ) : null}
    </>
  );
}

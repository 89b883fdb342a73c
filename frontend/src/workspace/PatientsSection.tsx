// Patients, for the clinic's staff: find one, read their details, and (doctors, pharmacists)
// write a journal entry or a prescription for them from here.

import { useState } from 'react';
import type { User } from '../api/types';
import { can } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { ResourceList } from '../components/ResourceList';
import { formatDate } from '../lib/time';
import { JournalForm } from './JournalSection';
import { OutcomeNotice } from './listSection';
import { PERSON_FILTERS, personName, UserFacts } from './people';
import { PrescriptionForm } from './PrescriptionsSection';
import { writtenMessage } from './records';
import { useAction } from './useAction';

type Mode = 'view' | 'journal' | 'prescription';

export default function PatientsSection() {
  const r = useApi();
  const { me } = useSession();
  const [open, setOpen] = useState<{ patient: User; mode: Mode } | null>(null);
  const action = useAction();
  if (!me) return null;
  const writesJournal = can(me.role, 'WriteJournalEntry');
  const writesPrescription = can(me.role, 'WritePrescription');
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
          { header: 'Name', cell: (user) => personName(user) },
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
            {writesJournal ? (
              <button type="button" className="button button--small" onClick={() => setOpen({ patient, mode: 'journal' })}>
                Journal entry<span className="visually-hidden"> for {personName(patient)}</span>
              </button>
            ) : null}
            {writesPrescription ? (
              <button type="button" className="button button--small" onClick={() => setOpen({ patient, mode: 'prescription' })}>
                Prescribe<span className="visually-hidden"> for {personName(patient)}</span>
              </button>
            ) : null}
          </>
        )}
      />
      {open?.mode === 'view' ? (
        <Dialog title={`${open.patient.profile.name} ${open.patient.profile.surname}`} onClose={close} wide>
          <UserFacts user={open.patient} />
          <div className="form-actions">
            {writesJournal ? (
              <button type="button" className="button" onClick={() => setOpen({ patient: open.patient, mode: 'journal' })}>
                Write a journal entry
              </button>
            ) : null}
            {writesPrescription ? (
              <button type="button" className="button" onClick={() => setOpen({ patient: open.patient, mode: 'prescription' })}>
                Write a prescription
              </button>
            ) : null}
          </div>
        </Dialog>
      ) : null}
      {open?.mode === 'journal' ? (
        <Dialog title={`Journal entry for ${open.patient.profile.name} ${open.patient.profile.surname}`} onClose={close} wide>
          <JournalForm
            patient={open.patient}
            onCancel={close}
            onDone={() => {
              action.succeeded(writtenMessage('journal entry', open.patient));
              close();
            }}
          />
        </Dialog>
      ) : null}
      {open?.mode === 'prescription' ? (
        <Dialog title={`Prescription for ${open.patient.profile.name} ${open.patient.profile.surname}`} onClose={close} wide>
          <PrescriptionForm
            patient={open.patient}
            onCancel={close}
            onDone={() => {
              action.succeeded(writtenMessage('prescription', open.patient));
              close();
            }}
          />
        </Dialog>
      ) : null}
    </>
  );
}

// Patients, for the clinic's staff: find one, read their details, and (doctors, pharmacists)
// write a journal entry or a prescription for them from here.

import { useState } from 'react';
import type { User } from '../api/types';
import { can } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { Notice } from '../components/Notice';
import { ResourceList } from '../components/ResourceList';
import { formatDate } from '../lib/time';
import { JournalForm } from './JournalSection';
import { PERSON_FILTERS, personName, UserFacts } from './people';
import { PrescriptionForm } from './PrescriptionsSection';

type Mode = 'view' | 'journal' | 'prescription';

export default function PatientsSection() {
  const r = useApi();
  const { me } = useSession();
  const [open, setOpen] = useState<{ patient: User; mode: Mode } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (!me) return null;
  const writesJournal = can(me.role, 'WriteJournalEntry');
  const writesPrescription = can(me.role, 'WritePrescription');
  const close = () => setOpen(null);

  return (
    <>
      {done ? <Notice kind="success">{done}</Notice> : null}
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
              setDone(`The journal entry for ${open.patient.profile.name} ${open.patient.profile.surname} is saved; they have been told by e-mail.`);
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
              setDone(`The prescription for ${open.patient.profile.name} ${open.patient.profile.surname} is saved; they have been told by e-mail.`);
              close();
            }}
          />
        </Dialog>
      ) : null}
    </>
  );
}

// Sick-leave certificates: a doctor issues (and signs) them, staff, doctors and operators read
// them all, a patient their own. Never edited: a correction is a new certificate.

import type { SickLeave, User } from '../api/types';
import { useApi } from '../auth/session';
import { FormActions, FormMessage, TextArea, TextField } from '../components/Field';
import { clinicToday } from '../lib/time';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import { PatientChoice, pdfName, RecordsSection } from './records';
import { DIAGNOSIS_MAX, formatPeriod, MAX_DAYS_BACK, NOTES_MAX, sickLeaveRules, signingDoctor } from './sickLeaveModel';

export function SickLeaveForm({
  patient,
  onDone,
  onCancel,
}: {
  patient?: User;
  onDone: (certificate: SickLeave) => void;
  onCancel: () => void;
}) {
  const r = useApi();
  const today = clinicToday();
  const form = useForm(
    { user_id: patient ? String(patient.id) : '', date_from: today, date_to: '', diagnosis: '', notes: '' },
    sickLeaveRules(today),
    'sick-leave',
  );
  const { busy, submit } = useSubmit(form, async () => {
    const { user_id, date_from, date_to, diagnosis, notes } = form.values;
    const certificate = await r.issueSickLeave({
      user_id: Number(user_id),
      date_from,
      date_to,
      diagnosis,
      ...(notes.trim() ? { notes } : {}),
    });
    onDone(certificate);
  });

  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      <FormMessage error={form.formError} other={form.otherErrors} />
      <PatientChoice patient={patient} field={form.field('user_id')} />
      <div className="form-grid">
        <TextField
          label="Sick from"
          type="date"
          field={form.field('date_from')}
          required
          hint={`The first day; at most ${MAX_DAYS_BACK} days ago.`}
        />
        <TextField label="Sick until" type="date" field={form.field('date_to')} required hint="The last day, included." />
      </div>
      <TextField label="Diagnosis" field={form.field('diagnosis')} required hint={`At most ${DIAGNOSIS_MAX} characters.`} />
      <TextArea
        label="Notes"
        field={form.field('notes')}
        rows={4}
        hint={`What the patient may or may not do, for their employer; at most ${NOTES_MAX.toLocaleString('en-GB')} characters.`}
      />
      <FormActions busy={busy} label="Sign and issue" busyLabel="Issuing…" onCancel={onCancel} />
    </form>
  );
}

export default function SickLeaveSection() {
  const r = useApi();
  return (
    <RecordsSection<SickLeave>
      kind={{
        label: 'Sick-leave certificates',
        noun: 'sick-leave certificate',
        load: r.sickLeaves,
        read: r.sickLeave,
        stream: 'sick_leave',
        may: { list: 'ListSickLeaves', write: 'IssueSickLeave' },
        headline: { of: (certificate) => certificate.diagnosis, header: 'Diagnosis', filter: 'diagnosis' },
        writtenLabel: 'Issued',
        columns: [
          { header: 'Period', cell: formatPeriod },
          { header: 'Doctor', cell: signingDoctor },
        ],
        details: (certificate) => (
          <>
            <dt>Period</dt>
            <dd>{formatPeriod(certificate)}</dd>
            <dt>Signed by</dt>
            <dd>{signingDoctor(certificate)}</dd>
          </>
        ),
        ownIntro: 'The sick-leave certificates our doctors have issued to you. Download one as a PDF to give to your employer.',
        emptyText: { own: 'No sick-leave certificates have been issued to you.', all: 'No sick-leave certificates have been issued yet.' },
        writeLabel: 'Issue a sick-leave certificate',
        Form: SickLeaveForm,
        pdf: { load: r.sickLeavePdf, fileName: (certificate) => pdfName('sick-leave', certificate.id) },
        body: (certificate) =>
          certificate.notes ? (
            <>
              <h3>Notes</h3>
              <p className="prose-text">{certificate.notes}</p>
            </>
          ) : null,
      }}
    />
  );
}

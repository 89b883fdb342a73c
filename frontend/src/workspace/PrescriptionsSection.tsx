// Prescriptions: pharmacists and staff write them, staff may delete one, patients read their own.

import type { Prescription, User } from '../api/types';
import { useApi } from '../auth/session';
import { FormActions, FormMessage, TextArea, TextField } from '../components/Field';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import * as v from '../lib/validate';
import { PatientChoice, pdfName, RecordsSection, TEXT_MAX } from './records';

const rules = () => ({
  user_id: v.required(() => null),
  recipe: v.textUpTo(100),
  description: v.textUpTo(TEXT_MAX),
});

export function PrescriptionForm({
  patient,
  onDone,
  onCancel,
}: {
  patient?: User;
  onDone: (prescription: Prescription) => void;
  onCancel: () => void;
}) {
  const r = useApi();
  const form = useForm({ user_id: patient ? String(patient.id) : '', recipe: '', description: '' }, rules, 'prescription');
  const { busy, submit } = useSubmit(form, async () => {
    const prescription = await r.writePrescription({
      user_id: Number(form.values.user_id),
      recipe: form.values.recipe,
      description: form.values.description,
    });
    onDone(prescription);
  });

  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      <FormMessage error={form.formError} other={form.otherErrors} />
      <PatientChoice patient={patient} field={form.field('user_id')} />
      <TextField label="Medicine" field={form.field('recipe')} required hint="Name and strength, at most 100 characters." />
      <TextArea label="Dosage and instructions" field={form.field('description')} required rows={4} />
      <FormActions busy={busy} label="Save the prescription" busyLabel="Saving…" onCancel={onCancel} />
    </form>
  );
}

export default function PrescriptionsSection() {
  const r = useApi();
  return (
    <RecordsSection<Prescription>
      kind={{
        label: 'Prescriptions',
        noun: 'prescription',
        load: r.prescriptions,
        read: r.prescription,
        remove: r.deletePrescription,
        stream: 'patient_recipe',
        may: { list: 'ListPrescriptions', write: 'WritePrescription', remove: 'DeletePrescription' },
        headline: { of: (item) => item.recipe, header: 'Medicine', filter: 'recipe' },
        emptyText: { own: 'You have no prescriptions yet.', all: 'No prescriptions have been written yet.' },
        writeLabel: 'Write a prescription',
        Form: PrescriptionForm,
        pdf: { load: r.prescriptionPdf, fileName: (item) => pdfName('prescription', item.id) },
        body: (item) => (
          <>
            <h3>Dosage and instructions</h3>
            <p className="prose-text">{item.description}</p>
          </>
        ),
      }}
    />
  );
}

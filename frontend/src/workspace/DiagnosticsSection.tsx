// The clinic's examinations (modalities). Staff keep the list; a patient asks for one here and
// the clinic then gives it a time; everyone else reads it.

import { useState } from 'react';
import type { Diagnostic } from '../api/types';
import { can } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { FormActions, FormMessage, TextField } from '../components/Field';
import { ResourceList } from '../components/ResourceList';
import { formatDateTime } from '../lib/time';
import { useForm } from '../lib/useForm';
import { useSubmit } from '../lib/useSubmit';
import * as v from '../lib/validate';
import { OLDEST_OR_NEWEST, SectionHead, useReload } from './listSection';
import { forPatient } from './patientWords';
import { useAction } from './useAction';

const modalityRules = () => ({ modality: v.required((value) => v.textUpTo(100)(value.trim())) });

function ModalityForm({ existing, onDone, onCancel }: { existing?: Diagnostic; onDone: () => void; onCancel: () => void }) {
  const r = useApi();
  const form = useForm({ modality: existing?.modality ?? '' }, modalityRules, 'modality');

  const { busy, submit } = useSubmit(form, async () => {
    const modality = form.values.modality.trim();
    await (existing ? r.updateDiagnostic(existing.id, modality) : r.createDiagnostic(modality));
    onDone();
  });

  return (
    <form className="form-stack" onSubmit={submit} noValidate>
      <FormMessage error={form.formError} other={form.otherErrors} />
      <TextField label="Examination" field={form.field('modality')} required hint="e.g. MRI of the knee; at most 100 characters." />
      <FormActions busy={busy} label={existing ? 'Save' : 'Add the examination'} onCancel={onCancel} />
    </form>
  );
}

export default function DiagnosticsSection() {
  const r = useApi();
  const { me } = useSession();
  const [editing, setEditing] = useState<Diagnostic | 'new' | null>(null);
  const { reloadKey, reload } = useReload();
  const action = useAction();
  if (!me) return null;
  const manage = can(me.role, 'ManageDiagnostics');
  const patientBooks = me.role === 'patient';

  const book = (item: Diagnostic) =>
    action.run(() => r.bookDiagnostic({ diagnostics_id: item.id }), {
      confirm: `Ask for “${item.modality}”? The clinic will give you a time and e-mail it to you.`,
      success: `You asked for “${item.modality}”. The clinic will e-mail you the time; it is listed under My examinations.`,
      refusal: forPatient,
    });

  const remove = async (item: Diagnostic) => {
    const ok = await action.run(() => r.deleteDiagnostic(item.id), {
      confirm: `Delete the examination “${item.modality}”?`,
      success: `“${item.modality}” is deleted.`,
    });
    if (ok) reload();
  };

  return (
    <>
      <SectionHead
        intro={
          patientBooks
            ? 'Choose the examination your doctor asked for. You do not pick a time: the clinic books one and tells you by e-mail.'
            : null
        }
        create={manage && { label: 'Add an examination', onClick: () => setEditing('new') }}
        outcome={action.outcome}
      />
      <ResourceList<Diagnostic>
        label="Examinations"
        load={r.diagnostics}
        stream="diagnostics"
        reloadKey={reloadKey}
        filters={[{ name: 'modality', label: 'Examination' }]}
        orders={OLDEST_OR_NEWEST}
        emptyText="The clinic has not listed any examinations yet."
        columns={[
          { header: 'Examination', cell: (item) => item.modality },
          ...(manage ? [{ header: 'Changed', cell: (item: Diagnostic) => formatDateTime(item.updated_at) }] : []),
        ]}
        rowActions={
          patientBooks || manage
            ? (item) => (
                <>
                  {patientBooks ? (
                    <button type="button" className="button button--small" disabled={action.busy} onClick={() => book(item)}>
                      Book<span className="visually-hidden"> {item.modality}</span>
                    </button>
                  ) : null}
                  {manage ? (
                    <>
                      <button type="button" className="button button--quiet button--small" onClick={() => setEditing(item)}>
                        Edit<span className="visually-hidden"> {item.modality}</span>
                      </button>
                      <button type="button" className="button button--danger button--small" disabled={action.busy} onClick={() => remove(item)}>
                        Delete<span className="visually-hidden"> {item.modality}</span>
                      </button>
                    </>
                  ) : null}
                </>
              )
            : undefined
        }
      />
      {editing ? (
        <Dialog title={editing === 'new' ? 'Add an examination' : 'Edit the examination'} onClose={() => setEditing(null)}>
          <ModalityForm
            existing={editing === 'new' ? undefined : editing}
            onCancel={() => setEditing(null)}
            onDone={() => {
              setEditing(null);
              reload();
            }}
          />
        </Dialog>
      ) : null}
    </>
  );
}

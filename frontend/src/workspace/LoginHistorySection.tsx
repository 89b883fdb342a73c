// Every sign-in attempt, for staff: who, from where, whether it worked.

import { useState } from 'react';
import type { LoginAttempt } from '../api/types';
import { useApi } from '../auth/session';
import { ResourceList } from '../components/ResourceList';
import { formatDateTime } from '../lib/time';
import { OutcomeNotice } from './listSection';
import { useAction } from './useAction';

export default function LoginHistorySection() {
  const r = useApi();
  const [reloadKey, setReloadKey] = useState(0);
  const action = useAction();

  const remove = async (attempt: LoginAttempt) => {
    const ok = await action.run(() => r.deleteLoginAttempt(attempt.id), {
      confirm: `Delete the record of ${attempt.email}'s sign-in at ${formatDateTime(attempt.timestamp)}?`,
      success: 'The record is deleted.',
    });
    if (ok) setReloadKey((key) => key + 1);
  };

  return (
    <>
      <OutcomeNotice outcome={action.outcome} />
      <ResourceList<LoginAttempt>
        label="Login history"
        load={r.loginHistory}
        reloadKey={reloadKey}
        initialSize={15}
        filters={[
          {
            name: 'success',
            label: 'Result',
            type: 'select',
            options: [
              { value: 'true', label: 'Signed in' },
              { value: 'false', label: 'Refused' },
            ],
          },
        ]}
        orders={[
          { value: '', label: 'Oldest first' },
          { value: '-id', label: 'Newest first' },
          { value: '-created_at', label: 'Latest time first' },
          { value: 'created_at', label: 'Earliest time first' },
          { value: 'success', label: 'Refused first' },
          { value: '-success', label: 'Signed in first' },
        ]}
        emptyText="Nobody has tried to sign in yet."
        columns={[
          { header: 'Time', cell: (a) => formatDateTime(a.timestamp) },
          { header: 'E-mail', cell: (a) => a.email },
          { header: 'IP address', cell: (a) => a.ip_address },
          {
            header: 'Result',
            cell: (a) => (a.success ? <span className="badge badge--ok">Signed in</span> : <span className="badge badge--danger">Refused</span>),
          },
        ]}
        rowActions={(a) => (
          <button type="button" className="button button--danger button--small" disabled={action.busy} onClick={() => remove(a)}>
            Delete<span className="visually-hidden"> record {a.id}</span>
          </button>
        )}
      />
    </>
  );
}

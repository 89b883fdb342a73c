// Staff: every account, with its details, editing, blocking and the admin flag. Buttons that the
// caller may not use on this account (API.md's limits on oneself, admins and superusers) are not
// offered at all.

import { useCallback, useEffect, useState } from 'react';
import type { Resources } from '../api/resources';
import type { User } from '../api/types';
import { userActions } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { Notice } from '../components/Notice';
import { ResourceList } from '../components/ResourceList';
import { Spinner } from '../components/Spinner';
import { AccountBadges, PERSON_FILTERS, personName, ProfileEditForm, UserFacts } from './people';
import { OutcomeNotice, useReload } from './listSection';
import { useAction } from './useAction';

interface AccountButton {
  shown: boolean;
  label: string;
  danger?: boolean;
  call: () => Promise<User | null>;
  success: string;
  confirm?: string;
}

/** What can be done to an account from its dialog, in the order offered; `shown` when the caller may. */
function accountButtons(r: Resources, user: User, allowed: ReturnType<typeof userActions>): AccountButton[] {
  return [
    {
      shown: allowed.block,
      label: 'Block',
      danger: true,
      call: () => r.userAction(user.id, 'block'),
      success: 'The account is blocked; they have been told by e-mail.',
      confirm: `Block ${user.email}? They will be signed out at once.`,
    },
    {
      shown: allowed.resendActivation,
      label: 'Resend activation link',
      call: () => r.resendActivation(user.id),
      success: `A new activation link is on its way to ${user.email}. It works once, for 30 minutes.`,
    },
    {
      shown: allowed.unblock,
      label: 'Unblock',
      call: () => r.userAction(user.id, 'unblock'),
      success: 'The account is active again.',
    },
    {
      shown: allowed.grantAdmin,
      label: 'Make administrator',
      call: () => r.userAction(user.id, 'create_admin'),
      success: 'They are now an administrator.',
      confirm: `Make ${user.email} an administrator?`,
    },
    {
      shown: allowed.revokeAdmin,
      label: 'Revoke administrator',
      call: () => r.userAction(user.id, 'revoke_admin'),
      success: 'They are no longer an administrator.',
      confirm: `Remove ${user.email}'s administrator rights?`,
    },
    {
      shown: allowed.delete,
      label: 'Delete account',
      danger: true,
      call: async () => {
        await r.deleteUser(user.id);
        return null;
      },
      success: 'The account is deleted.',
      confirm: `Delete ${user.email}'s account for good?`,
    },
  ];
}

function UserDialog({ userId, onClose, onChanged }: { userId: number; onClose: () => void; onChanged: () => void }) {
  const r = useApi();
  const { me } = useSession();
  const [user, setUser] = useState<User | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const action = useAction();

  useEffect(() => {
    r.user(userId).then(setUser, () => setLoadError('This account could not be loaded.'));
  }, [r, userId]);

  const act = useCallback(
    async (call: () => Promise<User | null>, success: string, confirm?: string) => {
      let updated: User | null = null;
      const ok = await action.run(async () => {
        updated = await call();
      }, { success, confirm });
      if (!ok) return;
      onChanged();
      if (updated) setUser(updated);
      else onClose();
    },
    [action, onChanged, onClose],
  );

  if (!me) return null;
  const allowed = user ? userActions(me, user) : null;

  return (
    <Dialog title={user ? `${user.profile.name} ${user.profile.surname}` : 'Account'} onClose={onClose} wide>
      {loadError ? <Notice kind="error">{loadError}</Notice> : null}
      {!user && !loadError ? <Spinner /> : null}
      <OutcomeNotice outcome={action.outcome} />
      {user && allowed && !editing ? (
        <>
          <UserFacts user={user} />
          <div className="form-actions">
            {allowed.edit ? (
              <button type="button" className="button" onClick={() => setEditing(true)}>
                Edit
              </button>
            ) : null}
            {accountButtons(r, user, allowed).map((button) =>
              button.shown ? (
                <button
                  key={button.label}
                  type="button"
                  className={`button ${button.danger ? 'button--danger' : 'button--quiet'}`}
                  disabled={action.busy}
                  onClick={() => act(button.call, button.success, button.confirm)}
                >
                  {button.label}
                </button>
              ) : null,
            )}
          </div>
        </>
      ) : null}
      {user && editing ? (
        <ProfileEditForm
          user={user}
          onCancel={() => setEditing(false)}
          onSaved={(saved) => {
            setUser(saved);
            setEditing(false);
            onChanged();
          }}
        />
      ) : null}
    </Dialog>
  );
}

export default function UsersSection() {
  const r = useApi();
  const [open, setOpen] = useState<number | null>(null);
  const { reloadKey, reload: changed } = useReload();
  const close = useCallback(() => setOpen(null), []);

  return (
    <>
      <p className="workspace__intro">Every account: patients, staff and administrators. Open one to see or change it.</p>
      <ResourceList<User>
        label="Users"
        load={r.users}
        filters={PERSON_FILTERS}
        reloadKey={reloadKey}
        emptyText="There are no accounts yet."
        columns={[
          { header: 'Name', cell: (user) => personName(user) },
          { header: 'E-mail', cell: (user) => user.email ?? '—' },
          { header: 'Age', cell: (user) => user.profile.age ?? '—' },
          { header: 'City', cell: (user) => user.profile.city ?? '—' },
          { header: 'Account', cell: (user) => <AccountBadges user={user} /> },
        ]}
        rowActions={(user) => (
          <button type="button" className="button button--quiet button--small" onClick={() => setOpen(user.id)}>
            Open<span className="visually-hidden"> {personName(user)}</span>
          </button>
        )}
      />
      {open !== null ? <UserDialog userId={open} onClose={close} onChanged={changed} /> : null}
    </>
  );
}

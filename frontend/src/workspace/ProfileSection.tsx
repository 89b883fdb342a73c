// Everyone's own account: see it, change it, or delete it (the server says why when it may not
// be deleted yet, e.g. while visits are booked). A patient also downloads everything the clinic
// holds about them here.

import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import type { User } from '../api/types';
import { can } from '../auth/permissions';
import { useApi, useSession } from '../auth/session';
import { Notice } from '../components/Notice';
import { Spinner } from '../components/Spinner';
import { ExportButtons } from './ExportButtons';
import { OutcomeNotice } from './listSection';
import { forPatient } from './patientWords';
import { ProfileEditForm, UserFacts } from './people';
import { ROLE_LABELS } from './sections';
import { useAction } from './useAction';

export default function ProfileSection() {
  const r = useApi();
  const { me, reloadMe, logout } = useSession();
  const navigate = useNavigate();
  const [user, setUser] = useState<User | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const action = useAction();

  useEffect(() => {
    if (!me) return;
    r.user(me.id).then(setUser, () => setProblem('Your profile could not be loaded.'));
  }, [r, me]);

  if (!me) return null;

  const deleteAccount = async () => {
    const ok = await action.run(() => r.deleteUser(me.id), {
      confirm: 'Delete your account for good? You will be signed out and cannot undo this.',
      success: 'Your account is deleted.',
      refusal: me.role === 'patient' ? forPatient : undefined,
    });
    if (ok) {
      navigate('/', { replace: true });
      await logout();
    }
  };

  return (
    <div className="panel">
      {problem ? <Notice kind="error">{problem}</Notice> : null}
      {action.outcome?.kind === 'success' ? <OutcomeNotice outcome={action.outcome} /> : null}
      {action.outcome?.kind === 'error' ? (
        <Notice key={action.outcome.key} kind="error">
          <p>
            <strong>Your account was not deleted.</strong>
          </p>
          <p>{action.outcome.text}</p>
        </Notice>
      ) : null}
      {!user && !problem ? <Spinner label="Loading your profile" /> : null}
      {user && !editing ? (
        <>
          <p>
            <span className="badge badge--brand">{ROLE_LABELS[me.role]}</span>
            {me.specialty ? <span className="badge"> {me.specialty}</span> : null}
          </p>
          <UserFacts user={user} />
          <div className="form-actions">
            <button type="button" className="button" onClick={() => setEditing(true)}>
              Edit my profile
            </button>
            <button type="button" className="button button--danger" disabled={action.busy} onClick={deleteAccount}>
              Delete my account
            </button>
          </div>
          {me.role === 'patient' && can(me.role, 'ExportPatientData') ? (
            <section className="panel__part" aria-labelledby="profile-data">
              <h2 id="profile-data">Your data</h2>
              <p>
                A copy of everything the clinic holds about you: your profile, visits, examinations, journal,
                prescriptions, sick-leave certificates, sign-ins and who has read your record. JSON is for moving it
                to another service; the PDF is for reading and printing.
              </p>
              <div className="form-actions">
                <ExportButtons patient={user} own />
              </div>
            </section>
          ) : null}
        </>
      ) : null}
      {user && editing ? (
        <ProfileEditForm
          user={user}
          onCancel={() => setEditing(false)}
          onSaved={(next) => {
            action.succeeded(
              next.pending_email
                ? `Saved. Confirm ${next.pending_email} from the link we just e-mailed to it.`
                : 'Your profile is saved.',
            );
            setUser(next);
            setEditing(false);
            void reloadMe().catch(() => undefined);
          }}
        />
      ) : null}
    </div>
  );
}

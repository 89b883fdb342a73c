// Route guards: a page for signed-in people sends everyone else to the login page (and back
// afterwards); a page for some roles tells the others plainly that it is not theirs.

import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import type { Role } from '../api/types';
import { Spinner } from '../components/Spinner';
import { useSession } from './session';

export interface LoginState {
  from?: string;
  message?: string;
}

export function RequireSignedIn({ children }: { children: ReactNode }) {
  const { status, notice } = useSession();
  const location = useLocation();
  if (status === 'loading') return <Spinner label="Loading your session" />;
  if (status === 'anonymous') {
    const state: LoginState = {
      from: `${location.pathname}${location.search}`,
      message: notice ?? 'Please sign in to continue.',
    };
    return <Navigate to="/login" replace state={state} />;
  }
  return <>{children}</>;
}

export function RequireRole({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const { me } = useSession();
  return (
    <RequireSignedIn>
      {me && roles.includes(me.role) ? (
        children
      ) : (
        <section className="panel" role="alert">
          <h1>Not available for your account</h1>
          <p>This part of QHealth is not part of your role’s work.</p>
          <p>
            <Link to="/workspace">Back to your workspace</Link>
          </p>
        </section>
      )}
    </RequireSignedIn>
  );
}

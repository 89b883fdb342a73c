import { screen } from '@testing-library/react';
import { Route, Routes, useLocation } from 'react-router';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../test/helpers';
import { RequireRole, RequireSignedIn, type LoginState } from './guards';
import { userActions } from './permissions';
import { me } from '../test/helpers';
import type { User } from '../api/types';

function LoginProbe() {
  const state = useLocation().state as LoginState;
  return (
    <p>
      login page; back to {state.from}; {state.message}
    </p>
  );
}

function routes(roles: Parameters<typeof RequireRole>[0]['roles']) {
  return (
    <Routes>
      <Route path="/login" element={<LoginProbe />} />
      <Route
        path="/workspace/users"
        element={
          <RequireRole roles={roles}>
            <p>the users list</p>
          </RequireRole>
        }
      />
      <Route
        path="/workspace/profile"
        element={
          <RequireSignedIn>
            <p>my profile</p>
          </RequireSignedIn>
        }
      />
    </Routes>
  );
}

describe('route guards', () => {
  it('send a visitor to the login page, to come back afterwards', async () => {
    renderApp(routes(['superuser', 'admin']), { path: '/workspace/users?page=2' });
    expect(await screen.findByText(/login page; back to \/workspace\/users\?page=2; Please sign in/)).toBeInTheDocument();
    expect(screen.queryByText('the users list')).not.toBeInTheDocument();
  });

  it('let the roles in that the page is for', async () => {
    renderApp(routes(['superuser', 'admin']), { path: '/workspace/users', role: 'admin' });
    expect(await screen.findByText('the users list')).toBeInTheDocument();
  });

  it('tell other roles plainly that the page is not theirs', async () => {
    renderApp(routes(['superuser', 'admin']), { path: '/workspace/users', role: 'patient' });
    expect(await screen.findByRole('heading', { name: 'Not available for your account' })).toBeInTheDocument();
    expect(screen.queryByText('the users list')).not.toBeInTheDocument();
  });

  it('let any signed-in role reach its own profile', async () => {
    renderApp(routes([]), { path: '/workspace/profile', role: 'pharmacist' });
    expect(await screen.findByText('my profile')).toBeInTheDocument();
  });
});

describe('what the users workspace offers', () => {
  const user = (id: number, flags: Partial<User> = {}): User => ({
    id,
    is_active: true,
    is_staff: false,
    is_superuser: false,
    profile: { id, name: 'A', surname: 'B' },
    ...flags,
  });

  it('an admin leaves superusers and other admins alone, and revokes nobody', () => {
    const admin = me('admin', 1);
    expect(userActions(admin, user(2, { is_superuser: true, is_staff: true }))).toMatchObject({
      edit: false,
      delete: false,
      block: false,
      grantAdmin: false,
      revokeAdmin: false,
    });
    expect(userActions(admin, user(3, { is_staff: true }))).toMatchObject({ edit: true, block: false, revokeAdmin: false, delete: false });
    expect(userActions(admin, user(4))).toMatchObject({ edit: true, block: true, unblock: false, grantAdmin: true, delete: true });
  });

  it('staff may send a new activation link to an account that has never been used', () => {
    const admin = me('admin', 1);
    const neverActivated = user(5, { is_active: false, last_login: null });
    const blocked = user(6, { is_active: false, last_login: '2026-11-20T08:00:00Z' });
    expect(userActions(admin, neverActivated)).toMatchObject({ resendActivation: true, unblock: true });
    expect(userActions(admin, blocked)).toMatchObject({ resendActivation: false, unblock: true });
    expect(userActions(admin, user(7, { last_login: null })).resendActivation).toBe(false);
    expect(userActions(me('doctor', 1), neverActivated).resendActivation).toBe(false);
  });

  it('a superuser revokes admins but never acts on themself', () => {
    const root = me('superuser', 1);
    expect(userActions(root, user(3, { is_staff: true })).revokeAdmin).toBe(true);
    expect(userActions(root, user(4, { is_active: false }))).toMatchObject({ block: false, unblock: true });
    expect(userActions(root, user(1, { is_superuser: true, is_staff: true }))).toMatchObject({
      edit: true,
      block: false,
      grantAdmin: false,
      revokeAdmin: false,
    });
  });
});

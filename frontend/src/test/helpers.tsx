// Test doubles: tokens with a chosen expiry, JSON answers, and the app's providers around a
// component with a scripted server.

import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { ApiClient, memoryTokenStore, type Tokens } from '../api/client';
import type { Me, Role } from '../api/types';
import { SessionProvider } from '../auth/session';

/** An unsigned JWT-shaped token whose `exp` is `expiresInSeconds` from `now`. */
export function token(name: string, expiresInSeconds: number, now = Date.now()): string {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${encode({ alg: 'HS256' })}.${encode({ sub: name, exp: Math.floor(now / 1000) + expiresInSeconds })}.sig`;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function me(role: Role, id = 1): Me {
  return {
    id,
    is_superuser: role === 'superuser',
    is_staff: role === 'superuser' || role === 'admin',
    is_user: true,
    role,
    role_id: null,
    specialty: null,
    name: 'Test',
  };
}

export type Handler = (method: string, path: string, body: unknown) => Response | Promise<Response>;

/** An ApiClient whose server is `handler`; signed in when `signedInAs` is given. */
export function fakeApi(handler: Handler, signedIn: boolean) {
  const tokens: Tokens | null = signedIn ? { access: token('a1', 600), refresh: token('r1', 1200) } : null;
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://app.test');
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    return handler(init?.method ?? 'GET', `${url.pathname.replace(/^\/api/, '')}${url.search}`, body);
  });
  const api = new ApiClient({ store: memoryTokenStore(tokens), fetch: fetchMock as unknown as typeof fetch });
  return { api, fetchMock };
}

/** Renders `ui` at `path` with the session of `role` (or signed out). */
export function renderApp(ui: ReactNode, options: { path?: string; role?: Role; handler?: Handler } = {}) {
  const { path = '/', role, handler } = options;
  const server: Handler = async (method, url, body) => {
    if (url === '/auth/qhealth_role' && role) return json(200, me(role));
    if (handler) return handler(method, url, body);
    return json(404, { detail: 'Not found.' });
  };
  const { api, fetchMock } = fakeApi(server, role !== undefined);
  const view = render(
    <MemoryRouter initialEntries={[path]}>
      <SessionProvider api={api} liveEnabled={false}>
        {ui}
      </SessionProvider>
    </MemoryRouter>,
  );
  return { ...view, api, fetchMock };
}

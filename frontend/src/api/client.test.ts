import { describe, expect, it, vi } from 'vitest';
import { json, token } from '../test/helpers';
import { ACCOUNT_BLOCKED, ApiClient, ApiError, filenameFromDisposition, memoryTokenStore, SESSION_EXPIRED, type Tokens } from './client';

/** A server that knows one valid access token at a time and rotates single-use refresh tokens. */
function rotatingServer(first: Tokens) {
  let validAccess = first.access;
  let validRefresh = first.refresh;
  let generation = 1;
  const refreshes: string[] = [];
  const handle = async (url: string, init: RequestInit = {}) => {
    const path = new URL(url, 'http://app.test').pathname;
    if (path === '/api/auth/refresh') {
      const { refresh } = JSON.parse(String(init.body));
      refreshes.push(refresh);
      if (refresh !== validRefresh) return json(401, { detail: 'Token is invalid or expired.' });
      generation += 1;
      validAccess = token(`a${generation}`, 600);
      validRefresh = token(`r${generation}`, 1200);
      return json(200, { access: validAccess, refresh: validRefresh });
    }
    const auth = new Headers(init.headers).get('Authorization');
    if (auth !== `Bearer ${validAccess}`) return json(401, { detail: 'Token is invalid or expired.' });
    return json(200, { path });
  };
  return {
    refreshes,
    revokeAccess: () => {
      validAccess = 'revoked';
    },
    fetch: vi.fn((url: RequestInfo | URL, init?: RequestInit) => handle(String(url), init)),
  };
}

/** The ApiError `call` fails with (the test fails if it succeeds). */
async function failureOf(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('the API client', () => {
  it('sends the bearer token and reads JSON', async () => {
    const tokens = { access: token('a1', 600), refresh: token('r1', 1200) };
    const server = rotatingServer(tokens);
    const api = new ApiClient({ store: memoryTokenStore(tokens), fetch: server.fetch as unknown as typeof fetch });
    await expect(api.request('GET', '/diagnostics')).resolves.toEqual({ path: '/api/diagnostics' });
    expect(server.refreshes).toEqual([]);
  });

  it('refreshes before the access token expires, not after', async () => {
    const tokens = { access: token('a1', 30), refresh: token('r1', 1200) };
    const server = rotatingServer(tokens);
    const store = memoryTokenStore(tokens);
    const api = new ApiClient({ store, fetch: server.fetch as unknown as typeof fetch });
    await api.request('GET', '/diagnostics');
    expect(server.refreshes).toEqual([tokens.refresh]);
    expect(store.get()?.refresh).not.toBe(tokens.refresh);
  });

  it('answers two concurrent 401s with ONE refresh, then retries both', async () => {
    const tokens = { access: token('a1', 600), refresh: token('r1', 1200) };
    const server = rotatingServer(tokens);
    server.revokeAccess(); // the server no longer takes this access token, though it has not expired
    const api = new ApiClient({ store: memoryTokenStore(tokens), fetch: server.fetch as unknown as typeof fetch });
    const answers = await Promise.all([api.request('GET', '/users'), api.request('GET', '/diagnostics')]);
    expect(answers).toEqual([{ path: '/api/users' }, { path: '/api/diagnostics' }]);
    expect(server.refreshes).toHaveLength(1);
  });

  it('ends the session when the refresh is refused, and says so', async () => {
    const tokens = { access: token('a1', 600), refresh: token('r1', 1200) };
    const server = rotatingServer({ access: 'other', refresh: 'other' });
    const store = memoryTokenStore(tokens);
    const api = new ApiClient({ store, fetch: server.fetch as unknown as typeof fetch });
    const expired = vi.fn();
    api.onSessionExpired(expired);
    const failure = await failureOf(api.request('GET', '/users'));
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure.status).toBe(401);
    expect(failure.detail).toBe(SESSION_EXPIRED);
    expect(expired).toHaveBeenCalledWith(SESSION_EXPIRED);
    expect(store.get()).toBeNull();
  });

  it('tells someone whose account was blocked mid-session that it is blocked, not expired', async () => {
    const tokens = { access: token('a1', 600), refresh: token('r1', 1200) };
    // As the API answers a blocked account: its access token is refused, then its refresh.
    const fetchMock = vi.fn(async (url: RequestInfo | URL) =>
      String(url).endsWith('/auth/refresh')
        ? json(401, { detail: ACCOUNT_BLOCKED })
        : json(401, { detail: 'Your session has ended. Please sign in again.' }),
    );
    const store = memoryTokenStore(tokens);
    const api = new ApiClient({ store, fetch: fetchMock as unknown as typeof fetch });
    const ended = vi.fn();
    api.onSessionExpired(ended);
    const failure = await failureOf(api.request('GET', '/booking_doctor'));
    expect(failure.status).toBe(401);
    expect(failure.detail).toBe(ACCOUNT_BLOCKED);
    expect(ended).toHaveBeenCalledWith(ACCOUNT_BLOCKED);
    expect(ended).not.toHaveBeenCalledWith(SESSION_EXPIRED);
    expect(store.get()).toBeNull();
  });

  it('keeps field errors and Retry-After from the server', async () => {
    const fetchMock = vi.fn(async () =>
      json(400, { detail: 'Invalid data.', errors: { 'profile.date_of_birth': ['You must be at least 18 years old to register.'] } }),
    );
    const api = new ApiClient({ store: memoryTokenStore(), fetch: fetchMock as unknown as typeof fetch });
    const failure = await failureOf(api.request('POST', '/users', { body: {}, auth: false }));
    expect(failure.errors['profile.date_of_birth']).toEqual(['You must be at least 18 years old to register.']);

    const throttled = vi.fn(async () => json(429, { detail: 'Too many failed login attempts.' }, { 'Retry-After': '600' }));
    const api2 = new ApiClient({ store: memoryTokenStore(), fetch: throttled as unknown as typeof fetch });
    const refused = await failureOf(api2.login('a@b.se', 'x'));
    expect(refused.status).toBe(429);
    expect(refused.retryAfterSeconds).toBe(600);
  });

  it('logs out on the server with the refresh token and forgets the tokens', async () => {
    const tokens = { access: token('a1', 600), refresh: token('r1', 1200) };
    const fetchMock = vi.fn(async () => new Response(null, { status: 204 }));
    const store = memoryTokenStore(tokens);
    const api = new ApiClient({ store, fetch: fetchMock as unknown as typeof fetch });
    await api.logout();
    expect(store.get()).toBeNull();
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/auth/logout');
    expect(JSON.parse(String(init.body))).toEqual({ refresh: tokens.refresh });
  });
});

describe('files from the API', () => {
  it('are fetched with the bearer token, as a blob with the name the server gives', async () => {
    const tokens = { access: token('a1', 600), refresh: token('r1', 1200) };
    const fetchMock = vi.fn(
      async () =>
        new Response(new TextEncoder().encode('%PDF-1.7 …'), {
          status: 200,
          headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="sick-leave-3.pdf"' },
        }),
    );
    const api = new ApiClient({ store: memoryTokenStore(tokens), fetch: fetchMock as unknown as typeof fetch });
    const file = await api.download('/sick_leave/3/pdf');
    expect(file.filename).toBe('sick-leave-3.pdf');
    expect(await file.blob.text()).toBe('%PDF-1.7 …');
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/sick_leave/3/pdf');
    expect(new Headers(init.headers).get('Authorization')).toBe(`Bearer ${tokens.access}`);
  });

  it('are refused in the server’s words, like any request', async () => {
    const tokens = { access: token('a1', 600), refresh: token('r1', 1200) };
    const fetchMock = vi.fn(async () => json(403, { detail: "You don't have access." }));
    const api = new ApiClient({ store: memoryTokenStore(tokens), fetch: fetchMock as unknown as typeof fetch });
    const refused = await failureOf(api.download('/export/8'));
    expect(refused.status).toBe(403);
    expect(refused.detail).toBe("You don't have access.");
  });

  it('are named from Content-Disposition: the UTF-8 name first, without any folder', () => {
    expect(filenameFromDisposition(null)).toBeNull();
    expect(filenameFromDisposition('attachment')).toBeNull();
    expect(filenameFromDisposition('attachment; filename="journal-entry-12.pdf"')).toBe('journal-entry-12.pdf');
    expect(filenameFromDisposition('attachment; filename=visit-5.pdf')).toBe('visit-5.pdf');
    expect(filenameFromDisposition(`attachment; filename="oberg.pdf"; filename*=UTF-8''%C3%96berg%20%C3%85sa.pdf`)).toBe('Öberg Åsa.pdf');
    expect(filenameFromDisposition('attachment; filename="a \\"quoted\\" name.pdf"')).toBe('a "quoted" name.pdf');
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(filenameFromDisposition(`attachment; filename*=UTF-8''%E0%A4%A.pdf; filename="fallback.pdf"`)).toBe('fallback.pdf');
  });
});

// The one way the app talks to the API: JSON in and out (files out, such as PDFs), the bearer
// token attached, and the token kept fresh. Refresh tokens rotate and are single-use (a reused one revokes the whole
// family), so refreshes are serialised: however many requests meet an expired access token at
// once, exactly one refresh is sent and the others wait for its outcome.

import { API_BASE } from '../config';

export interface Tokens {
  access: string;
  refresh: string;
}

/** Where the tokens live: this tab's sessionStorage in the app, memory in tests. */
export interface TokenStore {
  get(): Tokens | null;
  set(tokens: Tokens | null): void;
}

/** Field errors by dotted path, as the API names them (`profile.date_of_birth`). */
export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly errors: FieldErrors;
  readonly retryAfterSeconds: number | null;

  constructor(status: number, detail: string, errors: FieldErrors = {}, retryAfterSeconds: number | null = null) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.errors = errors;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get detail(): string {
    return this.message;
  }
}

export const SESSION_EXPIRED = 'Your session has expired. Please sign in again.';
/** The server's refusal of a refresh when staff blocked the account (shared/src/auth/sessions.rs). */
export const ACCOUNT_BLOCKED = 'Your account has been blocked. Please contact the clinic.';
const NETWORK_PROBLEM = 'The clinic’s server cannot be reached. Check your connection and try again.';

/** Refresh this long before the access token expires, so no request carries a stale one. */
const REFRESH_MARGIN_MS = 60_000;

export type Query = Record<string, string | number | boolean | null | undefined>;

/** A file the API answered with, and the name its `Content-Disposition` gives it, if any. */
export interface DownloadedFile {
  blob: Blob;
  filename: string | null;
}

/** What a request asks for, and how a successful answer is read: JSON, or a file. */
interface Reader<T> {
  accept: string;
  read: (response: Response) => Promise<T>;
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const JSON_ANSWER: Reader<unknown> = { accept: 'application/json', read: async (response) => parseJson(await response.text()) };

const FILE_ANSWER: Reader<DownloadedFile> = {
  accept: '*/*',
  read: async (response) => ({
    blob: await response.blob(),
    filename: filenameFromDisposition(response.headers.get('Content-Disposition')),
  }),
};

/**
 * The file name of a `Content-Disposition` header: its RFC 5987 `filename*` (UTF-8, so "Öberg"
 * survives) when given, else its plain `filename`; null when there is none. Any folder part is
 * dropped.
 */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  let name: string | null = null;
  if (extended) {
    try {
      name = decodeURIComponent(extended[2].trim().replace(/^"|"$/g, ''));
    } catch {
      name = null;
    }
  }
  if (name === null) {
    const plain = /filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)/i.exec(header);
    if (plain) name = plain[2] !== undefined ? plain[2].replace(/\\(.)/g, '$1') : plain[1].trim();
  }
  const base = name?.split(/[\\/]/).pop()?.trim();
  return base ? base : null;
}

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** Send the bearer token (default); public endpoints send none. */
  auth?: boolean;
}

export interface ClientOptions {
  store: TokenStore;
  fetch?: typeof fetch;
  now?: () => number;
  baseUrl?: string;
}

/** A JWT's expiry in milliseconds, or 0 when it cannot be read (treated as expired). */
export function tokenExpiry(token: string): number {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const { exp } = JSON.parse(atob(payload.padEnd(payload.length + ((4 - (payload.length % 4)) % 4), '=')));
    return typeof exp === 'number' ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class ApiClient {
  private readonly store: TokenStore;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly baseUrl: string;
  private refreshing: Promise<Tokens> | null = null;
  private readonly expiredListeners = new Set<(message: string) => void>();
  private readonly tokenListeners = new Set<(tokens: Tokens | null) => void>();

  constructor(options: ClientOptions) {
    this.store = options.store;
    this.fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
    this.now = options.now ?? Date.now;
    this.baseUrl = options.baseUrl ?? API_BASE;
  }

  get signedIn(): boolean {
    return this.store.get() !== null;
  }

  /** Called when the session ends by itself (refresh refused), with why: the app goes back to login. */
  onSessionExpired(listener: (message: string) => void): () => void {
    this.expiredListeners.add(listener);
    return () => this.expiredListeners.delete(listener);
  }

  onTokensChanged(listener: (tokens: Tokens | null) => void): () => void {
    this.tokenListeners.add(listener);
    return () => this.tokenListeners.delete(listener);
  }

  private setTokens(tokens: Tokens | null): void {
    this.store.set(tokens);
    for (const listener of this.tokenListeners) listener(tokens);
  }

  async login(email: string, password: string): Promise<void> {
    const tokens = await this.request<Tokens>('POST', '/auth', { body: { email, password }, auth: false });
    this.setTokens(tokens);
  }

  /** Ends the session on the server (revokes the refresh family) and forgets every token. */
  async logout(): Promise<void> {
    const tokens = this.store.get();
    this.setTokens(null);
    if (!tokens) return;
    try {
      await this.request('POST', '/auth/logout', { body: { refresh: tokens.refresh }, auth: false });
    } catch {
      // Signed out here whatever the server says; an unreachable server forgets it by expiry.
    }
  }

  /** Refreshes the access token if it expires within a minute (one refresh at a time). */
  async ensureFresh(): Promise<void> {
    const tokens = this.store.get();
    if (tokens && tokenExpiry(tokens.access) - this.now() < REFRESH_MARGIN_MS) {
      await this.refresh(tokens.access);
    }
  }

  /**
   * Rotates the tokens, unless someone already did since `staleAccess` was read. Concurrent
   * callers share one request. A refused refresh ends the session.
   */
  private refresh(staleAccess: string): Promise<Tokens> {
    const current = this.store.get();
    if (current && current.access !== staleAccess) return Promise.resolve(current);
    if (!this.refreshing) {
      this.refreshing = this.rotate().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async rotate(): Promise<Tokens> {
    const tokens = this.store.get();
    if (!tokens) throw this.expire();
    let tokensNow: Tokens;
    try {
      tokensNow = await this.send<Tokens>('POST', '/auth/refresh', { body: { refresh: tokens.refresh } }, null);
    } catch (error) {
      if (error instanceof ApiError && error.status === 0) throw error; // offline: keep the session
      throw this.expire(error);
    }
    this.setTokens(tokensNow);
    return tokensNow;
  }

  /** Ends the session; `refusal` is the server's answer that ended it, if there was one. */
  private expire(refusal?: unknown): ApiError {
    // A blocked account is told so: signing in again would only fail again, without saying why.
    const blocked = refusal instanceof ApiError && refusal.status === 401 && refusal.detail === ACCOUNT_BLOCKED;
    const message = blocked ? ACCOUNT_BLOCKED : SESSION_EXPIRED;
    this.setTokens(null);
    for (const listener of this.expiredListeners) listener(message);
    return new ApiError(401, message);
  }

  /** A request to the API; the answer's JSON, or an ApiError with the server's words. */
  request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    if (options.auth === false) return this.send<T>(method, path, options, null);
    return this.authorised(method, path, options, JSON_ANSWER as Reader<T>);
  }

  /** A file from the API (a PDF, an export), fetched with the bearer token; refusals as with `request`. */
  download(path: string, query?: Query): Promise<DownloadedFile> {
    return this.authorised('GET', path, { query }, FILE_ANSWER);
  }

  private async authorised<T>(method: string, path: string, options: RequestOptions, answer: Reader<T>): Promise<T> {
    await this.ensureFresh();
    const tokens = this.store.get();
    if (!tokens) throw this.expire();
    try {
      return await this.send<T>(method, path, options, tokens.access, answer);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      // The access token was refused (expired, or revoked): refresh once and try again.
      const fresh = await this.refresh(tokens.access);
      try {
        return await this.send<T>(method, path, options, fresh.access, answer);
      } catch (retryError) {
        if (retryError instanceof ApiError && retryError.status === 401) throw this.expire(retryError);
        throw retryError;
      }
    }
  }

  private async send<T>(
    method: string,
    path: string,
    options: RequestOptions,
    access: string | null,
    answer: Reader<T> = JSON_ANSWER as Reader<T>,
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: answer.accept };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (access) headers.Authorization = `Bearer ${access}`;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}${queryString(options.query)}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch {
      throw new ApiError(0, NETWORK_PROBLEM);
    }
    if (response.ok) return answer.read(response);
    const data = (parseJson(await response.text()) ?? {}) as { detail?: unknown; errors?: unknown; request_id?: unknown };
    let detail = typeof data.detail === 'string' ? data.detail : `The server answered ${response.status}.`;
    if (response.status >= 500 && typeof data.request_id === 'string') {
      detail = `Something went wrong on our side. Please try again (reference ${data.request_id}).`;
    }
    const errors = data.errors && typeof data.errors === 'object' ? (data.errors as FieldErrors) : {};
    const retryAfter = Number(response.headers.get('Retry-After'));
    throw new ApiError(response.status, detail, errors, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  }
}

/** Tokens kept in this tab only: a second tab signs in by itself, so two tabs never race to
 *  rotate the same refresh token (which would revoke the family). */
export function sessionTokenStore(storage: Storage = window.sessionStorage, key = 'qhealth.tokens'): TokenStore {
  return {
    get() {
      try {
        const raw = storage.getItem(key);
        const tokens = raw ? (JSON.parse(raw) as Tokens) : null;
        return tokens && typeof tokens.access === 'string' && typeof tokens.refresh === 'string' ? tokens : null;
      } catch {
        return null;
      }
    },
    set(tokens) {
      if (tokens) storage.setItem(key, JSON.stringify(tokens));
      else storage.removeItem(key);
    },
  };
}

export function memoryTokenStore(initial: Tokens | null = null): TokenStore {
  let tokens = initial;
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next;
    },
  };
}

// Live updates over the WebSocket (API.md "WebSocket"): fetch a fresh single-use socket token,
// connect with it, subscribe to each stream the role may read, and hand every push to the lists
// that show that stream. When the socket closes or cannot open, try again later with a growing
// delay (1 s, 2 s, 4 s ... 30 s, jittered), each time with a new token. Failures stay quiet: the
// lists still load and refresh by themselves; the header only shows whether updates are live.

export type Stream = 'diagnostics' | 'booking_diagnostic' | 'booking_doctor' | 'patient_card' | 'patient_recipe' | 'sick_leave';

export interface Push {
  stream: Stream;
  action: 'create' | 'update' | 'delete';
  data: unknown;
  request_id?: number;
}

export type LiveStatus = 'connecting' | 'live' | 'retrying' | 'stopped';

type SocketLike = Pick<WebSocket, 'send' | 'close'> & {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
};

export interface LiveOptions {
  socketToken: () => Promise<string>;
  url: string;
  streams: readonly Stream[];
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  schedule?: (callback: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
}

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

/** The delay before reconnect attempt `attempt` (0-based): doubling, capped, half of it random. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class LiveUpdates {
  private readonly options: Required<LiveOptions>;
  private readonly listeners = new Map<Stream, Set<(push: Push) => void>>();
  private readonly statusListeners = new Set<(status: LiveStatus) => void>();
  private socket: SocketLike | null = null;
  private retryHandle: unknown = null;
  private attempt = 0;
  private running = false;
  status: LiveStatus = 'stopped';

  constructor(options: LiveOptions) {
    this.options = {
      createSocket: (url) => new WebSocket(url),
      random: Math.random,
      schedule: (callback, ms) => setTimeout(callback, ms),
      cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.retryHandle !== null) this.options.cancel(this.retryHandle);
    this.retryHandle = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
    this.setStatus('stopped');
  }

  /** Calls `listener` with every push on `stream`; returns the way to stop. */
  on(stream: Stream, listener: (push: Push) => void): () => void {
    let set = this.listeners.get(stream);
    if (!set) {
      set = new Set();
      this.listeners.set(stream, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(status: LiveStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }

  private async connect(): Promise<void> {
    this.retryHandle = null;
    this.setStatus(this.attempt === 0 ? 'connecting' : 'retrying');
    let token: string;
    try {
      token = await this.options.socketToken();
    } catch {
      this.retryLater();
      return;
    }
    if (!this.running) return;
    const separator = this.options.url.includes('?') ? '&' : '?';
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(`${this.options.url}${separator}token=${encodeURIComponent(token)}`);
    } catch {
      this.retryLater();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setStatus('live');
      this.options.streams.forEach((stream, index) => {
        socket.send(JSON.stringify({ action: 'subscribe', stream, request_id: index + 1 }));
      });
    };
    socket.onmessage = (event) => this.deliver(event.data);
    socket.onerror = () => {
      // A close event follows; the retry is scheduled there.
    };
    socket.onclose = () => {
      if (this.socket === socket) this.socket = null;
      this.retryLater();
    };
  }

  private retryLater(): void {
    if (!this.running || this.retryHandle !== null) return;
    const delay = backoffDelay(this.attempt, this.options.random);
    this.attempt += 1;
    this.setStatus('retrying');
    this.retryHandle = this.options.schedule(() => void this.connect(), delay);
  }

  private deliver(raw: unknown): void {
    let message: Partial<Push>;
    try {
      message = JSON.parse(String(raw));
    } catch {
      return;
    }
    // Acknowledgements and refusals of a subscription carry no `action` of a change.
    if (!message || typeof message.stream !== 'string' || typeof message.action !== 'string') return;
    for (const listener of this.listeners.get(message.stream as Stream) ?? []) listener(message as Push);
  }
}

import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, LiveUpdates } from './live';

class FakeSocket {
  static all: FakeSocket[] = [];
  sent: string[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {}
}

describe('live updates', () => {
  it('back off from 1 s to at most 30 s', () => {
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    expect(backoffDelay(10, () => 1)).toBe(30000);
  });

  it('subscribe on open, deliver pushes, and reconnect with a fresh token after a close', async () => {
    FakeSocket.all = [];
    let tokens = 0;
    const scheduled: (() => void)[] = [];
    const live = new LiveUpdates({
      socketToken: async () => `t${++tokens}`,
      url: 'ws://app.test/ws',
      streams: ['booking_doctor', 'patient_card'],
      createSocket: (url) => new FakeSocket(url),
      schedule: (callback) => scheduled.push(callback),
      cancel: () => undefined,
    });
    const pushes = vi.fn();
    live.on('booking_doctor', pushes);
    live.start();
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const first = FakeSocket.all[0];
    expect(first.url).toBe('ws://app.test/ws?token=t1');
    first.onopen?.(new Event('open'));
    expect(first.sent.map((s) => JSON.parse(s))).toEqual([
      { action: 'subscribe', stream: 'booking_doctor', request_id: 1 },
      { action: 'subscribe', stream: 'patient_card', request_id: 2 },
    ]);
    expect(live.status).toBe('live');

    first.onmessage?.(new MessageEvent('message', { data: JSON.stringify({ request_id: 1, status: 'subscribed', stream: 'booking_doctor' }) }));
    first.onmessage?.(new MessageEvent('message', { data: JSON.stringify({ stream: 'booking_doctor', action: 'update', data: { id: 3 } }) }));
    expect(pushes).toHaveBeenCalledTimes(1);
    expect(pushes.mock.calls[0][0]).toMatchObject({ action: 'update', data: { id: 3 } });

    first.onclose?.(new CloseEvent('close'));
    expect(live.status).toBe('retrying');
    expect(scheduled).toHaveLength(1);
    scheduled[0]();
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    expect(FakeSocket.all[1].url).toBe('ws://app.test/ws?token=t2');
    live.stop();
    expect(live.status).toBe('stopped');
  });
});

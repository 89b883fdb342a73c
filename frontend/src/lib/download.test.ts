import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OBJECT_URL_LIFETIME_MS, openPdfInNewTab, saveBlob } from './download';

let urls: string[];
let revoked: string[];
let clicks: { href: string; download: string }[];

beforeEach(() => {
  vi.useFakeTimers();
  urls = [];
  revoked = [];
  clicks = [];
  Object.defineProperty(URL, 'createObjectURL', {
    configurable: true,
    value: vi.fn(() => {
      urls.push(`blob:app.test/${urls.length + 1}`);
      return urls[urls.length - 1];
    }),
  });
  Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: vi.fn((url: string) => revoked.push(url)) });
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicks.push({ href: this.getAttribute('href') ?? '', download: this.download });
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const pdf = () => new Blob(['%PDF-1.7'], { type: 'application/pdf' });

describe('saving a file', () => {
  it('hands it to the browser under its name through an object URL, freed a while later', () => {
    saveBlob(pdf(), 'sick-leave-3.pdf');
    expect(clicks).toEqual([{ href: 'blob:app.test/1', download: 'sick-leave-3.pdf' }]);
    expect(document.querySelector('a[download]')).toBeNull();
    expect(revoked).toEqual([]);
    vi.advanceTimersByTime(OBJECT_URL_LIFETIME_MS);
    expect(revoked).toEqual(['blob:app.test/1']);
  });
});

describe('opening a PDF to print', () => {
  it('opens the tab in the click, before the file has arrived, and shows the file there', async () => {
    const tab = { location: { href: '' }, close: vi.fn() };
    const open = vi.spyOn(window, 'open').mockReturnValue(tab as unknown as Window);
    let arrive: (file: { blob: Blob; filename: string | null }) => void = () => undefined;
    const opening = openPdfInNewTab(() => new Promise((resolve) => (arrive = resolve)), 'visit-5.pdf');
    expect(open).toHaveBeenCalledWith('', '_blank');
    arrive({ blob: pdf(), filename: null });
    await opening;
    expect(tab.location.href).toBe('blob:app.test/1');
    expect(clicks).toEqual([]);
  });

  it('closes the tab again when the file does not come', async () => {
    const tab = { location: { href: '' }, close: vi.fn() };
    vi.spyOn(window, 'open').mockReturnValue(tab as unknown as Window);
    await expect(openPdfInNewTab(() => Promise.reject(new Error('offline')), 'visit-5.pdf')).rejects.toThrow('offline');
    expect(tab.close).toHaveBeenCalled();
  });

  it('saves the file instead where no tab may be opened', async () => {
    vi.spyOn(window, 'open').mockReturnValue(null);
    await openPdfInNewTab(async () => ({ blob: pdf(), filename: null }), 'visit-5.pdf');
    expect(clicks).toEqual([{ href: 'blob:app.test/1', download: 'visit-5.pdf' }]);
  });
});

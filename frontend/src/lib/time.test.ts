import { describe, expect, it } from 'vitest';
import { clinicLocalToDate, dateToClinicLocal, formatDateTime } from './time';

const TZ = 'Europe/Stockholm';

describe('clinic time', () => {
  it('reads a local time in the clinic’s zone, winter and summer', () => {
    expect(clinicLocalToDate('2026-12-01T09:00', TZ)?.toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(clinicLocalToDate('2026-07-01T09:00', TZ)?.toISOString()).toBe('2026-07-01T07:00:00.000Z');
  });

  it('refuses a time the clocks skip in spring, and takes the first of a time they pass twice', () => {
    expect(clinicLocalToDate('2026-03-29T02:30', TZ)).toBeNull();
    expect(clinicLocalToDate('2026-10-25T02:30', TZ)?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('refuses what is not a date and time', () => {
    expect(clinicLocalToDate('2026-02-30T09:00', TZ)).toBeNull();
    expect(clinicLocalToDate('tomorrow', TZ)).toBeNull();
  });

  it('writes a moment back as the clinic’s clocks read it', () => {
    expect(dateToClinicLocal(new Date('2026-12-01T08:00:00Z'), TZ)).toBe('2026-12-01T09:00');
    expect(formatDateTime('2026-12-01T08:00:00Z')).toMatch(/1 Dec 2026.*09:00/);
    expect(formatDateTime(null)).toBe('—');
  });
});

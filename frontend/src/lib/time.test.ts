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

describe('clinic dates', () => {
  it('step over months, years and the clocks’ changes as plain dates', async () => {
    const { addDays, isoWeekday, mondayOf, datesBetween } = await import('./dates');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(isoWeekday('2026-12-07')).toBe(1);
    expect(isoWeekday('2026-12-13')).toBe(7);
    expect(mondayOf('2026-12-13')).toBe('2026-12-07');
    expect(mondayOf('2026-12-07')).toBe('2026-12-07');
    expect(datesBetween('2026-10-24', '2026-10-26')).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
  });

  it('read a moment’s date and time on the clinic’s clocks, late in the UTC evening too', async () => {
    const { clinicDateOf, clinicClockOf, formatTimeRange } = await import('./dates');
    expect(clinicDateOf('2026-12-07T23:30:00Z')).toBe('2026-12-08');
    expect(clinicClockOf('2026-07-01T07:00:00Z')).toBe('09:00');
    expect(formatTimeRange('2026-12-08T08:30:00Z', '2026-12-08T09:00:00Z')).toBe('09:30–10:00');
  });

  it('say a time soon by its weekday, and one further on with its date', async () => {
    const { formatSoon, formatDay, weekdayName } = await import('./dates');
    const now = new Date('2026-12-07T07:00:00Z'); // Monday 08:00 in Stockholm
    expect(formatSoon('2026-12-08T08:30:00Z', now)).toBe('Tue 09:30');
    expect(formatSoon('2026-12-15T08:30:00Z', now)).toBe('Tue 15 Dec 09:30');
    expect(formatDay('2026-12-08')).toBe('Tue 8 Dec');
    expect(weekdayName(1)).toBe('Monday');
    expect(weekdayName(7)).toBe('Sunday');
  });
});

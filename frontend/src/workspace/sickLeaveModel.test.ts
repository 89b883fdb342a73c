import { describe, expect, it } from 'vitest';
import { daysApart, formatPeriod, sickLeaveRules, signingDoctor, type SickLeaveField } from './sickLeaveModel';

const TODAY = '2026-12-06';

function errors(values: Partial<Record<SickLeaveField, string>>) {
  const all = { user_id: '7', date_from: TODAY, date_to: '2026-12-10', diagnosis: 'Influenza', notes: '', ...values };
  const rules = sickLeaveRules(TODAY)(all);
  return Object.fromEntries(
    (Object.keys(rules) as SickLeaveField[]).map((name) => [name, rules[name](all[name])]).filter(([, message]) => message !== null),
  );
}

describe('a new sick-leave certificate', () => {
  it('passes with a patient, a period from today and a diagnosis; notes are optional', () => {
    expect(errors({})).toEqual({});
  });

  it('starts at most 30 days back, and ends neither before it starts nor more than 365 days later', () => {
    expect(errors({ date_from: '2026-11-06' })).toEqual({});
    expect(errors({ date_from: '2026-11-05' })).toEqual({ date_from: 'The first day can be at most 30 days ago.' });
    expect(errors({ date_to: '2026-12-05' })).toEqual({ date_to: 'The last day cannot be before the first.' });
    expect(errors({ date_to: '2027-12-06' })).toEqual({});
    expect(errors({ date_to: '2027-12-07' })).toEqual({ date_to: 'The last day can be at most 365 days after the first.' });
    expect(errors({ date_to: '2026-02-30' })).toEqual({ date_to: 'Enter a real date as YYYY-MM-DD.' });
  });

  it('needs a patient and a diagnosis of at most 100 characters, and notes of at most 2000', () => {
    expect(errors({ user_id: '', diagnosis: ' ' })).toEqual({ user_id: 'This field is required.', diagnosis: 'This field is required.' });
    expect(errors({ diagnosis: 'x'.repeat(101) })).toEqual({ diagnosis: 'Use at most 100 characters.' });
    expect(errors({ notes: 'x'.repeat(2001) })).toEqual({ notes: 'Use at most 2000 characters.' });
  });
});

describe('a certificate as the app shows it', () => {
  it('says its period with both days counted, across a change of the clocks', () => {
    expect(daysApart('2026-10-24', '2026-10-26')).toBe(2);
    expect(formatPeriod({ date_from: '2026-12-07', date_to: '2026-12-20' })).toBe('7 Dec 2026 – 20 Dec 2026 (14 days)');
    expect(formatPeriod({ date_from: '2026-12-07', date_to: '2026-12-07' })).toBe('7 Dec 2026 (1 day)');
  });

  it('names the doctor who signed it', () => {
    expect(signingDoctor({ doctor: { id: 5, name: 'Erik', surname: 'Nyström', specialty: 'Cardiology' } })).toBe('Dr Erik Nyström · Cardiology');
    expect(signingDoctor({ doctor: { id: null, name: 'Erik', surname: 'Nyström', specialty: null } })).toBe('Dr Erik Nyström');
  });
});

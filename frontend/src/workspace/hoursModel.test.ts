import { describe, expect, it } from 'vitest';
import { mondayToWeekdays, newRow, rowProblems, rowsOf, visitMinutesProblem, weeklyBody } from './hoursModel';

describe('the weekly hours editor', () => {
  it('finds rows without both times, backwards, or overlapping another of the same day', () => {
    const rows = [newRow(1, '08:00', '12:00'), newRow(1, '11:30', '13:00'), newRow(2, '12:00', '08:00'), newRow(3, '08:00', ''), newRow(4, '08:00', '12:00'), newRow(4, '12:00', '16:00')];
    const problems = rowProblems(rows);
    expect(problems.get(rows[0].key)).toMatch(/Overlaps 11:30–13:00/);
    expect(problems.get(rows[1].key)).toMatch(/Overlaps 08:00–12:00/);
    expect(problems.get(rows[2].key)).toBe('The end must be after the start.');
    expect(problems.get(rows[3].key)).toBe('Enter both times, as HH:MM.');
    expect(problems.has(rows[4].key) || problems.has(rows[5].key)).toBe(false); // touching is fine
  });

  it('sends the intervals by weekday and start, and copies Monday onto the other weekdays', () => {
    const rows = rowsOf([
      { weekday: 1, from: '13:00:00', to: '16:00:00' },
      { weekday: 6, from: '10:00', to: '12:00' },
      { weekday: 1, from: '08:00', to: '12:00' },
      { weekday: 3, from: '07:00', to: '09:00' },
    ]);
    expect(weeklyBody(rows)).toEqual([
      { weekday: 1, from: '08:00', to: '12:00' },
      { weekday: 1, from: '13:00', to: '16:00' },
      { weekday: 3, from: '07:00', to: '09:00' },
      { weekday: 6, from: '10:00', to: '12:00' },
    ]);
    const copied = weeklyBody(mondayToWeekdays(rows));
    expect(copied.filter((interval) => interval.weekday === 3)).toEqual([
      { weekday: 3, from: '08:00', to: '12:00' },
      { weekday: 3, from: '13:00', to: '16:00' },
    ]);
    expect(copied).toHaveLength(11);
  });

  it('takes a visit length of 5 to 240 whole minutes', () => {
    expect(visitMinutesProblem('30')).toBeNull();
    expect(visitMinutesProblem('4')).not.toBeNull();
    expect(visitMinutesProblem('241')).not.toBeNull();
    expect(visitMinutesProblem('15.5')).not.toBeNull();
  });
});

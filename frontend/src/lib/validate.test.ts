import { describe, expect, it } from 'vitest';
import * as v from './validate';

describe('names and places', () => {
  it('accept every alphabet, as the server does', () => {
    for (const ok of ['Åsa', 'Öberg', 'Jean-Luc', "O'Brien", 'St. Göran', 'Ñúñez', 'Łukasz', 'Σοφία', 'Ирина', '李', '  Åsa ']) {
      expect(v.personText(ok), ok).toBeNull();
    }
  });

  it('refuse digits, a leading symbol, blanks and more than 30 letters', () => {
    for (const bad of ['', ' ', '-Anna', 'Anna1', "Robert'); DROP TABLE users;--", 'a'.repeat(31)]) {
      expect(v.personText(bad), bad).toBe('Use 1–30 letters, spaces, hyphens, apostrophes or dots, starting with a letter.');
    }
  });

  it('count a decomposed Å as one letter', () => {
    expect(v.personText('A\u030Asa')).toBeNull();
    expect(v.personText('A\u030A'.repeat(30))).toBeNull();
  });
});

describe('house numbers', () => {
  it('take 1–7 letters, digits, spaces, - and /', () => {
    for (const ok of ['12B', '4-6', '7/1', '1']) expect(v.house(ok), ok).toBeNull();
    for (const bad of ['', '12345678', '12#']) expect(v.house(bad), bad).not.toBeNull();
  });
});

describe('phone numbers', () => {
  it('normalise Swedish mobiles and E.164 numbers as the server stores them', () => {
    expect(v.normalisePhone('0701234567')).toBe('+46701234567');
    expect(v.normalisePhone('070-123 45 67')).toBe('+46701234567');
    expect(v.normalisePhone('0046701234567')).toBe('+46701234567');
    expect(v.normalisePhone('+4930123456')).toBe('+4930123456');
  });

  it('refuse landlines without a country code, too short, too long and letters', () => {
    for (const bad of ['0812345678', '+1234567', '+1234567890123456', '+46abc', '07012345', '']) {
      expect(v.phoneNumber(bad), bad).toMatch(/^Enter a Swedish mobile number/);
    }
  });
});

describe('date of birth', () => {
  const rule = v.dateOfBirth('2026-11-26');

  it('needs a real date', () => {
    expect(rule('1985-02-30')).toBe('Enter a real date as YYYY-MM-DD.');
    expect(rule('22/09/1985')).toBe('Enter a real date as YYYY-MM-DD.');
  });

  it('needs 18 years on the day, and not the future', () => {
    expect(rule('2008-11-26')).toBeNull();
    expect(rule('2008-11-27')).toBe('You must be at least 18 years old to register.');
    expect(rule('2027-01-01')).toBe('The date of birth cannot be in the future.');
    expect(rule('1890-01-01')).toBe('Enter a real date of birth.');
  });

  it('counts a 29 February birthday on the 28th in common years', () => {
    expect(v.ageOn('2004-02-29', '2022-02-28')).toBe(18);
    expect(v.ageOn('2004-02-29', '2022-02-27')).toBe(17);
  });
});

describe('height and weight', () => {
  it('are whole numbers in range', () => {
    expect(v.height('170')).toBeNull();
    expect(v.height('0')).not.toBeNull();
    expect(v.height('301')).not.toBeNull();
    expect(v.height('170.5')).not.toBeNull();
    expect(v.weight('700')).toBeNull();
    expect(v.weight('701')).toBe('Enter a whole number of kilograms from 1 to 700.');
  });
});

describe('e-mail', () => {
  it('accepts ordinary addresses and refuses the rest', () => {
    for (const ok of ['eva@example.com', 'Eva.Lind+clinic@mail.example.se']) expect(v.email(ok), ok).toBeNull();
    for (const bad of ['eva', 'eva@', '@example.com', 'eva@example', 'eva lind@example.com', 'eva@@example.com']) {
      expect(v.email(bad), bad).toBe('Enter a valid e-mail address.');
    }
  });
});

describe('password', () => {
  it('names everything that is missing, in the server’s words', () => {
    expect(v.password('Short#1')).toBe('The password must be 8–128 characters long.');
    expect(v.password('alllowercase')).toBe(
      'The password needs an upper-case letter, a digit, a character that is not a letter or a digit.',
    );
    expect(v.password('Patient-Pass-2#')).toBeNull();
    expect(v.password('Ååååå-1ö')).toBeNull();
  });
});

describe('required and optional', () => {
  it('wrap a rule', () => {
    expect(v.required(v.house)('')).toBe(v.REQUIRED);
    expect(v.optional(v.house)('')).toBeNull();
    expect(v.optional(v.house)('#')).not.toBeNull();
    expect(v.textUpTo(3)('  ')).toBe(v.REQUIRED);
    expect(v.textUpTo(3)('abcd')).toBe('Use at most 3 characters.');
  });
});

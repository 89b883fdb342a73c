// The backend's validation rules (shared/src/validate.rs, API.md "Profile validation"), checked
// as people type. Each rule answers null when the value is fine, or the server's own message.
// The server stays the judge: its answers are shown next to the same fields.

export type Rule = (value: string) => string | null;

/** The one message for a required field left empty (or only spaces), whichever form it is in. */
export const REQUIRED = 'This field is required.';

const LETTER = /\p{Alphabetic}/u;
const PERSON_TEXT_CHAR = /^[\p{Alphabetic}\p{M} \-'’.]$/u;
const HOUSE_CHAR = /^[\p{Alphabetic}\p{N} \-/]$/u;

function chars(text: string): string[] {
  return Array.from(text);
}

/** Names and places: 1–30 letters of any alphabet, spaces, hyphens, apostrophes, dots. */
export const personText: Rule = (value) => {
  const text = chars(value.trim().normalize('NFC'));
  const ok = text.length >= 1 && text.length <= 30 && LETTER.test(text[0]) && text.every((c) => PERSON_TEXT_CHAR.test(c));
  return ok ? null : 'Use 1–30 letters, spaces, hyphens, apostrophes or dots, starting with a letter.';
};

/** House numbers: "12B", "4-6", "7/1". */
export const house: Rule = (value) => {
  const text = chars(value.trim().normalize('NFC'));
  const ok = text.length >= 1 && text.length <= 7 && text.every((c) => HOUSE_CHAR.test(c));
  return ok ? null : "Use 1–7 letters, digits, spaces, '-' or '/'.";
};

/** A Swedish mobile number or any E.164 number, as the server normalises it; null if invalid. */
export function normalisePhone(value: string): string | null {
  const compact = value.replace(/[ \-()]/g, '');
  let digits: string | null = null;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else if (compact.length === 10 && compact.startsWith('07')) digits = `46${compact.slice(1)}`;
  if (digits === null || !/^[1-9]\d{7,14}$/.test(digits)) return null;
  return `+${digits}`;
}

export const phoneNumber: Rule = (value) =>
  normalisePhone(value)
    ? null
    : 'Enter a Swedish mobile number (07XXXXXXXX) or an international number starting with + and 8–15 digits.';

/** Whole years between two YYYY-MM-DD dates; a 29 February birthday is the 28th in other years. */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const birthdayDay = bm === 2 && bd === 29 && !isLeap(ty) ? 28 : bd;
  const hadBirthday = tm > bm || (tm === bm && td >= birthdayDay);
  return ty - by - (hadBirthday ? 0 : 1);
}

/** A real calendar date written YYYY-MM-DD. */
export function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!match) return false;
  const [y, m, d] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** A date of birth: a real date, not in the future, 18 years ago or more. */
export function dateOfBirth(today: string): Rule {
  return (value) => {
    const date = value.trim();
    if (!isRealDate(date)) return 'Enter a real date as YYYY-MM-DD.';
    if (date > today) return 'The date of birth cannot be in the future.';
    const age = ageOn(date, today);
    if (age > 130) return 'Enter a real date of birth.';
    if (age < 18) return 'You must be at least 18 years old to register.';
    return null;
  };
}

function wholeNumberIn(min: number, max: number, message: string): Rule {
  return (value) => {
    const text = value.trim();
    return /^\d+$/.test(text) && Number(text) >= min && Number(text) <= max ? null : message;
  };
}

export const height = wholeNumberIn(1, 300, 'Enter a whole number of centimetres from 1 to 300.');
export const weight = wholeNumberIn(1, 700, 'Enter a whole number of kilograms from 1 to 700.');

export const gender: Rule = (value) => (value === 'Male' || value === 'Female' ? null : 'Choose Male or Female.');

/** An e-mail address; the server's library has the last word on the finer points. */
export const email: Rule = (value) => {
  const text = value.trim().toLowerCase();
  const at = text.lastIndexOf('@');
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  const ok =
    text.length <= 254 &&
    at > 0 &&
    local.length <= 64 &&
    !/[\s@"(),:;<>[\\\]]/.test(local) &&
    !local.startsWith('.') &&
    !local.endsWith('.') &&
    !local.includes('..') &&
    domain.includes('.') &&
    domain.split('.').every((label) => /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u.test(label));
  return ok ? null : 'Enter a valid e-mail address.';
};

/** 8–128 characters with an upper-case letter, a lower-case letter, a digit and a symbol. */
export const password: Rule = (value) => {
  const text = chars(value);
  if (text.length < 8 || text.length > 128) return 'The password must be 8–128 characters long.';
  const missing: string[] = [];
  if (!text.some((c) => /\p{Uppercase}/u.test(c))) missing.push('an upper-case letter');
  if (!text.some((c) => /\p{Lowercase}/u.test(c))) missing.push('a lower-case letter');
  if (!text.some((c) => /[0-9]/.test(c))) missing.push('a digit');
  if (!text.some((c) => !/[\p{Alphabetic}\p{N}]/u.test(c))) missing.push('a character that is not a letter or a digit');
  return missing.length === 0 ? null : `The password needs ${missing.join(', ')}.`;
};

/** A new password typed twice: a strong one, and the same again. */
export function newPasswordRules(values: { password: string; password_again: string }) {
  return {
    password: required(password),
    password_again: (value: string) => (value === values.password ? null : 'The passwords do not match.'),
  };
}

/** Free text that must not be blank, at most `max` characters (journals, prescriptions). */
export function textUpTo(max: number): Rule {
  return (value) => {
    if (value.trim() === '') return REQUIRED;
    return chars(value).length > max ? `Use at most ${max} characters.` : null;
  };
}

/** `rule`, but an empty value is fine (optional fields). */
export function optional(rule: Rule): Rule {
  return (value) => (value.trim() === '' ? null : rule(value));
}

/** `rule`, but an empty value is "required". */
export function required(rule: Rule): Rule {
  return (value) => (value.trim() === '' ? REQUIRED : rule(value));
}

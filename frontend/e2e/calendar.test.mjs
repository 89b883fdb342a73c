// Scheduling in a real browser, against the real gateway (started by e2e/run.sh): the doctor's
// day opens on today's visits and leads to the patient's chart (which a pharmacist reads without
// the journal); the doctor sets their weekly hours; the operator books a patient from a free
// slot of the calendar, with the keyboard, after which that time shows the patient and no free
// slot, so a clash cannot be clicked (and the API never answers 409); an absence over the visit
// lists it as conflicting; the lists of visits open on what is to come; a patient is booked for
// an examination from their row; a visit booked more than a day ahead is reminded once, a day
// before, with its calendar event (.ics, read by ical.js). Every new page passes axe, on a
// desktop and a phone.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import ICAL from 'ical.js';
import { after, before, test } from 'node:test';
import { assertAccessible } from './a11y.mjs';
import { DESKTOP, launch, PHONE } from './browser.mjs';

const BASE = process.env.BASE_URL;
const SES = process.env.SES_URL;
assert.ok(BASE && SES, 'run through e2e/run.sh (BASE_URL and SES_URL)');
const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });
const CLINIC_TZ = 'Europe/Stockholm';

const tag = `c${Date.now().toString(36)}`;
/** The tag in letters only, for names (which take no digits). */
const letters = tag.replace(/\d/g, (digit) => 'abcdefghij'[Number(digit)]);
const ROOT = { email: `root.${tag}@clinic.example`, password: 'Root-Pass-1!' };
const DOCTOR = { email: `doctor.${tag}@clinic.example`, password: 'Doctor-Pass-3$', name: 'Ingrid', surname: 'Sjöholm', specialty: 'Dermatology' };
// Without weekly hours, so that a visit can be booked at any minute (the reminder's).
const LOCUM = { email: `locum.${tag}@clinic.example`, password: 'Locum-Pass-6/', name: 'Olof', surname: 'Strand', specialty: 'General practice' };
const OPERATOR = { email: `operator.${tag}@clinic.example`, password: 'Operator-Pass-4%', name: 'Nils', surname: 'Dahl' };
const PHARMACIST = { email: `pharmacist.${tag}@clinic.example`, password: 'Pharma-Pass-5&', name: 'Greta', surname: 'Lind' };
const PATIENT = { email: `kalle.ahlgren.${tag}@example.com`, password: 'Patient-Pass-2#', name: 'Kalle', surname: `Ahlgren${letters.slice(-4)}` };
// Booked from the calendar: a patient has at most one booked visit to come with a doctor, and
// the first one has today's.
const VISITOR = { email: `tove.falk.${tag}@example.com`, password: 'Patient-Pass-7#', name: 'Tove', surname: `Falk${letters.slice(-4)}` };
const MODALITY = `Skin biopsy ${tag}`;

let browser;
let rootToken;
const pageErrors = [];
/** Every 409 the API answered to any page: booking from the calendar must never meet one. */
const conflicts = [];

// --- the API, for what the story does not do through the app -----------------------------------

async function api(method, path, { token, body } = {}) {
  const response = await fetch(`${BASE}/api${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function accessToken(person) {
  const { status, body } = await api('POST', '/auth', { body: { email: person.email, password: person.password } });
  assert.equal(status, 200, `${person.email} signs in`);
  return body.access;
}

/** The path of the newest e-mailed link to `address` that starts with `prefix`. */
async function mailedPath(address, prefix) {
  const pattern = new RegExp(`${BASE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(${prefix}[^\\s"<>]+)`);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { emails } = await (await fetch(`${SES}/store`)).json();
    const found = emails
      .filter((email) => (email.destination?.to ?? []).some((to) => to.toLowerCase().includes(address)))
      .map((email) => pattern.exec(email.body?.text ?? '')?.[1])
      .filter(Boolean);
    if (found.length) return found[found.length - 1];
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`no e-mail to ${address} with a ${prefix} link`);
}

async function activate(email) {
  const { status } = await api('PATCH', await mailedPath(email, '/auth/activate/'), { body: {} });
  assert.equal(status, 200, `${email} activates`);
}

const profileOf = (person, born = '1980-04-02') => ({
  name: person.name,
  surname: person.surname,
  phone_number: '0701234567',
  date_of_birth: born,
  gender: 'Female',
});

async function hire(person, role) {
  const { status, body } = await api('POST', '/roles', {
    token: rootToken,
    body: { role, ...(person.specialty ? { specialty: person.specialty } : {}), user: { email: person.email, password: person.password, profile: profileOf(person) } },
  });
  assert.equal(status, 201, `hiring ${person.email}: ${JSON.stringify(body)}`);
  await activate(person.email);
  person.id = body.user.id;
}

// --- clinic dates, as the app shows them --------------------------------------------------------

function clinicParts(moment) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: CLINIC_TZ, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(moment)
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

function addDays(date, days) {
  const moment = new Date(`${date}T12:00:00Z`);
  moment.setUTCDate(moment.getUTCDate() + days);
  return moment.toISOString().slice(0, 10);
}

/** "Wed 16 Dec", as the calendar heads a day. */
function dayHeading(date) {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(`${date}T12:00:00Z`)).replace(',', '');
}

const today = clinicParts(new Date()).date;
const weekday = ((new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
/** The Wednesday of next week: always a week or more away, inside the doctor's hours. */
const NEXT_WEDNESDAY = addDays(today, 7 - weekday + 3);

// --- the browser ---------------------------------------------------------------------------------

async function newPage(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'en-GB' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('dialog', (dialog) => dialog.accept());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('response', (response) => {
    if (response.status() === 409) conflicts.push(`${response.request().method()} ${response.url()}`);
  });
  return page;
}

async function signIn(person) {
  const page = await newPage();
  await page.goto(`${BASE}/login`);
  await page.getByLabel('E-mail').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/workspace\/[a-z-]+$/);
  return page;
}

async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${BASE}/`);
  await page.context().close();
}

async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"], .spinner'));
}

async function openSection(page, name) {
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
  await settled(page);
}

async function chooseIn(scope, selectLabel, searchLabel, search, optionText) {
  await scope.getByLabel(searchLabel).fill(search);
  const select = scope.getByLabel(selectLabel, { exact: true });
  const option = select.locator('option', { hasText: optionText }).first();
  await option.waitFor({ state: 'attached' });
  await select.selectOption((await option.getAttribute('value')) ?? '');
}

/** Nothing on the page is wider than the screen. */
async function assertFitsWidth(page, where) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${where} is ${scroll} px wide on a ${width} px screen`);
}

before(async () => {
  execFileSync(process.env.QHEALTH_LOCAL, ['create-superuser', '--email', ROOT.email, '--password', ROOT.password, '--name', 'Stina', '--surname', 'Ek'], { stdio: 'pipe' });
  rootToken = await accessToken(ROOT);
  await hire(DOCTOR, 'doctor');
  await hire(LOCUM, 'doctor');
  await hire(OPERATOR, 'operator');
  await hire(PHARMACIST, 'pharmacist');

  for (const person of [PATIENT, VISITOR]) {
    const registered = await api('POST', '/users', { body: { email: person.email, password: person.password, profile: profileOf(person, '1975-08-30') } });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    person.id = registered.body.id;
    await activate(person.email);
  }

  // The chart's content: two journal entries (the newer one first in the chart) and a prescription.
  for (const diagnosis of ['Eczema, both hands', 'Eczema, healing']) {
    const written = await api('POST', '/patient_card', {
      token: rootToken,
      body: { user_id: PATIENT.id, diagnosis, description: `${diagnosis}: examined.`, planning: 'Moisturiser twice a day.' },
    });
    assert.equal(written.status, 201, JSON.stringify(written.body));
  }
  const prescribed = await api('POST', '/patient_recipe', {
    token: rootToken,
    body: { user_id: PATIENT.id, recipe: 'Hydrocortisone 1% cream', description: 'Thin layer twice a day for a week.' },
  });
  assert.equal(prescribed.status, 201);
  assert.equal((await api('POST', '/diagnostics', { token: rootToken, body: { modality: MODALITY } })).status, 201);
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

// --- the story ----------------------------------------------------------------------------------

test('the doctor’s workspace opens on today’s visits, each patient a link to their chart', async (t) => {
  // A visit a few minutes from now, booked by the operator over the API: the doctor has no
  // weekly hours yet, so any time is bookable.
  const soon = new Date(Math.ceil((Date.now() + 3 * 60_000) / 60_000) * 60_000);
  if (clinicParts(soon).date !== today) return t.skip('too close to midnight in the clinic for a visit today');
  const booked = await api('POST', '/booking_doctor', {
    token: await accessToken(OPERATOR),
    body: { user_id: PATIENT.id, doctor_id: DOCTOR.id, date_time: soon.toISOString(), duration_minutes: 15 },
  });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));

  const page = await signIn(DOCTOR);
  assert.match(page.url(), /\/workspace\/today$/);
  await page.getByRole('heading', { level: 1, name: 'Today', exact: true }).waitFor();
  await settled(page);
  const row = page.getByRole('row', { name: new RegExp(`${PATIENT.name} ${PATIENT.surname}`) });
  await row.getByRole('cell', { name: `${clinicParts(soon).time}–${clinicParts(new Date(soon.getTime() + 15 * 60_000)).time}`, exact: true }).waitFor();
  await assertAccessible(page, 'the doctor’s day');
  await page.screenshot({ path: `${SHOTS}doctor-today.png`, fullPage: true });

  await row.getByRole('link', { name: `${PATIENT.name} ${PATIENT.surname}` }).click();
  await page.getByRole('heading', { level: 1, name: `${PATIENT.name} ${PATIENT.surname}` }).waitFor();
  await settled(page);
  const journal = page.getByRole('region', { name: 'Journal' });
  assert.deepEqual(await journal.getByRole('heading', { level: 3 }).allTextContents(), ['Eczema, healing', 'Eczema, both hands']);
  await journal.getByText('Moisturiser twice a day.').first().waitFor();
  await page.getByRole('region', { name: 'Prescriptions' }).getByRole('heading', { name: 'Hydrocortisone 1% cream' }).waitFor();
  await page.getByRole('region', { name: 'Doctor visits' }).getByText(`Dr ${DOCTOR.name} ${DOCTOR.surname}`).waitFor();
  await page.getByRole('button', { name: 'Write a journal entry' }).waitFor();
  await assertAccessible(page, 'the patient chart');
  await page.screenshot({ path: `${SHOTS}patient-chart.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await assertFitsWidth(page, 'the chart');
  await assertAccessible(page, 'the patient chart on a phone');
  await signOut(page);
});

test('a pharmacist reaches the chart from the patient list, and reads the prescriptions but no journal', async () => {
  const page = await signIn(PHARMACIST);
  await openSection(page, 'Patients');
  await page.getByLabel('Surname').fill(PATIENT.surname);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('link', { name: `${PATIENT.surname}, ${PATIENT.name}` }).click();
  await page.getByRole('heading', { level: 1, name: `${PATIENT.name} ${PATIENT.surname}` }).waitFor();
  await page.getByRole('region', { name: 'Prescriptions' }).getByRole('heading', { name: 'Hydrocortisone 1% cream' }).waitFor();
  await settled(page);
  assert.equal(await page.getByRole('region', { name: 'Journal' }).count(), 0);
  assert.equal(await page.getByText('Eczema').count(), 0);
  assert.equal(await page.getByRole('region', { name: 'Doctor visits' }).count(), 0);
  await assertAccessible(page, 'the pharmacist’s chart');
  await signOut(page);
});

test('the doctor sets their weekly hours', async () => {
  const page = await signIn(DOCTOR);
  await openSection(page, 'Working hours');
  await page.getByRole('button', { name: 'Add hours on Monday' }).click();
  await page.getByLabel('Monday 1: From').fill('09:00');
  await page.getByLabel('Monday 1: To').fill('12:00');
  await page.getByRole('button', { name: 'Monday’s hours for Tuesday–Friday' }).click();
  assert.equal(await page.getByLabel('Friday 1: To').inputValue(), '12:00');
  await assertAccessible(page, 'the working hours');
  await page.getByRole('button', { name: 'Save the weekly hours' }).click();
  await page.getByText('The weekly hours are saved.').waitFor();
  assert.equal(await page.getByLabel('Wednesday 1: From').inputValue(), '09:00');
  await page.screenshot({ path: `${SHOTS}working-hours.png`, fullPage: true });
  await signOut(page);
});

test('the operator books a patient from a free slot; the time then shows the patient and no free slot', async () => {
  const page = await signIn(OPERATOR);
  assert.match(page.url(), /\/workspace\/calendar$/);
  await page.getByRole('heading', { level: 1, name: 'Calendar', exact: true }).waitFor();
  await page.getByLabel('Doctor or specialty').selectOption({ label: `Dr ${DOCTOR.name} ${DOCTOR.surname}` });
  await page.getByRole('button', { name: 'Next week' }).click();
  await settled(page);
  const wednesday = page.getByRole('region', { name: dayHeading(NEXT_WEDNESDAY), exact: true });
  // 09:00–12:00 in steps of the usual 30 minutes: six free times.
  await wednesday.getByRole('button', { name: /^11:30–12:00 Free/ }).waitFor();
  assert.equal(await wednesday.getByRole('button', { name: /Free/ }).count(), 6);
  await assertAccessible(page, 'the calendar');
  await page.screenshot({ path: `${SHOTS}calendar-week.png`, fullPage: true });

  // With the keyboard: the slot takes focus and Enter opens the booking dialog.
  const slot = wednesday.getByRole('button', { name: `10:00–10:30 Free: book on ${dayHeading(NEXT_WEDNESDAY)} with Dr ${DOCTOR.name} ${DOCTOR.surname}` });
  await slot.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Book a doctor visit' });
  assert.equal(await dialog.getByLabel(/^Date and time/).inputValue(), `${NEXT_WEDNESDAY}T10:00`);
  assert.equal(await dialog.getByLabel('Length (minutes)').inputValue(), '30');
  await chooseIn(dialog, 'Patient (required)', 'Search patients by surname', VISITOR.surname, `${VISITOR.surname}, ${VISITOR.name}`);
  await dialog.getByRole('group', { name: 'Next free times' }).getByRole('button').first().waitFor();
  await assertAccessible(page, 'the booking dialog from the calendar');
  await page.screenshot({ path: `${SHOTS}calendar-booking.png` });
  await dialog.getByRole('button', { name: 'Book and e-mail the patient' }).click();
  await page.getByText(`${VISITOR.name} ${VISITOR.surname} is booked with Dr ${DOCTOR.name} ${DOCTOR.surname}`).waitFor();
  await dialog.waitFor({ state: 'detached' });

  // The taken time shows who is booked, and there is nothing to click there.
  await wednesday.getByRole('listitem').filter({ hasText: '10:00–10:30' }).getByRole('link', { name: `${VISITOR.name} ${VISITOR.surname}` }).waitFor();
  await settled(page);
  assert.equal(await wednesday.getByRole('button', { name: /^10:00–10:30/ }).count(), 0);
  assert.equal(await wednesday.getByRole('button', { name: /Free/ }).count(), 5);
  assert.equal(await page.locator('.form-message').count(), 0);
  assert.deepEqual(conflicts, []);

  // A specialty's doctors side by side, one day.
  await page.getByLabel('Doctor or specialty').selectOption({ label: `Every doctor of ${DOCTOR.specialty}` });
  await page.getByRole('button', { name: 'Day', exact: true }).click();
  await page.getByLabel('Go to date').fill(NEXT_WEDNESDAY);
  await settled(page);
  const day = page.getByRole('region', { name: new RegExp(`^Wednesday`) });
  await day.getByRole('heading', { level: 3, name: `Dr ${DOCTOR.name} ${DOCTOR.surname}` }).waitFor();
  await day.getByRole('link', { name: `${VISITOR.name} ${VISITOR.surname}` }).waitFor();
  await assertAccessible(page, 'the calendar of a specialty');

  await page.setViewportSize(PHONE);
  await settled(page);
  await assertFitsWidth(page, 'the calendar');
  await assertAccessible(page, 'the calendar on a phone');
  await page.screenshot({ path: `${SHOTS}calendar-phone.png`, fullPage: true });
  await signOut(page);
});

test('an absence over a booked visit lists it for the clinic, which still sees it in the calendar', async () => {
  const page = await signIn(DOCTOR);
  await openSection(page, 'Working hours');
  await page.getByLabel('Date (required)').fill(NEXT_WEDNESDAY);
  await page.getByLabel('Note').fill('Course');
  await page.getByRole('button', { name: 'Add the absence' }).click();
  // The API lists every booked visit to come that is outside the hours once the absence is
  // added: this one, and today's when the weekly hours left it out already.
  const listed = page.getByRole('status').filter({ hasText: /booked visits? (is|are) now outside the working hours or inside an absence/ });
  await listed.getByRole('link', { name: `${VISITOR.name} ${VISITOR.surname}` }).waitFor();
  await page.getByRole('cell', { name: 'The whole day' }).waitFor();
  await assertAccessible(page, 'the working hours with a conflict');

  await openSection(page, 'Calendar');
  await page.getByLabel('Go to date').fill(NEXT_WEDNESDAY);
  await settled(page);
  const wednesday = page.getByRole('region', { name: dayHeading(NEXT_WEDNESDAY), exact: true });
  await wednesday.getByRole('link', { name: `${VISITOR.name} ${VISITOR.surname}` }).waitFor();
  assert.equal(await wednesday.getByText('Free', { exact: true }).count(), 0);
  await assertAccessible(page, 'the doctor’s calendar');
  await signOut(page);
});

test('the visit list opens on what is to come, soonest first, and shows the past on request', async () => {
  const page = await signIn(OPERATOR);
  await openSection(page, 'Doctor visits');
  assert.equal(await page.getByLabel('When').inputValue(), 'upcoming');
  const times = await page.locator('td[data-label="Time"]').allTextContents();
  assert.ok(times.length >= 1, 'the visit to come is listed');
  // "Wed, 16 Dec 2026, 10:00 CET" → "16 Dec 2026 10:00", read alike for every row.
  const moments = times.map((text) => Date.parse(text.replace(/^\w+, /, '').replace(/ (CET|CEST)$/, '').replace(/,/g, '')));
  assert.ok(moments.every(Number.isFinite), times.join(' | '));
  assert.deepEqual(moments, [...moments].sort((a, b) => a - b), `soonest first: ${times.join(' | ')}`);
  await page.getByLabel('When').selectOption('past');
  await page.getByRole('button', { name: 'Apply' }).click();
  await settled(page);
  await page.getByText('Nothing matches these filters.').waitFor();
  await assertAccessible(page, 'the visit list');
  await signOut(page);
});

test('an operator books an examination from the patient’s row, with the patient chosen', async () => {
  const page = await signIn(OPERATOR);
  await openSection(page, 'Patients');
  await page.getByLabel('Surname').fill(PATIENT.surname);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('button', { name: `Book an examination for ${PATIENT.surname}, ${PATIENT.name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Book an examination for ${PATIENT.name} ${PATIENT.surname}` });
  await dialog.getByText(`${PATIENT.name} ${PATIENT.surname}`, { exact: true }).waitFor();
  await chooseIn(dialog, 'Examination (required)', 'Search examinations', MODALITY, MODALITY);
  await dialog.getByLabel(/^Date and time/).fill(`${NEXT_WEDNESDAY}T14:00`);
  await assertAccessible(page, 'the examination dialog from a patient’s row');
  await dialog.getByRole('button', { name: 'Book and e-mail the patient' }).click();
  await page.getByText(`${MODALITY} is booked for ${PATIENT.name} ${PATIENT.surname}`).waitFor();
  await signOut(page);
});

/** Runs one pass of a scheduled job in the gateway's database, as EventBridge would on AWS. */
function runJob(job) {
  execFileSync(process.env.QHEALTH_LOCAL, ['run-job', job], {
    stdio: 'pipe',
    env: {
      ...process.env,
      APP_URL: BASE,
      AWS_ENDPOINT_URL_SESV2: SES,
      AWS_REGION: 'eu-north-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
  });
}

const REMINDER = 'Reminder: your appointment tomorrow';

async function emailsTo(address, subject) {
  const { emails } = await (await fetch(`${SES}/store`)).json();
  return emails.filter((email) => email.subject === subject && (email.destination?.to ?? []).some((to) => to.toLowerCase().includes(address)));
}

/** The one VEVENT of an e-mail's .ics attachment, parsed by ical.js. */
function calendarEventOf(email, filename) {
  const attachment = (email.attachments ?? []).find((part) => part.filename === filename);
  assert.ok(attachment, `${email.subject} carries ${filename}: ${JSON.stringify((email.attachments ?? []).map((part) => part.filename))}`);
  assert.match(attachment.contentType, /^text\/calendar/);
  const calendar = new ICAL.Component(ICAL.parse(Buffer.from(attachment.content, 'base64').toString('utf8')));
  const events = calendar.getAllSubcomponents('vevent');
  assert.equal(events.length, 1);
  return events[0];
}

test('a visit booked more than a day ahead is reminded once, a day before, with the visit as a calendar event', async () => {
  // The next whole minute at least 10 s past this time tomorrow: booked more than 24 hours
  // ahead, and less than 24 hours away a few seconds later.
  const start = new Date(Math.ceil((Date.now() + 24 * 3_600_000 + 10_000) / 60_000) * 60_000);
  const booked = await api('POST', '/booking_doctor', {
    token: await accessToken(OPERATOR),
    body: { user_id: PATIENT.id, doctor_id: LOCUM.id, date_time: start.toISOString(), duration_minutes: 20 },
  });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  const waitMs = start.getTime() - 24 * 3_600_000 - Date.now() + 1_000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));

  // Two passes (as when one hour's and the next overlap), then the outbox.
  runJob('reminders');
  runJob('reminders');
  runJob('outbox');
  const deadline = Date.now() + 20_000;
  let reminders = await emailsTo(PATIENT.email, REMINDER);
  while (reminders.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    reminders = await emailsTo(PATIENT.email, REMINDER);
  }
  runJob('reminders');
  runJob('outbox');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  reminders = await emailsTo(PATIENT.email, REMINDER);
  assert.equal(reminders.length, 1, `exactly one reminder: ${reminders.map((email) => email.subject).join(', ')}`);

  const event = calendarEventOf(reminders[0], 'visit.ics');
  assert.equal(event.getFirstPropertyValue('dtstart').toJSDate().toISOString(), start.toISOString());
  assert.equal(event.getFirstPropertyValue('dtend').toJSDate().toISOString(), new Date(start.getTime() + 20 * 60_000).toISOString());
  assert.match(String(event.getFirstPropertyValue('uid')), new RegExp(`^visit-${booked.body.id}@`));
});

test('no page raised a JavaScript error, and no booking met a 409', () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(conflicts, []);
});

// Medical records in a real browser, against the real gateway (started by e2e/run.sh): a doctor
// issues a sick-leave certificate for Åsa Öberg and downloads it as a PDF (a real PDF, fetched
// with the session's token) or opens it to print; the certificate is in her chart; the doctor
// reads her journal entry, and she then finds that read under "Who has read my record"; she
// downloads all her data, as JSON and as PDF, which the trail records too; staff narrow the
// audit trail to the doctor's reads and export her data from her chart. Every new page passes
// axe, on a desktop and a phone.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { assertAccessible } from './a11y.mjs';
import { DESKTOP, launch, PHONE } from './browser.mjs';

const BASE = process.env.BASE_URL;
const SES = process.env.SES_URL;
assert.ok(BASE && SES, 'run through e2e/run.sh (BASE_URL and SES_URL)');
const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });
const CLINIC_TZ = 'Europe/Stockholm';

const tag = `r${Date.now().toString(36)}`;
const ROOT = { email: `root.${tag}@clinic.example`, password: 'Root-Pass-1!' };
const DOCTOR = { email: `doctor.${tag}@clinic.example`, password: 'Doctor-Pass-3$', name: 'Karin', surname: 'Lindqvist', specialty: 'General practice' };
// The story's patient has the same name: she is told apart by her e-mail address.
const PATIENT = { email: `asa.oberg.${tag}@example.com`, password: 'Patient-Pass-2#', name: 'Åsa', surname: 'Öberg' };
const SICK_LEAVE = `Influenza ${tag}`;
const JOURNAL = `Sore throat ${tag}`;

let browser;
let rootToken;
let journalEntryId;
const pageErrors = [];

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

const profileOf = (person, born) => ({ name: person.name, surname: person.surname, phone_number: '0701234567', date_of_birth: born, gender: 'Female' });

// --- clinic dates --------------------------------------------------------------------------------

function clinicToday() {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: CLINIC_TZ, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date())
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function addDays(date, days) {
  const moment = new Date(`${date}T12:00:00Z`);
  moment.setUTCDate(moment.getUTCDate() + days);
  return moment.toISOString().slice(0, 10);
}

// --- the browser ---------------------------------------------------------------------------------

async function newPage(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'en-GB', acceptDownloads: true });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('dialog', (dialog) => dialog.accept());
  page.on('pageerror', (error) => pageErrors.push(error.message));
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

async function filterList(page, label, value) {
  await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Apply' }).click();
  await settled(page);
}

/** Clicks `button` and waits for the file it saves; its suggested name and its bytes. */
async function downloadFrom(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  assert.equal(await download.failure(), null);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

function assertPdf({ name, bytes }, namePattern) {
  assert.match(name, namePattern);
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-', `${name} is a PDF`);
  assert.ok(bytes.length > 1_000, `${name} has ${bytes.length} bytes`);
}

/** Nothing on the page is wider than the screen. */
async function assertFitsWidth(page, where) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${where} is ${scroll} px wide on a ${width} px screen`);
}

before(async () => {
  execFileSync(process.env.QHEALTH_LOCAL, ['create-superuser', '--email', ROOT.email, '--password', ROOT.password, '--name', 'Stina', '--surname', 'Ek'], { stdio: 'pipe' });
  rootToken = await accessToken(ROOT);

  const hired = await api('POST', '/roles', {
    token: rootToken,
    body: { role: 'doctor', specialty: DOCTOR.specialty, user: { email: DOCTOR.email, password: DOCTOR.password, profile: profileOf(DOCTOR, '1976-03-14') } },
  });
  assert.equal(hired.status, 201, JSON.stringify(hired.body));
  DOCTOR.id = hired.body.user.id;
  await activate(DOCTOR.email);

  const registered = await api('POST', '/users', { body: { email: PATIENT.email, password: PATIENT.password, profile: profileOf(PATIENT, '1990-05-17') } });
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
  PATIENT.id = registered.body.id;
  await activate(PATIENT.email);

  const written = await api('POST', '/patient_card', {
    token: await accessToken(DOCTOR),
    body: { user_id: PATIENT.id, diagnosis: JOURNAL, description: 'Red throat, no fever.', planning: 'Rest and fluids; come back in a week if no better.' },
  });
  assert.equal(written.status, 201, JSON.stringify(written.body));
  journalEntryId = written.body.id;
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

// --- the story ----------------------------------------------------------------------------------

test('a doctor issues a sick-leave certificate for Åsa Öberg and downloads it as a PDF', async () => {
  const page = await signIn(DOCTOR);
  await openSection(page, 'Sick leave');
  await page.getByRole('button', { name: 'Issue a sick-leave certificate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Issue a sick-leave certificate' });
  await chooseIn(dialog, 'Patient (required)', 'Search patients by surname', PATIENT.surname, PATIENT.email);
  const today = clinicToday();
  assert.equal(await dialog.getByLabel(/^Sick from/).inputValue(), today);
  // The rules are checked as one types: the last day cannot come before the first.
  await dialog.getByLabel(/^Sick until/).fill(addDays(today, -1));
  await dialog.getByLabel(/^Diagnosis/).focus();
  await dialog.getByText('The last day cannot be before the first.').waitFor();
  await dialog.getByLabel(/^Sick until/).fill(addDays(today, 13));
  await dialog.getByLabel(/^Diagnosis/).fill(SICK_LEAVE);
  await dialog.getByLabel(/^Notes/).fill('Should not work with customers until recovered.');
  await assertAccessible(page, 'the sick-leave dialog');
  await page.screenshot({ path: `${SHOTS}records-issue-sick-leave.png` });
  await dialog.getByRole('button', { name: 'Sign and issue' }).click();
  await page.getByText(`The sick-leave certificate for ${PATIENT.name} ${PATIENT.surname} is saved`).waitFor();
  await dialog.waitFor({ state: 'detached' });

  await filterList(page, 'Diagnosis', SICK_LEAVE);
  const row = page.getByRole('row', { name: new RegExp(SICK_LEAVE) });
  await row.getByRole('cell', { name: `Dr ${DOCTOR.name} ${DOCTOR.surname} · ${DOCTOR.specialty}`, exact: true }).waitFor();
  await row.getByRole('cell', { name: /\(14 days\)$/ }).waitFor();
  await assertAccessible(page, 'the sick-leave list');
  await page.screenshot({ path: `${SHOTS}records-sick-leave.png`, fullPage: true });

  const pdf = await downloadFrom(page, row.getByRole('button', { name: `Download PDF of ${SICK_LEAVE}` }));
  assertPdf(pdf, /^sick-leave-\d+\.pdf$/);

  // Read, it offers the PDF again and to print it, which opens it in a tab of its own.
  await row.getByRole('button', { name: `Read ${SICK_LEAVE}` }).click();
  const reading = page.getByRole('dialog', { name: SICK_LEAVE });
  await reading.getByText('Should not work with customers until recovered.').waitFor();
  await reading.getByText(`Dr ${DOCTOR.name} ${DOCTOR.surname} · ${DOCTOR.specialty}`).waitFor();
  const [tab] = await Promise.all([page.waitForEvent('popup'), reading.getByRole('button', { name: `Print ${SICK_LEAVE}` }).click()]);
  await reading.getByRole('button', { name: `Print ${SICK_LEAVE}` }).waitFor();
  await assertAccessible(page, 'a sick-leave certificate');
  await page.screenshot({ path: `${SHOTS}records-read-sick-leave.png` });
  await tab.close();
  await reading.getByRole('button', { name: 'Close' }).click();

  // The chart shows the certificate with its PDF, beside the journal. (Two patients may share
  // her name in this database: her chart is reached by her id.)
  await page.goto(`${BASE}/workspace/patients/${PATIENT.id}`);
  await page.getByRole('heading', { level: 1, name: `${PATIENT.name} ${PATIENT.surname}` }).waitFor();
  await settled(page);
  const part = page.getByRole('region', { name: 'Sick leave' });
  await part.getByRole('heading', { name: SICK_LEAVE }).waitFor();
  const fromChart = await downloadFrom(page, part.getByRole('button', { name: `Download PDF of the sick-leave certificate ${SICK_LEAVE}` }));
  assertPdf(fromChart, /^sick-leave-\d+\.pdf$/);
  await assertAccessible(page, 'the chart with sick leave');
  await page.screenshot({ path: `${SHOTS}records-chart.png`, fullPage: true });
  await signOut(page);
});

test('the patient finds, under “Who has read my record”, that the doctor read her journal entry', async () => {
  const doctor = await signIn(DOCTOR);
  await openSection(doctor, 'Journals');
  await filterList(doctor, 'Diagnosis', JOURNAL);
  await doctor.getByRole('button', { name: `Read ${JOURNAL}` }).click();
  const entry = doctor.getByRole('dialog', { name: JOURNAL });
  await entry.getByText('Rest and fluids').waitFor();
  await entry.getByRole('button', { name: 'Close' }).click();
  await signOut(doctor);

  const page = await signIn(PATIENT);
  await openSection(page, 'Who has read my record');
  const reads = page.getByRole('row').filter({ hasText: `${DOCTOR.name} ${DOCTOR.surname}` }).filter({ hasText: 'read your journal entry' });
  await reads.first().waitFor();
  await reads.first().getByText('Doctor', { exact: true }).waitFor();
  // Newest first: the read comes before the list it was opened from.
  const what = await page.locator('td[data-label="What"]').allTextContents();
  assert.ok(what.indexOf('read your journal entry') < what.lastIndexOf('listed journal entries'), what.join(' | '));
  assert.equal(await page.getByRole('columnheader', { name: 'IP address' }).count(), 0);
  await assertAccessible(page, 'who has read my record');
  await page.screenshot({ path: `${SHOTS}records-who-read.png`, fullPage: true });

  await openSection(page, 'My sick leave');
  await page.getByRole('cell', { name: SICK_LEAVE, exact: true }).waitFor();
  assertPdf(await downloadFrom(page, page.getByRole('button', { name: `Download PDF of ${SICK_LEAVE}` })), /^sick-leave-\d+\.pdf$/);

  await page.setViewportSize(PHONE);
  await openSection(page, 'Who has read my record');
  await assertFitsWidth(page, 'who has read my record');
  await assertAccessible(page, 'who has read my record on a phone');
  await page.screenshot({ path: `${SHOTS}records-who-read-phone.png`, fullPage: true });
  await signOut(page);
});

test('the patient downloads all her data, as JSON and as PDF, and the trail says she did', async () => {
  const page = await signIn(PATIENT);
  await openSection(page, 'My profile');
  const json = await downloadFrom(page, page.getByRole('button', { name: 'Download my data (JSON)' }));
  assert.match(json.name, /\.json$/);
  const data = JSON.parse(json.bytes.toString('utf8'));
  assert.equal(data.patient.email, PATIENT.email);
  assert.deepEqual(data.sick_leaves.map((item) => item.diagnosis), [SICK_LEAVE]);
  assert.deepEqual(data.journal_entries.map((item) => item.id), [journalEntryId]);
  assertPdf(await downloadFrom(page, page.getByRole('button', { name: 'Download my data (PDF)' })), /\.pdf$/);
  await assertAccessible(page, 'the profile with the data export');
  await page.screenshot({ path: `${SHOTS}records-profile-data.png`, fullPage: true });

  await openSection(page, 'Who has read my record');
  await page.getByRole('row').filter({ hasText: 'exported your data' }).first().getByRole('cell', { name: 'You', exact: true }).waitFor();
  await signOut(page);
});

test('staff narrow the audit trail to the doctor’s reads, and export the patient’s data from her chart', async () => {
  const page = await signIn(ROOT);
  await openSection(page, 'Audit trail');
  await page.getByLabel('Reader (user id)').fill(String(DOCTOR.id));
  await page.getByLabel('Action', { exact: true }).selectOption('read');
  await page.getByRole('button', { name: 'Apply' }).click();
  await settled(page);
  const row = page.getByRole('row', { name: new RegExp(`read journal entry #${journalEntryId}`) });
  await row.getByRole('link', { name: `Patient #${PATIENT.id}` }).waitFor();
  const actions = await page.locator('td[data-label="What"]').allTextContents();
  assert.ok(actions.length > 0 && actions.every((text) => text.startsWith('read ')), actions.join(' | '));
  await assertAccessible(page, 'the audit trail');
  await page.screenshot({ path: `${SHOTS}records-audit-trail.png`, fullPage: true });

  await row.getByRole('link', { name: `Patient #${PATIENT.id}` }).click();
  await page.getByRole('heading', { level: 1, name: `${PATIENT.name} ${PATIENT.surname}` }).waitFor();
  await settled(page);
  const exported = await downloadFrom(page, page.getByRole('button', { name: `Download data (PDF) of ${PATIENT.name} ${PATIENT.surname}` }));
  assertPdf(exported, new RegExp(`^patient-${PATIENT.id}-export\\.pdf$`));
  await page.setViewportSize(PHONE);
  await settled(page);
  await assertFitsWidth(page, 'the chart with sick leave');
  await assertAccessible(page, 'the chart on a phone');
  await signOut(page);
});

test('no page raised a JavaScript error', () => {
  assert.deepEqual(pageErrors, []);
});

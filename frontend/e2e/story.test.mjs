// The clinic's day in a real browser, against the real gateway (started by e2e/run.sh): staff are
// hired through the app and activate from their e-mailed links, a patient registers and asks for
// an examination, an operator schedules it and books a visit, the doctor writes a journal entry,
// the pharmacist a prescription (a second one reaches the patient's open list live, over /ws),
// the patient reads both, cancels the visit, changes e-mail and
// recovers a forgotten password, and an admin blocks an account, whose open session is then told
// so. Every page of every role's workspace and the public pages pass axe's accessibility checks;
// a section whose code cannot be fetched offers a reload; a dialog asks before Escape loses what
// was typed; an expired activation link is replaced by a new one. Each role's workspace and the
// home page are saved under e2e/screenshots/.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { assertAccessible } from './a11y.mjs';
import { DESKTOP, launch, PHONE } from './browser.mjs';

const BASE = process.env.BASE_URL;
const SES = process.env.SES_URL;
assert.ok(BASE && SES, 'run through e2e/run.sh (BASE_URL and SES_URL)');
const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

const tag = Date.now().toString(36);
const ROOT = { email: `root.${tag}@clinic.example`, password: 'Root-Pass-1!' };
const PATIENT = { email: `asa.oberg.${tag}@example.com`, password: 'Patient-Pass-2#', name: 'Åsa', surname: 'Öberg' };
const DOCTOR = { email: `doctor.${tag}@clinic.example`, password: 'Doctor-Pass-3$', name: 'Erik', surname: 'Nyström', specialty: 'Cardiology' };
const OPERATOR = { email: `operator.${tag}@clinic.example`, password: 'Operator-Pass-4%', name: 'Maja', surname: 'Berg' };
const PHARMACIST = { email: `pharmacist.${tag}@clinic.example`, password: 'Pharma-Pass-5&', name: 'Lina', surname: 'Holm' };
const ADMIN = { email: `admin.${tag}@clinic.example`, password: 'Admin-Pass-6/', name: 'Adam', surname: 'Lund' };
const LATECOMER = { email: `lars.ek.${tag}@example.com`, password: 'Latecomer-Pass-7!', name: 'Lars', surname: 'Ek' };
const NEWCOMER = { email: `vera.strand.${tag}@example.com`, password: 'Newcomer-Pass-8?', name: 'Vera', surname: 'Strand' };
const MODALITY = 'MRI of the knee';
const SCHEDULED = '2031-03-10T09:30';
const VISIT = '2031-03-12T10:00';

let browser;
const pageErrors = [];

before(async () => {
  execFileSync(process.env.QHEALTH_LOCAL, ['create-superuser', '--email', ROOT.email, '--password', ROOT.password, '--name', 'Sara', '--surname', 'Ek'], {
    stdio: 'pipe',
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

// --- helpers ------------------------------------------------------------------------------------

async function newPage(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'en-GB' });
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
  const dialog = page.getByRole('dialog');
  if (await dialog.count()) await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${BASE}/`);
  await page.context().close();
}

async function openSection(page, name) {
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name, exact: true }).click();
  await listLoaded(page);
}

async function listLoaded(page) {
  await page.locator('section.resource-list[aria-busy="false"]').first().waitFor();
}

async function screenshot(page, name) {
  // Scroll through once so that lazily loaded images are in the picture.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** The link in the newest e-mail to `address` whose path starts with `prefix` (other than `notThis`). */
async function mailedLink(address, prefix, notThis = null) {
  const pattern = new RegExp(`${BASE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${prefix}[^\\s"<>]+`);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { emails } = await (await fetch(`${SES}/store`)).json();
    const found = emails
      .filter((email) => (email.destination?.to ?? []).some((to) => to.toLowerCase().includes(address)))
      .map((email) => pattern.exec(email.body?.text ?? '')?.[0])
      .filter(Boolean);
    if (found.length && found[found.length - 1] !== notThis) return found[found.length - 1];
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`no ${notThis ? 'new ' : ''}e-mail to ${address} with a ${prefix} link`);
}

/** Registers `person` as a patient through the API, without activating; their user id. */
async function registerThroughApi(person) {
  const response = await fetch(`${BASE}/api/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      email: person.email,
      password: person.password,
      profile: { name: person.name, surname: person.surname, phone_number: '0707654321', date_of_birth: '1982-03-03', gender: 'Male' },
    }),
  });
  assert.equal(response.status, 201);
  return (await response.json()).id;
}

/**
 * An activation link for `userId` that expired a while ago, signed as the gateway signs its
 * links (HS256 with the JWT_SECRET that stack.sh gave it).
 */
function expiredActivationLink(userId) {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { token_type: 'activate', user_id: userId, jti: randomUUID(), iat: now - 40 * 60, exp: now - 10 * 60 };
  const unsigned = `${encode({ typ: 'JWT', alg: 'HS256' })}.${encode(claims)}`;
  const signature = createHmac('sha256', process.env.JWT_SECRET).update(unsigned).digest('base64url');
  return `${BASE}/auth/activate/${unsigned}.${signature}`;
}

/** Waits until nothing on the page is loading. */
async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"], .spinner'));
}

/** Opens every section of the signed-in `page`'s workspace menu in turn, checking each with axe. */
async function auditWorkspace(page, who) {
  const menu = page.getByRole('navigation', { name: 'Workspace' });
  for (const label of await menu.getByRole('link').allTextContents()) {
    await menu.getByRole('link', { name: label, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: label, exact: true }).waitFor();
    await settled(page);
    await assertAccessible(page, `${who}: ${label}`);
  }
}

async function fillProfile(scope, person, { phone = '0701234567', born = '1985-09-22', gender = 'Female' } = {}) {
  await scope.getByLabel('First name').fill(person.name);
  await scope.getByLabel('Surname').fill(person.surname);
  await scope.getByLabel('Mobile phone').fill(phone);
  await scope.getByLabel('Date of birth').fill(born);
  await scope.getByLabel('Gender').selectOption(gender);
}

async function chooseIn(scope, selectLabel, searchLabel, search, optionText) {
  await scope.getByLabel(searchLabel).fill(search);
  const select = scope.getByLabel(selectLabel, { exact: true });
  const option = select.locator('option', { hasText: optionText }).first();
  await option.waitFor({ state: 'attached' });
  await select.selectOption((await option.getAttribute('value')) ?? '');
}

async function hire(page, person, role) {
  await page.getByRole('button', { name: 'Register a staff member' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Role').selectOption(role);
  if (person.specialty) await dialog.getByLabel('Specialty').fill(person.specialty);
  await dialog.getByLabel('E-mail').fill(person.email);
  await fillProfile(dialog, person, { phone: '+46 70 555 12 34', born: '1979-02-11' });
  await dialog.getByRole('button', { name: 'Register and send the activation link' }).click();
  await page.getByText(`the activation link is on its way to ${person.email}`).waitFor();
}

/** A hired staff member opens the e-mailed link and chooses their password there. */
async function activateStaff(person) {
  const page = await newPage();
  await page.goto(await mailedLink(person.email, '/auth/activate/'));
  await page.getByLabel('Password (required)', { exact: true }).fill(person.password);
  await page.getByLabel('Password again (required)', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Activate' }).click();
  await page.getByText('Your account is active').waitFor();
  await page.context().close();
}

// --- the story ----------------------------------------------------------------------------------

test('the home page presents the clinic on a desktop and a phone', async () => {
  for (const [name, viewport] of [['home-desktop', DESKTOP], ['home-phone', PHONE]]) {
    const page = await newPage(viewport);
    await page.goto(BASE);
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.title(), 'QHealth Medical Centre');
    assert.ok(await page.getByRole('heading', { name: 'Our services' }).isVisible());
    assert.equal(await page.locator('img[src^="/images/"]').count(), 4);
    assert.equal(await page.locator('link[rel="icon"]').getAttribute('href'), '/favicon.svg');
    await screenshot(page, name);
    await page.context().close();
  }
});

test('the superuser adds an examination and hires a doctor, an operator and a pharmacist', async () => {
  const page = await signIn(ROOT);
  assert.match(page.url(), /\/workspace\/users$/);
  await openSection(page, 'Diagnostics');
  await page.getByRole('button', { name: 'Add an examination' }).click();
  await page.getByRole('dialog').getByLabel('Examination').fill(MODALITY);
  await page.getByRole('dialog').getByRole('button', { name: 'Add the examination' }).click();
  await page.getByRole('cell', { name: MODALITY, exact: true }).waitFor();

  await openSection(page, 'Staff');
  await hire(page, DOCTOR, 'doctor');
  await hire(page, OPERATOR, 'operator');
  await hire(page, PHARMACIST, 'pharmacist');
  await page.getByRole('cell', { name: 'Cardiology', exact: true }).waitFor();
  await screenshot(page, 'workspace-superuser');
  await signOut(page);

  for (const person of [DOCTOR, OPERATOR, PHARMACIST]) await activateStaff(person);
});

test('a patient registers, activates from the e-mail and asks for an examination', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/register`);
  await page.getByLabel('E-mail').fill(PATIENT.email);
  await page.getByLabel('Password (required)', { exact: true }).fill(PATIENT.password);
  await page.getByLabel('Password again (required)', { exact: true }).fill(PATIENT.password);
  await fillProfile(page, PATIENT, { born: '1990-05-17' });
  await page.getByLabel('City').fill('Malmö');
  // The rules are checked as one types: a child cannot register.
  await page.getByLabel('Date of birth').fill('2015-01-01');
  await page.getByLabel('City').focus();
  await page.getByText('You must be at least 18 years old to register.').waitFor();
  await page.getByLabel('Date of birth').fill('1990-05-17');
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();

  await page.goto(await mailedLink(PATIENT.email, '/auth/activate/'));
  await page.getByText('Your account is active').waitFor();
  await page.context().close();

  const patient = await signIn(PATIENT);
  await openSection(patient, 'Book an examination');
  await patient.getByRole('button', { name: `Book ${MODALITY}` }).click();
  await patient.getByText(`You asked for “${MODALITY}”`).waitFor();
  await openSection(patient, 'My examinations');
  await patient.getByText('Waiting for a time').waitFor();
  await signOut(patient);
});

test('the operator schedules the request and books a visit with the doctor', async () => {
  const page = await signIn(OPERATOR);
  await openSection(page, 'Diagnostic bookings');
  await page.getByRole('button', { name: `Schedule ${MODALITY} for ${PATIENT.name} ${PATIENT.surname}` }).click();
  await page.getByRole('dialog').getByLabel('Date and time').fill(SCHEDULED);
  await page.getByRole('dialog').getByRole('button', { name: 'Save and e-mail the patient' }).click();
  await page.getByText('The time is saved').waitFor();
  await page.getByRole('cell', { name: 'Mon, 10 Mar 2031, 09:30 CET', exact: true }).waitFor();

  await openSection(page, 'Doctor visits');
  await page.getByRole('button', { name: 'Book a visit' }).click();
  const dialog = page.getByRole('dialog');
  await chooseIn(dialog, 'Patient (required)', 'Search patients by surname', 'Öberg', `${PATIENT.surname}, ${PATIENT.name}`);
  await chooseIn(dialog, 'Doctor (required)', 'Search doctors by surname', 'Nyström', DOCTOR.surname);
  await dialog.getByLabel('Date and time').fill(VISIT);
  await assertAccessible(page, 'the booking dialog');
  await page.screenshot({ path: `${SHOTS}dialog-book-visit.png` });
  await dialog.getByRole('button', { name: 'Book and e-mail the patient' }).click();
  await page.getByText(`is booked with Dr ${DOCTOR.name} ${DOCTOR.surname}`).waitFor();
  await listLoaded(page);
  await screenshot(page, 'workspace-operator');
  await signOut(page);
});

test('the doctor writes a journal entry for the patient', async () => {
  const page = await signIn(DOCTOR);
  await openSection(page, 'Patients');
  await page.getByRole('button', { name: `Journal entry for ${PATIENT.surname}, ${PATIENT.name}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Diagnosis').fill('Meniscus tear, left knee');
  await dialog.getByLabel('Description').fill('Pain on the inside of the left knee after a fall while skiing.\nSwelling, no instability.');
  await dialog.getByLabel('Planning').fill('Physiotherapy for six weeks; MRI booked; follow-up visit.');
  await dialog.getByRole('button', { name: 'Save the entry' }).click();
  await page.getByText('The journal entry for').waitFor();
  await openSection(page, 'Journals');
  await page.getByRole('cell', { name: 'Meniscus tear, left knee', exact: true }).waitFor();
  await screenshot(page, 'workspace-doctor');
  await signOut(page);
});

test('the pharmacist writes a prescription', async () => {
  const page = await signIn(PHARMACIST);
  await openSection(page, 'Patients');
  await page.getByRole('button', { name: `Prescribe for ${PATIENT.surname}, ${PATIENT.name}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Medicine').fill('Ibuprofen 400 mg');
  await dialog.getByLabel('Dosage and instructions').fill('One tablet three times a day with food, for at most ten days.');
  await dialog.getByRole('button', { name: 'Save the prescription' }).click();
  await page.getByText('The prescription for').waitFor();
  await openSection(page, 'Prescriptions');
  await page.getByRole('cell', { name: 'Ibuprofen 400 mg', exact: true }).waitFor();
  await screenshot(page, 'workspace-pharmacist');
  await signOut(page);
});

/** Signs `person` in over the API; their access token. */
async function accessToken(person) {
  const response = await fetch(`${BASE}/api/auth`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: person.email, password: person.password }),
  });
  assert.equal(response.status, 200);
  return (await response.json()).access;
}

test('a prescription written elsewhere appears in the patient\'s open list, pushed over /ws', async () => {
  const page = await signIn(PATIENT);
  await openSection(page, 'My prescriptions');
  await page.getByRole('cell', { name: 'Ibuprofen 400 mg', exact: true }).waitFor();

  // The pharmacist writes a second prescription from another device; the patient's page is not
  // reloaded and does not poll, so only the live update can bring it.
  const patientToken = await accessToken(PATIENT);
  const me = await (await fetch(`${BASE}/api/auth/qhealth_role`, { headers: { Authorization: `Bearer ${patientToken}` } })).json();
  const response = await fetch(`${BASE}/api/patient_recipe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await accessToken(PHARMACIST)}` },
    body: JSON.stringify({ user_id: me.id, recipe: 'Paracetamol 500 mg', description: 'Two tablets at most four times a day.' }),
  });
  assert.equal(response.status, 201);
  await page.getByRole('cell', { name: 'Paracetamol 500 mg', exact: true }).waitFor({ timeout: 5_000 });
  await signOut(page);
});

test('the patient reads the entry and the prescription, and cancels the visit', async () => {
  const page = await signIn(PATIENT);
  await openSection(page, 'My journal');
  await page.getByRole('button', { name: 'Read Meniscus tear, left knee' }).click();
  await page.getByRole('dialog').getByText('Physiotherapy for six weeks').waitFor();
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await openSection(page, 'My prescriptions');
  await page.getByRole('cell', { name: 'Ibuprofen 400 mg', exact: true }).waitFor();

  await openSection(page, 'My examinations');
  await page.getByRole('cell', { name: 'Mon, 10 Mar 2031, 09:30 CET', exact: true }).waitFor();

  await openSection(page, 'My visits');
  await page.getByRole('cell', { name: 'Wed, 12 Mar 2031, 10:00 CET', exact: true }).waitFor();
  await screenshot(page, 'workspace-patient');
  await page.getByRole('button', { name: /^Cancel visit/ }).click();
  await page.getByText('The visit is cancelled').waitFor();
  await page.getByRole('cell', { name: 'Cancelled', exact: true }).waitFor();

  await page.setViewportSize(PHONE);
  await screenshot(page, 'workspace-patient-phone');
  await signOut(page);
});

test('the patient changes e-mail, confirmed from the link, and recovers a forgotten password', async () => {
  const page = await signIn(PATIENT);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'My profile', exact: true }).click();
  await page.getByRole('button', { name: 'Edit my profile' }).click();
  const newEmail = `asa.lind.${tag}@example.com`;
  await page.getByLabel('E-mail').fill(newEmail);
  await page.getByLabel('Height (cm)').fill('168');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText(`Confirm ${newEmail} from the link`).waitFor();
  await page.goto(await mailedLink(newEmail, '/users/verify_email/'));
  await page.getByText('Email successfully verified').waitFor();
  PATIENT.email = newEmail;
  await signOut(page);

  const visitor = await newPage();
  await visitor.goto(`${BASE}/login`);
  await visitor.getByRole('link', { name: 'Forgot your password?' }).click();
  await visitor.getByLabel('E-mail').fill(PATIENT.email);
  await visitor.getByRole('button', { name: 'Send the link' }).click();
  await visitor.getByText('a link to choose a new password is on its way').waitFor();
  await visitor.goto(await mailedLink(PATIENT.email, '/auth/recovery_password/'));
  PATIENT.password = 'Patient-Pass-9#';
  await visitor.getByLabel('New password (required)', { exact: true }).fill(PATIENT.password);
  await visitor.getByLabel('New password again (required)', { exact: true }).fill(PATIENT.password);
  await visitor.getByRole('button', { name: 'Save the password' }).click();
  await visitor.getByText('Your password has been changed').waitFor();
  await visitor.context().close();
  await signOut(await signIn(PATIENT));
});

test('the public pages have no serious or critical accessibility problem, on a desktop and a phone', async () => {
  const pages = ['/', '/login', '/register', '/auth/recovery', '/auth/recovery_password/a-link', '/auth/activate/a-link', '/no-such-page'];
  for (const viewport of [DESKTOP, PHONE]) {
    const page = await newPage(viewport);
    for (const path of pages) {
      await page.goto(`${BASE}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await settled(page);
      await assertAccessible(page, `${path} at ${viewport.width} px`);
    }
    await page.context().close();
  }
});

test('every page of every role\'s workspace has no serious or critical accessibility problem', async () => {
  for (const [person, who] of [[ROOT, 'superuser'], [DOCTOR, 'doctor'], [OPERATOR, 'operator'], [PHARMACIST, 'pharmacist'], [PATIENT, 'patient']]) {
    const page = await signIn(person);
    await auditWorkspace(page, who);
    await signOut(page);
  }
});

test('on a phone every section of the menu is in sight, none cut off', async () => {
  const page = await signIn(ROOT);
  await page.setViewportSize(PHONE);
  const links = page.getByRole('navigation', { name: 'Workspace' }).getByRole('link');
  assert.ok((await links.count()) >= 9);
  for (const link of await links.all()) {
    const box = await link.boundingBox();
    const name = await link.textContent();
    assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${name} is outside the screen: ${JSON.stringify(box)}`);
  }
  await page.screenshot({ path: `${SHOTS}workspace-superuser-phone.png` });
  await signOut(page);
});

test('a section whose code cannot be fetched says so and offers a reload, instead of a blank app', async () => {
  const page = await signIn(ROOT);
  await listLoaded(page);
  // As when offline, or after a new release replaced the files the page was built with.
  const chunk = /\/assets\/PrescriptionsSection-[\w-]+\.js$/;
  await page.route(chunk, (route) => route.abort('internetdisconnected'));
  const menu = page.getByRole('navigation', { name: 'Workspace' });
  await menu.getByRole('link', { name: 'Prescriptions', exact: true }).click();
  await page.getByRole('heading', { name: 'This page could not be loaded' }).waitFor();
  assert.ok(await menu.isVisible(), 'the rest of the app is still there');
  await assertAccessible(page, 'the load failure');

  await page.unroute(chunk);
  await page.getByRole('button', { name: 'Reload' }).click();
  await page.getByRole('heading', { level: 1, name: 'Prescriptions', exact: true }).waitFor();
  await listLoaded(page);
  await signOut(page);
});

test('a dialog with typed text asks before Escape or a click outside throws it away', async () => {
  const page = await signIn(DOCTOR);
  await openSection(page, 'Journals');
  await page.getByRole('button', { name: 'Write a journal entry' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Diagnosis').fill('Sprained ankle');
  await page.keyboard.press('Escape');
  const prompt = page.getByRole('alertdialog', { name: 'Discard your changes?' });
  await prompt.waitFor();
  await assertAccessible(page, 'the discard prompt');
  await prompt.getByRole('button', { name: 'Keep editing' }).click();
  assert.equal(await dialog.getByLabel('Diagnosis').inputValue(), 'Sprained ankle');
  assert.equal(await prompt.count(), 0);

  await page.mouse.click(8, DESKTOP.height - 8); // on the backdrop
  await prompt.getByRole('button', { name: 'Discard changes' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('cell', { name: 'Sprained ankle' }).count(), 0);
  await signOut(page);
});

test('an expired activation link offers a new one, which arrives by e-mail and activates', async () => {
  const id = await registerThroughApi(LATECOMER);
  const first = await mailedLink(LATECOMER.email, '/auth/activate/');
  const page = await newPage();
  await page.goto(expiredActivationLink(id));
  await page.getByRole('button', { name: 'Send a new link' }).waitFor();
  assert.equal(await page.getByText(/contact the clinic/).count(), 0);
  await page.getByLabel('E-mail').fill(LATECOMER.email);
  await page.getByRole('button', { name: 'Send a new link' }).click();
  await page.getByText('a new link is on its way').waitFor();

  await page.goto(await mailedLink(LATECOMER.email, '/auth/activate/', first));
  await page.getByText('Your account is active').waitFor();
  await page.context().close();
  await signOut(await signIn(LATECOMER));
});

test('staff send a new activation link to an account that was never activated', async () => {
  await registerThroughApi(NEWCOMER);
  const first = await mailedLink(NEWCOMER.email, '/auth/activate/');
  const root = await signIn(ROOT);
  await root.getByLabel('Surname').fill(NEWCOMER.surname);
  await root.getByRole('button', { name: 'Apply' }).click();
  await listLoaded(root);
  await root.getByRole('button', { name: `Open ${NEWCOMER.surname}, ${NEWCOMER.name}` }).click();
  await root.getByRole('dialog').getByRole('button', { name: 'Resend activation link' }).click();
  await root.getByText(`A new activation link is on its way to ${NEWCOMER.email}`).waitFor();
  await signOut(root);

  const page = await newPage();
  await page.goto(await mailedLink(NEWCOMER.email, '/auth/activate/', first));
  await page.getByText('Your account is active').waitFor();
  await page.context().close();
});

test('an admin, made by the superuser, blocks a user, who is told at once and can no longer sign in', async () => {
  // The future admin registers like anyone (through the API here) and activates.
  await registerThroughApi(ADMIN);
  const link = new URL(await mailedLink(ADMIN.email, '/auth/activate/'));
  const activated = await fetch(`${BASE}/api${link.pathname}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(activated.status, 200);

  const root = await signIn(ROOT);
  await root.getByLabel('Surname').fill(ADMIN.surname);
  await root.getByRole('button', { name: 'Apply' }).click();
  await listLoaded(root);
  await root.getByRole('button', { name: `Open ${ADMIN.surname}, ${ADMIN.name}` }).click();
  await root.getByRole('dialog').getByRole('button', { name: 'Make administrator' }).click();
  await root.getByText('They are now an administrator.').waitFor();
  await signOut(root);

  const admin = await signIn(ADMIN);
  assert.match(admin.url(), /\/workspace\/users$/);
  await listLoaded(admin);
  await screenshot(admin, 'workspace-admin');
  await auditWorkspace(admin, 'admin');
  await admin.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Users', exact: true }).click();
  await listLoaded(admin);
  // An admin is not offered what only a superuser may do.
  await admin.getByRole('button', { name: 'Open Ek, Sara' }).click();
  const rootDialog = admin.getByRole('dialog');
  await rootDialog.getByText(ROOT.email).waitFor();
  assert.equal(await rootDialog.getByRole('button', { name: 'Block' }).count(), 0);
  assert.equal(await rootDialog.getByRole('button', { name: 'Edit' }).count(), 0);
  await rootDialog.getByRole('button', { name: 'Close' }).click();

  // The patient is signed in elsewhere while it happens.
  const patient = await signIn(PATIENT);
  await admin.getByRole('button', { name: `Open ${PATIENT.surname}, ${PATIENT.name}` }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Block' }).click();
  await admin.getByText('The account is blocked').waitFor();
  await signOut(admin);

  // Their next step ends the session, saying why (not that it "expired").
  await patient.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'My journal', exact: true }).click();
  await patient.waitForURL(/\/login$/);
  await patient.getByText('Your account has been blocked. Please contact the clinic.').waitFor();
  assert.equal(await patient.getByText(/session has expired/).count(), 0);
  await patient.context().close();

  const page = await newPage();
  await page.goto(`${BASE}/login`);
  await page.getByLabel('E-mail').fill(PATIENT.email);
  await page.getByLabel('Password').fill(PATIENT.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').getByText(/not active/).waitFor();
  await page.context().close();
});

test('Swagger UI at /api/doc lists every operation of the API, loading nothing from elsewhere', async () => {
  const document = await (await fetch(`${BASE}/api/openapi.json`)).json();
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
  );
  assert.ok(operations.length >= 50, `only ${operations.length} operations`);
  const page = await newPage();
  const elsewhere = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(BASE) && !request.url().startsWith('data:')) elsewhere.push(request.url());
  });
  await page.goto(`${BASE}/api/doc`);
  await page.getByRole('heading', { name: /QHealth API/ }).waitFor();
  await page.locator('.opblock').first().waitFor();
  const shown = await page.locator('.opblock').evaluateAll((blocks) =>
    blocks.map((block) => {
      const method = block.querySelector('.opblock-summary-method').textContent.trim();
      const path = block.querySelector('.opblock-summary-path').getAttribute('data-path');
      return `${method} ${path}`;
    }),
  );
  assert.deepEqual([...shown].sort(), [...operations].sort());
  assert.deepEqual(elsewhere, []);
  await screenshot(page, 'api-doc');
  await page.context().close();
});

test('no page raised a JavaScript error', () => {
  assert.deepEqual(pageErrors, []);
});

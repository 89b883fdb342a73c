// Accessibility checks in the browser: axe-core (the engine behind most accessibility tools) run
// on a page as it is shown, failing on anything it rates "serious" or "critical".

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const GRAVE = new Set(['serious', 'critical']);

/** One line per problem: the rule, how grave, what it asks, and where (a few elements). */
function describe(violation) {
  const where = violation.nodes
    .slice(0, 3)
    .map((node) => node.target.join(' '))
    .join(' | ');
  const more = violation.nodes.length > 3 ? ` and ${violation.nodes.length - 3} more` : '';
  return `${violation.id} (${violation.impact}): ${violation.help} — ${where}${more}`;
}

/** Fails, naming each problem, if axe finds a serious or critical one on `page` now. */
export async function assertAccessible(page, where) {
  // Evaluated through the browser's debugging protocol, so the page's own script policy does
  // not apply; one copy per document (the app navigates without reloading).
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const grave = violations.filter((violation) => GRAVE.has(violation.impact)).map(describe);
  assert.deepEqual(grave, [], `${where} (${page.url()}) has accessibility problems:\n${grave.join('\n')}`);
}

// The production bundle's size: every JS and CSS file in dist/assets, raw and gzip-compressed,
// and what the home page loads first (the files index.html names).
//   node e2e/bundle-size.mjs        (after npm run build)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const index = readFileSync(join(dist, 'index.html'), 'utf8');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

const rows = readdirSync(join(dist, 'assets'))
  .filter((name) => /\.(js|css)$/.test(name))
  .map((name) => {
    const bytes = readFileSync(join(dist, 'assets', name));
    return { name, kind: name.endsWith('.css') ? 'css' : 'js', raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, initial: index.includes(`/assets/${name}`) };
  })
  .sort((a, b) => b.gzip - a.gzip);

for (const row of rows) {
  console.log(`${row.initial ? '*' : ' '} ${row.name.padEnd(44)} ${kb(row.raw).padStart(10)} ${kb(row.gzip).padStart(10)} gzip`);
}
const sum = (list, key) => list.reduce((total, row) => total + row[key], 0);
for (const kind of ['js', 'css']) {
  const all = rows.filter((row) => row.kind === kind);
  const initial = all.filter((row) => row.initial);
  console.log(`${kind.toUpperCase()}: all ${kb(sum(all, 'gzip'))} gzip (${kb(sum(all, 'raw'))} raw); loaded by the home page (*) ${kb(sum(initial, 'gzip'))} gzip`);
}

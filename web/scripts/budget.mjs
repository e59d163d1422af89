// What the first screen downloads: index.html and the scripts and stylesheets it names,
// gzipped as a CDN serves them, against the budget (100 KB). Prints the figures; fails over it.
//     node scripts/budget.mjs            (after npm run build)
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 100 * 1024;
const dist = new URL('../dist/', import.meta.url);
const html = readFileSync(new URL('index.html', dist), 'utf8');
const named = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const files = [['index.html', html], ...named.map((name) => [name, readFileSync(new URL(name, dist))])];
let total = 0;
console.log('| file | bytes | gzipped |\n| --- | ---: | ---: |');
for (const [name, body] of files) {
  const zipped = gzipSync(body, { level: 9 }).length;
  total += zipped;
  console.log(`| ${name} | ${Buffer.byteLength(body)} | ${zipped} |`);
}
console.log(`| first screen | | **${(total / 1024).toFixed(1)} KB** (budget ${BUDGET / 1024} KB, ${((100 * total) / BUDGET).toFixed(0)}%) |`);
if (total > BUDGET) {
  console.error(`over budget by ${((total - BUDGET) / 1024).toFixed(1)} KB`);
  process.exit(1);
}

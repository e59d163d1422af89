// The CV data schema from docs/openapi.json (CvData and every schema it refers to), for the
// editor, which draws a form for each of the 18 sections from it. Run by `npm run types`.
import { readFileSync, writeFileSync } from 'node:fs';

const openapi = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
const all = openapi.components.schemas;
const kept = {};
const visit = (node) => {
  if (Array.isArray(node)) return node.forEach(visit);
  if (!node || typeof node !== 'object') return;
  const ref = node.$ref?.replace('#/components/schemas/', '');
  if (ref && !(ref in kept)) {
    kept[ref] = all[ref];
    visit(all[ref]);
  }
  Object.values(node).forEach(visit);
};
visit({ $ref: '#/components/schemas/CvData' });
writeFileSync(new URL('../src/lib/cv-schema.gen.json', import.meta.url), JSON.stringify(kept));

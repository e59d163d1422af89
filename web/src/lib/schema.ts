// The editor's forms come from the CV data schema itself (generated from docs/openapi.json),
// so every field of the 18 sections is editable and a new field appears without new code.
import raw from './cv-schema.gen.json';

export interface Schema {
  type?: string | string[];
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  description?: string;
  enum?: string[];
  pattern?: string;
  maximum?: number;
  minimum?: number;
}

const schemas = raw as Record<string, Schema>;

export function named(name: string): Schema {
  return schemas[name] ?? {};
}

/// The schema behind references and "X or null".
export function resolve(schema: Schema): Schema {
  if (schema.$ref) return resolve(named(schema.$ref.replace('#/components/schemas/', '')));
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) {
    const real = choices.find((c) => c.type !== 'null');
    if (real) return { ...resolve(real), description: schema.description ?? resolve(real).description };
  }
  return schema;
}

const refName = (schema: Schema): string | null => {
  const ref = schema.$ref ?? (schema.anyOf ?? schema.oneOf)?.find((c) => c.$ref)?.$ref;
  return ref ? ref.replace('#/components/schemas/', '') : null;
};

export type Kind = 'text' | 'longtext' | 'number' | 'bool' | 'date' | 'daterange' | 'strings' | 'entries' | 'object';

const LONG_TEXT = new Set(['text', 'summary', 'description', 'quote', 'tagline', 'companyDescription']);

export function kindOf(schema: Schema, key: string | number): Kind {
  const name = refName(schema);
  if (name === 'DateRange') return 'daterange';
  if (name === 'PartialDate') return 'date';
  const real = resolve(schema);
  const types = Array.isArray(real.type) ? real.type : [real.type];
  if (types.includes('array')) {
    const items = resolve(real.items ?? {});
    return items.properties ? 'entries' : 'strings';
  }
  if (real.properties) return 'object';
  if (types.includes('boolean')) return 'bool';
  if (types.includes('integer') || types.includes('number')) return 'number';
  return typeof key === 'string' && LONG_TEXT.has(key) ? 'longtext' : 'text';
}

const LABELS: Record<string, string> = {
  url: 'Web address',
  photoUrl: 'Photo address',
  countryCode: 'Country code (e.g. DE)',
  isCurrent: 'Still going on',
  gpa: 'GPA',
  isbn: 'ISBN',
  doi: 'DOI',
};

/// "companyDescription" -> "Company description".
export function labelOf(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/// The 18 sections in the order a CV reads, with the names people use for them.
export const SECTIONS: [key: string, title: string, entry: string][] = [
  ['hero', 'About you', ''],
  ['contact', 'Contact', ''],
  ['summary', 'Summary', ''],
  ['experience', 'Experience', 'Job'],
  ['education', 'Education', 'Education'],
  ['skills', 'Skills', 'Skill group'],
  ['projects', 'Projects', 'Project'],
  ['languages', 'Languages', 'Language'],
  ['certifications', 'Certifications', 'Certification'],
  ['courses', 'Courses', 'Course'],
  ['publications', 'Publications', 'Publication'],
  ['achievements', 'Awards and achievements', 'Award'],
  ['volunteer', 'Volunteering', 'Volunteering role'],
  ['memberships', 'Memberships', 'Membership'],
  ['patents', 'Patents', 'Patent'],
  ['speaking', 'Talks', 'Talk'],
  ['testimonials', 'Testimonials', 'Testimonial'],
  ['hobbies', 'Interests', 'Interest'],
];

/// What one entry of a list inside a section is called.
export const ENTRY_NAMES: Record<string, string> = { categories: 'Skill group', links: 'Link' };

export const PARTIAL_DATE = /^[12][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$/;

/// `value` with every object and list its schema names present (empty), so the form can bind
/// to them without creating anything while it draws.
export function filled(schema: Schema, value: unknown, key: string | number = ''): unknown {
  const kind = kindOf(schema, key);
  const real = resolve(schema);
  if (kind === 'daterange') {
    const range = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    return { start: range.start ?? null, end: range.end ?? null, isCurrent: range.isCurrent === true };
  }
  if (kind === 'object') {
    const object = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    for (const [name, property] of Object.entries(real.properties ?? {})) {
      const inner = kindOf(property, name);
      if (inner !== 'text' && inner !== 'longtext' && inner !== 'number' && inner !== 'bool' && inner !== 'date') {
        object[name] = filled(property, object[name], name);
      }
    }
    return object;
  }
  if (kind === 'entries') {
    const items = Array.isArray(value) ? value : [];
    return items.map((item) => filled(real.items ?? {}, item));
  }
  if (kind === 'strings') return Array.isArray(value) ? value : [];
  return value;
}

/// Whether JSON Pointer `pointer` names a value in `doc` (a hidden marker must, or the API
/// refuses the CV).
export function resolves(doc: unknown, pointer: string): boolean {
  let at: unknown = doc;
  for (const token of pointer.split('/').slice(1).map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))) {
    if (at === null || typeof at !== 'object' || !(token in at)) return false;
    at = (at as Record<string, unknown>)[token];
  }
  return at !== null && at !== undefined && at !== '';
}

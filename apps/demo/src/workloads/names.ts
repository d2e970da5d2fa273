/**
 * Names as kube's controllers make them: apimachinery's SimpleNameGenerator (a 5-character random suffix from an
 * alphabet without vowels or look-alike digits, the base cut to 58 characters) and the controllers' hash labels
 * (`pod-template-hash`, `controller-revision-hash`: a 32-bit FNV-1a hash of the template, written with
 * apimachinery's SafeEncodeString). kube hashes the Go struct dump of the template; schedkit hashes its JSON, so
 * the value differs from a real cluster's, but it has the same form and is equally stable.
 */

/** apimachinery's alphabet for generated names and encoded hashes (no vowels, no 0/1/3). */
const Alphabet = 'bcdfghjklmnpqrstvwxz2456789';
const RandomLength = 5;
const MaxNameLength = 63;
const MaxGeneratedNameLength = MaxNameLength - RandomLength;

/** `base` plus five random characters drawn from `random`, as `metadata.generateName` makes a name. */
export function generateName(base: string, random: () => number): string {
  const prefix = base.length > MaxGeneratedNameLength ? base.slice(0, MaxGeneratedNameLength) : base;
  let suffix = '';
  for (let i = 0; i < RandomLength; i++) suffix += Alphabet[Math.floor(random() * Alphabet.length)];
  return `${prefix}${suffix}`;
}

/** apimachinery's SafeEncodeString: each character mapped into the alphabet, so no bad words can form. */
export function safeEncodeString(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += Alphabet[text.charCodeAt(i) % Alphabet.length];
  return out;
}

/** A controller's hash of a template (and its collision count, when it has one), encoded as kube writes it. */
export function templateHash(template: unknown, collisionCount?: number): string {
  let hash = 0x811c9dc5;
  const text = canonicalJson(template) + (collisionCount === undefined ? '' : String(collisionCount));
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i) & 0xff;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return safeEncodeString(String(hash >>> 0));
}

/** JSON with object keys sorted, so equal templates hash equally whatever order their fields were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

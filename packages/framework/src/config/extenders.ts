/**
 * The `extenders:` section of a KubeSchedulerConfiguration (kube's v1 `Extender`): its shape, kube's defaults and
 * kube's validation (ValidateExtenders), plus the checks kube leaves out (a usable urlPrefix, a valid timeout).
 */
import { z } from 'zod';
import { qualifiedNameErrors } from '../model/validation.js';
import { childPath, type ConfigIssue } from './errors.js';

/** kube's DefaultExtenderTimeout: an extender call without `httpTimeout` (or with 0) gives up after 5 s. */
export const DefaultExtenderTimeoutMs = 5_000;

/** TLS settings of an extender (kube's `ExtenderTLSConfig`); the `*Data` fields are PEM, base64-encoded as kube reads `[]byte`. */
export interface ExtenderTLSConfig {
  /** Skip verifying the server's certificate (for testing only). */
  insecure: boolean;
  /** The name checked against the server's certificate and sent for SNI (default: the URL's host). */
  serverName?: string;
  /** Client certificate and key (for servers that ask for one), as files or as PEM data (data wins). */
  certFile?: string;
  keyFile?: string;
  /** Roots the server's certificate must chain to (default: the system's). */
  caFile?: string;
  certData?: Buffer;
  keyData?: Buffer;
  caData?: Buffer;
}

/** An extended resource an extender manages (kube's `ExtenderManagedResource`). */
export interface ExtenderManagedResource {
  name: string;
  /** NodeResourcesFit leaves this resource out of its check (the extender accounts for it). */
  ignoredByScheduler: boolean;
}

/**
 * One HTTP extender, defaulted (kube's v1 `Extender`). A verb left empty means the extender does not offer that
 * call; each verb is appended to `urlPrefix` (`<urlPrefix>/<verb>`).
 */
export interface ExtenderConfig {
  urlPrefix: string;
  filterVerb: string;
  preemptVerb: string;
  prioritizeVerb: string;
  bindVerb: string;
  /** Multiplier of the extender's 0-10 scores (required, positive, with prioritizeVerb). */
  weight: number;
  enableHTTPS: boolean;
  tlsConfig?: ExtenderTLSConfig;
  /** Time limit of one call, in ms (`httpTimeout`; kube's 5 s when absent or 0). */
  httpTimeoutMs: number;
  /** Send node names only: the extender keeps its own copy of the nodes. */
  nodeCacheCapable: boolean;
  /** When non-empty, only pods requesting one of these resources are sent to the extender. */
  managedResources: ExtenderManagedResource[];
  /** An unreachable or failing extender is skipped instead of failing the pod's cycle. */
  ignorable: boolean;
}

const base64Bytes = z
  .string()
  .refine((text) => /^[A-Za-z0-9+/\r\n]*={0,2}$/.test(text), { message: 'must be base64-encoded (kube reads it as bytes)' });

const tlsConfigSchema = z.strictObject({
  insecure: z.boolean().nullish(),
  serverName: z.string().nullish(),
  certFile: z.string().nullish(),
  keyFile: z.string().nullish(),
  caFile: z.string().nullish(),
  certData: base64Bytes.nullish(),
  keyData: base64Bytes.nullish(),
  caData: base64Bytes.nullish(),
});

/** One entry of `extenders:` as written (kube's field names, strict: an unknown or miscased field is an error, as in kube). */
export const extenderDocumentSchema = z.strictObject({
  urlPrefix: z.string().nullish(),
  filterVerb: z.string().nullish(),
  preemptVerb: z.string().nullish(),
  prioritizeVerb: z.string().nullish(),
  weight: z.int().nullish(),
  bindVerb: z.string().nullish(),
  enableHTTPS: z.boolean().nullish(),
  tlsConfig: tlsConfigSchema.nullish(),
  httpTimeout: z.string().nullish(),
  nodeCacheCapable: z.boolean().nullish(),
  managedResources: z.array(z.strictObject({ name: z.string(), ignoredByScheduler: z.boolean().nullish() })).nullish(),
  ignorable: z.boolean().nullish(),
});

/** An `extenders:` entry after the shape check. */
export type ExtenderDocument = z.infer<typeof extenderDocumentSchema>;

/**
 * The extenders as kube defaults them, with the issues found on the way (a timeout that is not a duration).
 * `path` is the section's path (`extenders`).
 */
export function extendersFromDocument(entries: readonly ExtenderDocument[], path = 'extenders'): { extenders: ExtenderConfig[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const extenders = entries.map((entry, index) => {
    let httpTimeoutMs = DefaultExtenderTimeoutMs;
    if (entry.httpTimeout != null) {
      const ms = parseGoDuration(entry.httpTimeout);
      if (ms === undefined) {
        issues.push({ path: `${path}[${index}].httpTimeout`, message: `invalid duration ${JSON.stringify(entry.httpTimeout)}: expected e.g. "5s", "500ms" or "1m30s"` });
      } else if (ms > 0) httpTimeoutMs = ms;
      else if (ms < 0) issues.push({ path: `${path}[${index}].httpTimeout`, message: 'must not be negative' });
    }
    const extender: ExtenderConfig = {
      urlPrefix: entry.urlPrefix ?? '',
      filterVerb: entry.filterVerb ?? '',
      preemptVerb: entry.preemptVerb ?? '',
      prioritizeVerb: entry.prioritizeVerb ?? '',
      bindVerb: entry.bindVerb ?? '',
      weight: entry.weight ?? 0,
      enableHTTPS: entry.enableHTTPS ?? false,
      httpTimeoutMs,
      nodeCacheCapable: entry.nodeCacheCapable ?? false,
      managedResources: (entry.managedResources ?? []).map((r) => ({ name: r.name, ignoredByScheduler: r.ignoredByScheduler ?? false })),
      ignorable: entry.ignorable ?? false,
    };
    if (entry.tlsConfig) extender.tlsConfig = tlsConfigOf(entry.tlsConfig);
    return extender;
  });
  return { extenders, issues };
}

function tlsConfigOf(document: NonNullable<ExtenderDocument['tlsConfig']>): ExtenderTLSConfig {
  const tls: ExtenderTLSConfig = { insecure: document.insecure ?? false };
  if (document.serverName) tls.serverName = document.serverName;
  if (document.certFile) tls.certFile = document.certFile;
  if (document.keyFile) tls.keyFile = document.keyFile;
  if (document.caFile) tls.caFile = document.caFile;
  if (document.certData) tls.certData = Buffer.from(document.certData, 'base64');
  if (document.keyData) tls.keyData = Buffer.from(document.keyData, 'base64');
  if (document.caData) tls.caData = Buffer.from(document.caData, 'base64');
  return tls;
}

/**
 * kube's ValidateExtenders: a prioritizing extender needs a positive weight, managed resources are valid extended
 * resource names listed once across all extenders, and at most one extender binds. schedkit adds: urlPrefix is an
 * http(s) URL, its scheme agrees with enableHTTPS, a client certificate comes with its key.
 */
export function extenderIssues(extenders: readonly ExtenderConfig[], path = 'extenders'): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const managed = new Map<string, string>();
  const binders: number[] = [];
  extenders.forEach((extender, index) => {
    const at = `${path}[${index}]`;
    issues.push(...urlIssues(extender, at));
    if (extender.prioritizeVerb !== '' && !(extender.weight > 0)) {
      issues.push({ path: childPath(at, 'weight'), message: `must have a positive weight applied to it, got ${extender.weight}` });
    }
    if (extender.bindVerb !== '') binders.push(index);
    extender.managedResources.forEach((resource, j) => {
      const namePath = `${at}.managedResources[${j}].name`;
      for (const message of extendedResourceNameErrors(resource.name)) issues.push({ path: namePath, message });
      const first = managed.get(resource.name);
      if (first !== undefined) issues.push({ path: namePath, message: `duplicate extender managed resource name "${resource.name}" (also ${first})` });
      else managed.set(resource.name, namePath);
    });
    const tls = extender.tlsConfig;
    if (tls) {
      const cert = tls.certData !== undefined || tls.certFile !== undefined;
      const key = tls.keyData !== undefined || tls.keyFile !== undefined;
      if (cert !== key) issues.push({ path: childPath(at, 'tlsConfig'), message: 'a client certificate needs both a certificate (certFile/certData) and its key (keyFile/keyData)' });
    }
  });
  if (binders.length > 1) {
    issues.push({ path, message: `only one extender can implement bind, found ${binders.length} (${binders.map((i) => `${path}[${i}]`).join(', ')})` });
  }
  return issues;
}

function urlIssues(extender: ExtenderConfig, at: string): ConfigIssue[] {
  const path = childPath(at, 'urlPrefix');
  if (extender.urlPrefix === '') return [{ path, message: 'is required' }];
  let url: URL;
  try {
    url = new URL(extender.urlPrefix);
  } catch {
    return [{ path, message: `${JSON.stringify(extender.urlPrefix)} is not a URL` }];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [{ path, message: `must be an http:// or https:// URL, got ${url.protocol}//` }];
  if (extender.enableHTTPS && url.protocol === 'http:') {
    return [{ path, message: 'uses http:// but enableHTTPS is true: write https:// (the call would go out unencrypted)' }];
  }
  return [];
}

/** kube's validateExtendedResourceName: a qualified name outside the kubernetes.io namespace, not `requests.`-prefixed. */
function extendedResourceNameErrors(name: string): string[] {
  const errors = qualifiedNameErrors(name);
  if (errors.length > 0) return errors.map((message) => `invalid value "${name}": ${message}`);
  const isNative = !name.includes('/') || name.includes('kubernetes.io/');
  if (isNative || name.startsWith('requests.')) return [`invalid value "${name}": is an invalid extended resource name`];
  return [];
}

const durationUnits: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration in ms ("1m30s", "500ms", "0"), undefined when `text` is not a duration. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  const part = /^(\d*(?:\.\d*)?)([a-zµμ]+)/;
  while (rest.length > 0) {
    const match = part.exec(rest);
    if (!match || match[1] === '' || match[1] === '.') return undefined;
    const unit = durationUnits[match[2]!];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
    rest = rest.slice(match[0].length);
  }
  return sign * total;
}

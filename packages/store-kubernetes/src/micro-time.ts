/**
 * A Kubernetes MicroTime (`2026-12-08T00:46:39.752000Z`): RFC 3339 with exactly six fractional digits. The API
 * server refuses Lease and Event times serialised as a JavaScript Date does (three digits).
 */
export function microTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}


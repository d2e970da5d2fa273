/** One problem in a configuration. */
export interface ConfigIssue {
  /**
   * Where: a field path in `a.b[0].c` notation (empty for the document itself), or `line L, column C` for a
   * syntax error.
   */
  path: string;
  /** What is wrong, e.g. `must be between 1 and 100`. */
  message: string;
}

/**
 * An invalid configuration. The message lists every issue, one a line, as `<file>: <path>: <problem>`
 * (the file part only when the configuration came from a named file or text).
 */
export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(
    readonly issues: readonly ConfigIssue[],
    /** The file the configuration came from, as the user named it. */
    readonly file?: string,
  ) {
    super(issues.map((issue) => formatIssue(issue, file)).join('\n'));
  }
}

/** `<file>: <path>: <problem>`, leaving out the parts that are empty. */
export function formatIssue(issue: ConfigIssue, file?: string): string {
  const parts: string[] = [];
  if (file) parts.push(file);
  if (issue.path) parts.push(issue.path);
  parts.push(issue.message);
  return parts.join(': ');
}

/** Appends a field or index to a path: `childPath('a', 'b')` is `a.b`, `childPath('a', 0)` is `a[0]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** The path of a list of keys, as zod reports them: `['profiles', 0, 'plugins']` is `profiles[0].plugins`. */
export function pathOf(keys: readonly PropertyKey[]): string {
  let path = '';
  for (const key of keys) path = childPath(path, typeof key === 'number' ? key : String(key));
  return path;
}

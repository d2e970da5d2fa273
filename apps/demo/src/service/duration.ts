import { InvalidArgumentError } from 'commander';

const units: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A commander parser for a Go duration as kube's flags take it (`15s`, `1m30s`, `500ms`), in ms. */
export function duration(flag: string): (value: string) => number {
  return (value) => {
    const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) {
      throw new InvalidArgumentError(`${flag} must be a duration such as 15s, 500ms or 1m30s, got "${value}".`);
    }
    return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * units[unit!]!, 0);
  };
}

/**
 * Kubernetes resource quantities (`"100m"`, `"1.5Gi"`, `"1e3"`) parsed exactly as apimachinery's
 * `resource.ParseQuantity` does, with the integer views the scheduler uses: `MilliValue()` for cpu and
 * `Value()` for everything else.
 */

/** Thrown for a string that is not a Kubernetes quantity. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';

  constructor(
    /** Where the value came from, e.g. `spec.containers[0].resources.requests.cpu` (may be empty). */
    readonly field: string,
    /** The offending value as written. */
    readonly value: string,
  ) {
    super(`${field ? `${field}: ` : ''}${JSON.stringify(value)} is not a valid quantity`);
  }
}

const NANOS_PER_UNIT = 1_000_000_000n;
const NANOS_PER_MILLI = 1_000_000n;
/** kube caps quantities at the largest int64. */
const MAX_NANOS = ((1n << 63n) - 1n) * NANOS_PER_UNIT;

/**
 * A parsed quantity. Its amount is kept exactly, in units of 10⁻⁹, after the same round-up-to-nano that
 * kube applies while parsing.
 */
export class Quantity {
  private readonly milli: number;
  private readonly whole: number;
  /** True when {@link milliValue} is the exact amount × 1000 (no rounding, within 2⁵³). */
  readonly milliExact: boolean;
  /** True when {@link value} is the exact amount (no rounding, within 2⁵³). */
  readonly valueExact: boolean;

  constructor(
    /** The exact amount in units of 10⁻⁹ (1 = 1n, 1000 = 1u, 10⁹ = 1). */
    readonly nanos: bigint,
  ) {
    this.milli = Number(divideAwayFromZero(nanos, NANOS_PER_MILLI));
    this.whole = Number(divideAwayFromZero(nanos, NANOS_PER_UNIT));
    this.milliExact = nanos % NANOS_PER_MILLI === 0n && Number.isSafeInteger(this.milli);
    this.valueExact = nanos % NANOS_PER_UNIT === 0n && Number.isSafeInteger(this.whole);
  }

  /** The amount × 1000, rounded up away from zero (kube's `MilliValue()`): `"100m"` → 100, `"1.5"` → 1500. */
  milliValue(): number {
    return this.milli;
  }

  /** The amount rounded up away from zero (kube's `Value()`): `"1Ki"` → 1024, `"0.1"` → 1. */
  value(): number {
    return this.whole;
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }
}

/** `nanos / unit`, rounded away from zero: the rounding of kube's `ScaledValue` on parsed quantities. */
export function divideAwayFromZero(nanos: bigint, unit: bigint): bigint {
  const quotient = nanos / unit;
  if (quotient * unit === nanos) return quotient;
  return nanos > 0n ? quotient + 1n : quotient - 1n;
}

/** Nanos to kube's `MilliValue()`. */
export function nanosToMilliValue(nanos: bigint): number {
  return Number(divideAwayFromZero(nanos, NANOS_PER_MILLI));
}

/** Nanos to kube's `Value()`. */
export function nanosToValue(nanos: bigint): number {
  return Number(divideAwayFromZero(nanos, NANOS_PER_UNIT));
}

const ZERO = new Quantity(0n);
const CACHE_LIMIT = 4096;
/** Manifests repeat the same few quantity strings; parsing each once keeps NodeInfo building cheap. */
const cache = new Map<string, Quantity>();

/**
 * Parses a Kubernetes quantity: an optionally signed decimal number (`"1"`, `"1.5"`, `".5"`, `"+1"`, `"-1"`)
 * followed by a binary suffix (`Ki Mi Gi Ti Pi Ei`), a decimal suffix (`n u m k M G T P E`) or an exponent
 * (`e3`, `E-2`). JSON numbers are accepted too. Surrounding whitespace is ignored, as kube's JSON decoder
 * trims it.
 *
 * Edge cases follow kube: a number without digits is zero (`"Mi"`, `"."` and `"+"` parse as 0), amounts are
 * rounded up to the next 10⁻⁹ and capped at 2⁶³−1.
 *
 * @param field - names the value's origin in the error message.
 * @throws QuantityError when the value is not a quantity.
 */
export function parseQuantity(value: string | number, field = ''): Quantity {
  const text = typeof value === 'number' ? numberText(value, field) : value;
  const cached = cache.get(text);
  if (cached) return cached;
  const parsed = parseText(text.trim());
  if (!parsed) throw new QuantityError(field, text);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, parsed);
  return parsed;
}

/** Like {@link parseQuantity}, but null/undefined (a JSON `null` quantity) is zero. */
export function parseQuantityOrZero(value: string | number | null | undefined, field = ''): Quantity {
  return value === null || value === undefined ? ZERO : parseQuantity(value, field);
}

function numberText(value: number, field: string): string {
  if (!Number.isFinite(value)) throw new QuantityError(field, String(value));
  return String(value);
}

const DECIMAL_SUFFIXES: Record<string, number> = { '': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = 'eEinumkKMGTP';

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The quantity `text` denotes, or undefined when kube would reject it. */
function parseText(text: string): Quantity | undefined {
  if (text.length === 0) return undefined;
  const end = text.length;
  let pos = 0;
  let negative = false;
  if (text[0] === '-') {
    negative = true;
    pos++;
  } else if (text[0] === '+') {
    pos++;
  }
  while (pos < end && text[pos] === '0') pos++;
  const numStart = pos;
  while (pos < end && isDigit(text.charCodeAt(pos))) pos++;
  const num = text.slice(numStart, pos);
  let denom = '';
  if (pos < end && text[pos] === '.') {
    pos++;
    const denomStart = pos;
    while (pos < end && isDigit(text.charCodeAt(pos))) pos++;
    denom = text.slice(denomStart, pos);
  }
  // The suffix: letters from the suffix alphabet, then an optional signed integer (the exponent form).
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(text[pos]!)) pos++;
  if (pos < end && (text[pos] === '-' || text[pos] === '+')) pos++;
  while (pos < end && isDigit(text.charCodeAt(pos))) pos++;
  if (pos < end) return undefined;
  const suffix = text.slice(suffixStart);

  let decimalExponent: number;
  let binaryExponent = 0;
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) {
    decimalExponent = DECIMAL_SUFFIXES[suffix]!;
  } else if (Object.hasOwn(BINARY_SUFFIXES, suffix)) {
    decimalExponent = 0;
    binaryExponent = BINARY_SUFFIXES[suffix]!;
  } else {
    const exponent = parseExponent(suffix);
    if (exponent === undefined) return undefined;
    decimalExponent = exponent;
  }
  const digits = BigInt(num + denom || '0');
  if (digits === 0n) return ZERO;
  const magnitude = scaleToNanos(digits, decimalExponent - denom.length, binaryExponent);
  return new Quantity(negative ? -magnitude : magnitude);
}

/** The exponent of an `e<int>` / `E<int>` suffix (an int64, as Go's ParseInt requires), else undefined. */
function parseExponent(suffix: string): number | undefined {
  if (suffix.length < 2 || (suffix[0] !== 'e' && suffix[0] !== 'E')) return undefined;
  const digits = suffix.slice(1);
  if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
  const exponent = BigInt(digits);
  if (exponent > (1n << 63n) - 1n || exponent < -(1n << 63n)) return undefined;
  return Number(exponent);
}

/** `digits × 10^power10 × 2^power2` in nanos, rounded up and capped like kube. */
function scaleToNanos(digits: bigint, power10: number, power2: number): bigint {
  const nanoPower = power10 + 9;
  // Anything this large is over the cap, and anything this small rounds up to one nano; the guards also keep
  // absurd exponents from building huge BigInts.
  if (power10 >= 19) return MAX_NANOS;
  if (nanoPower < -digits.toString().length - 20) return 1n;
  let scaled = digits << BigInt(power2);
  if (nanoPower >= 0) {
    scaled *= 10n ** BigInt(nanoPower);
  } else {
    scaled = divideAwayFromZero(scaled, 10n ** BigInt(-nanoPower));
  }
  return scaled > MAX_NANOS ? MAX_NANOS : scaled;
}

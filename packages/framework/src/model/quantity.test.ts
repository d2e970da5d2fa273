import { describe, expect, it } from 'vitest';
import { parseQuantity, QuantityError } from './quantity.js';

const Ki = 1024;
const Mi = 1024 * Ki;
const Gi = 1024 * Mi;

describe('parseQuantity', () => {
  // [input, MilliValue(), Value()] as resource.Quantity reports them.
  it.each<[string | number, number, number]>([
    ['100m', 100, 1],
    ['500Mi', 500 * Mi * 1000, 500 * Mi],
    ['1Gi', Gi * 1000, Gi],
    ['2', 2000, 2],
    ['1e3', 1_000_000, 1000],
    ['1E3', 1_000_000, 1000],
    ['1e+3', 1_000_000, 1000],
    ['1e-3', 1, 1],
    ['1.5', 1500, 2],
    ['0.1', 100, 1],
    ['.5', 500, 1],
    ['1.', 1000, 1],
    ['+1', 1000, 1],
    ['-1', -1000, -1],
    ['-1.5', -1500, -2],
    ['1k', 1_000_000, 1000],
    ['1M', 1_000_000_000, 1_000_000],
    ['1G', 1e12, 1e9],
    ['1.G', 1e12, 1e9],
    ['1T', 1e15, 1e12],
    ['1Ki', 1_024_000, 1024],
    ['1.5Gi', 1.5 * Gi * 1000, 1.5 * Gi],
    ['0.1Ki', 102_400, 103],
    ['0.5m', 1, 1],
    ['0.1m', 1, 1],
    ['1u', 1, 1],
    ['1n', 1, 1],
    // Below one nano rounds up to one nano.
    ['0.0000000001', 1, 1],
    ['007', 7000, 7],
    ['0', 0, 0],
    ['0Mi', 0, 0],
    // kube accepts a number without digits as zero.
    ['Mi', 0, 0],
    ['.', 0, 0],
    // kube's JSON decoder trims surrounding whitespace.
    [' 1 ', 1000, 1],
    // JSON numbers.
    [2, 2000, 2],
    [0.25, 250, 1],
    [1e-7, 1, 1],
  ])('%j → milli %d, value %d', (input, milli, value) => {
    const quantity = parseQuantity(input);
    expect(quantity.milliValue()).toBe(milli);
    expect(quantity.value()).toBe(value);
  });

  it('keeps the exact amount in nanos', () => {
    expect(parseQuantity('1.5Gi').nanos).toBe(1_610_612_736_000_000_000n);
    expect(parseQuantity('3m').nanos).toBe(3_000_000n);
  });

  it('caps at the largest int64', () => {
    expect(parseQuantity('9Ei').value()).toBe(Number((1n << 63n) - 1n));
  });

  it.each(['', '1.2.3', '1 Gi', 'abc', '12x', '1e', '1K', '1ki', '0.1mi', '1Ki3', '1e3k', '5i', '1+1.0M', '1.1.M', '-3.01e-', '1e99999999999999999999'])(
    '%j is not a quantity',
    (input) => {
      expect(() => parseQuantity(input)).toThrow(QuantityError);
    },
  );

  it('names the field and the value in the error', () => {
    expect(() => parseQuantity('12x', 'spec.containers[0].resources.requests.cpu')).toThrow(
      'spec.containers[0].resources.requests.cpu: "12x" is not a valid quantity',
    );
    const error = (() => {
      try {
        parseQuantity('abc', 'status.allocatable.memory');
      } catch (e) {
        return e as QuantityError;
      }
    })();
    expect(error?.field).toBe('status.allocatable.memory');
    expect(error?.value).toBe('abc');
  });

  it('rejects non-finite numbers', () => {
    expect(() => parseQuantity(Number.NaN)).toThrow('"NaN" is not a valid quantity');
  });

  it('returns the cached quantity for a repeated string', () => {
    expect(parseQuantity('250m')).toBe(parseQuantity('250m'));
  });
});

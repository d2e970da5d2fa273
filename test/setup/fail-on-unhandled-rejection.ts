// Every test fails if a promise rejection went unhandled while it ran: "no unhandled rejection, ever".
import { afterEach } from 'vitest';

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason);
});

afterEach(async () => {
  // Node reports an unhandled rejection after the microtask queue drains: give it that turn.
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (unhandled.length === 0) return;
  const reasons = unhandled.splice(0).map((reason) => (reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)));
  throw new Error(`unhandled rejection during the test:\n${reasons.join('\n')}`);
});

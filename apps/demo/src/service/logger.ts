import pino, { type Logger } from 'pino';

/** The service's structured logger: one JSON object a line on stderr (stdout stays for command output). */
export function serviceLogger(level: string, name: string): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}

export type { Logger };

import { ConfigError, RegistryError } from '@schedkit/framework';

/** Exit codes of the CLI. */
export const ExitCode = {
  Ok: 0,
  /** Something went wrong while running (a scheduler error, an I/O failure after the inputs were accepted). */
  RuntimeFailure: 1,
  /** The user's input is wrong: a flag, a file, a configuration. */
  BadInput: 2,
} as const;

/**
 * Wrong input from the user. The message is one line that names the file or flag and says what is wrong;
 * the CLI prints it and exits with {@link ExitCode.BadInput}.
 */
export class InputError extends Error {
  override name = 'InputError';
}

/** The lines to print for an error: every issue of a configuration error, otherwise the message. */
export function errorLines(error: unknown): string[] {
  if (error instanceof Error) return error.message.split('\n').filter((line) => line.trim() !== '');
  return [String(error)];
}

/** True for errors caused by what the user gave us (flags, files, configurations, plugin packages). */
export function isInputError(error: unknown): boolean {
  return error instanceof InputError || error instanceof ConfigError || error instanceof RegistryError;
}

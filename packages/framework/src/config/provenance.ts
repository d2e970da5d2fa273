/*
 * Where each plugin entry of a loaded configuration came from. Merging with the defaults reorders a profile's
 * lists, so an entry's index in the result is not its index in the file; checks that run later (unknown plugins,
 * multiPoint expansion) look the entry up here to name the path the user wrote. Entries built in code have no
 * record and are named by their position instead.
 */

/** An entry written in the document at `path`, or one the defaults supplied. */
export type EntryOrigin = { path: string } | 'defaults';

const origins = new WeakMap<object, EntryOrigin>();

/** Records where `entry` came from. */
export function recordOrigin(entry: object, origin: EntryOrigin): void {
  origins.set(entry, origin);
}

/** Where `entry` came from, if it was read by the loader. */
export function originOf(entry: object): EntryOrigin | undefined {
  return origins.get(entry);
}

/** The document path of `entry` when it was read from a document, else `fallback`. */
export function documentPathOr(entry: object, fallback: string): string {
  const origin = origins.get(entry);
  return origin !== undefined && origin !== 'defaults' ? origin.path : fallback;
}

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { LineCounter, parseDocument } from 'yaml';
import { InputError } from '../errors.js';

/** One value read from a manifest file, with where it was. */
export interface SourceValue {
  value: unknown;
  /** 1-based document index in a multi-document YAML file (1 for JSON and single documents). */
  document: number;
  /** For an element of a top-level `items:` list streamed one by one, its index. */
  item?: number;
}

/** What a List document's header (its lines outside `items:`) said, reported after its items. */
export interface ListHeader {
  document: number;
  value: unknown;
  items: number;
}

/**
 * The most aliases one document may expand. kubectl never writes aliases; hand-written files use a few. A
 * "billion laughs" file needs many more, and is refused before it can exhaust memory.
 */
const MaxAliasCount = 100;

/** Bytes inspected to tell text from binary data. */
const SniffBytes = 8192;

/**
 * Reads the documents of a YAML or JSON manifest file one at a time, never holding the whole text: YAML is split
 * on its `---` lines, and a top-level `items:` list written as `kubectl get -o yaml` writes it (elements at
 * column 0) is parsed element by element, so a 50 MB dump costs one element's parse at a time. JSON is parsed
 * whole (the platform's parser is fast and compact). `onHeader` receives what a streamed List document said
 * besides its items.
 * @throws InputError naming the file (and line and column) for a missing file, a folder, binary data, a syntax
 * error, or an alias bomb.
 */
export async function* readDocuments(file: string, onHeader: (header: ListHeader) => void): AsyncGenerator<SourceValue> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`${file}: ${error.code === 'ENOENT' ? 'file not found' : error.code === 'EACCES' ? 'permission denied' : error.message}`);
  });
  if (info.isDirectory()) throw new InputError(`${file}: is a directory, not a file`);
  const head = await sniff(file);
  if (head.includes(0)) throw new InputError(`${file}: is not a text file (it holds binary data); give YAML or JSON`);
  const first = head.toString('utf8').replace(/^\uFEFF/, '').trimStart()[0];
  if (first === '{' || first === '[') {
    const text = await readWhole(file);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // YAML flow style looks like JSON without being JSON: the YAML reader reads (and reports) it.
      value = undefined;
    }
    if (value !== undefined) {
      yield { value, document: 1 };
      return;
    }
  }
  yield* readYamlStream(file, onHeader);
}

async function* readYamlStream(file: string, onHeader: (header: ListHeader) => void): AsyncGenerator<SourceValue> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  let document = 1;
  let header: string[] = [];
  let headerStart = 1;
  let inItems = false;
  let item: string[] | undefined;
  let itemStart = 0;
  let items = 0;
  let itemsLine = 0;
  let lineNumber = 0;
  let started = false;

  /** Items that define anchors, kept as written: a later item's aliases are resolved against them. */
  let anchorItems: string[] = [];
  function* flushItem(): Generator<SourceValue> {
    if (!item) return;
    const text = item.join('\n');
    item = undefined;
    let value: unknown;
    try {
      value = parseValue(file, dedent(text), document, itemStart - 1, 2);
    } catch (error) {
      if (!(error instanceof UnresolvedAlias)) throw error;
      // Aliases across items (hand-edited Lists): parse the anchor-defining items with this one, as one list.
      const list = parseValue(file, [...anchorItems, text].join('\n'), document, 0, 0) as unknown[];
      value = list[list.length - 1];
    }
    if (/&[^\s,[\]{}]/.test(text)) anchorItems.push(text);
    if (value !== null && value !== undefined) yield { value, document, item: items };
    items++;
  }
  function* flushDocument(): Generator<SourceValue> {
    yield* flushItem();
    const text = header.join('\n');
    if (items > 0) {
      const value = parseValue(file, text, document, headerStart - 1, 0);
      onHeader({ document, value, items });
    } else if (text.trim() !== '') {
      yield* parseChunk(file, text, document, headerStart - 1);
    }
    header = [];
    inItems = false;
    items = 0;
    anchorItems = [];
  }

  for await (const raw of lines) {
    lineNumber++;
    const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line === '---' || line.startsWith('--- ') || line === '...') {
      if (started) {
        yield* flushDocument();
        if (line !== '...') document++;
      } else {
        header = [];
      }
      started = true;
      headerStart = lineNumber + 1;
      if (line.startsWith('--- ')) {
        header.push(line.slice(4));
        headerStart = lineNumber;
      }
      continue;
    }
    if (line.trim() !== '' && !line.startsWith('#')) started = true;
    if (inItems) {
      if (line === '-' || line.startsWith('- ')) {
        yield* flushItem();
        item = [line];
        itemStart = lineNumber;
        continue;
      }
      if (item && (line.startsWith(' ') || line === '' || line.startsWith('#'))) {
        item.push(line);
        continue;
      }
      if (!item && (line === '' || line.startsWith('#'))) continue;
      // Back at column 0: the rest of the List's fields (or items not written at column 0: parsed with the header).
      if (!item && items === 0) header[itemsLine] = 'items:';
      yield* flushItem();
      inItems = false;
    }
    if (line === 'items:') {
      inItems = true;
      itemsLine = header.length;
      // Keeps the header's line numbers meaningful without holding the items.
      header.push('');
      continue;
    }
    header.push(line);
  }
  yield* flushDocument();
}

function* parseChunk(file: string, text: string, document: number, lineOffset: number): Generator<SourceValue> {
  const value = parseValue(file, text, document, lineOffset, 0);
  if (value !== null && value !== undefined) yield { value, document };
}

/** An item's lines without the two columns of the `- ` that opened it. */
function dedent(text: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? (line.length > 1 ? line.slice(2) : '') : line.startsWith('  ') ? line.slice(2) : line))
    .join('\n');
}

/** An alias whose anchor is outside the text parsed. */
class UnresolvedAlias extends InputError {}

function parseValue(file: string, text: string, document: number, lineOffset: number, columnOffset: number): unknown {
  const lineCounter = new LineCounter();
  const parsed = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = parsed.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const message = error.code === 'MULTIPLE_DOCS' ? 'several documents in one' : error.message.split('\n')[0];
    throw new InputError(`${file}: line ${line + lineOffset}, column ${col + columnOffset}: ${message}`);
  }
  try {
    return parsed.toJS({ maxAliasCount: MaxAliasCount });
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith('Unresolved alias')) throw new UnresolvedAlias(`${file}: document ${document}: ${message}`);
    if (/excessive alias/i.test(message)) {
      throw new InputError(`${file}: document ${document}: refused: its YAML aliases expand too much (more than ${MaxAliasCount} alias uses; an alias bomb?)`);
    }
    throw new InputError(`${file}: document ${document}: ${message}`);
  }
}

async function sniff(file: string): Promise<Buffer> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`${file}: cannot read: ${error.code === 'EACCES' ? 'permission denied' : error.message}`);
  });
  try {
    const buffer = Buffer.alloc(SniffBytes);
    const { bytesRead } = await handle.read(buffer, 0, SniffBytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function readWhole(file: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8');
}

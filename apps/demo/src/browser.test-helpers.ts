import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** The names a system Chromium or Chrome has on PATH (Debian, Ubuntu, Fedora, Google's packages). */
const systemBrowsers = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The first executable named `names` on PATH, or undefined. */
function onPath(names: readonly string[]): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {}
    }
  }
  return undefined;
}

/** Which browser the browser tests run, and where it came from. */
export interface BrowserChoice {
  executablePath: string;
  source: 'SCHEDKIT_CHROMIUM' | 'system' | '@sparticuz/chromium';
  args: string[];
}

const quietArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * The browser for the report test: `SCHEDKIT_CHROMIUM` when set, else a system Chromium or Chrome on PATH, else
 * the Chromium that `@sparticuz/chromium` ships inside its npm package (unpacked to the temp folder on first use),
 * so that a machine with only Node and npm runs the test too.
 */
export async function chooseBrowser(): Promise<BrowserChoice> {
  const fromEnv = process.env.SCHEDKIT_CHROMIUM;
  if (fromEnv) return { executablePath: fromEnv, source: 'SCHEDKIT_CHROMIUM', args: quietArgs };
  const system = onPath(systemBrowsers);
  if (system) return { executablePath: system, source: 'system', args: quietArgs };
  const { default: packaged } = await import('@sparticuz/chromium');
  // Its args suit one page per process (serverless): --single-process ends the browser with its first page closed.
  const args = packaged.args.filter((arg) => arg !== '--single-process' && !arg.startsWith('--headless'));
  return { executablePath: await packaged.executablePath(), source: '@sparticuz/chromium', args: [...new Set([...args, ...quietArgs])] };
}

/** Launches the chosen browser headless. */
export async function launchBrowser(choice?: BrowserChoice): Promise<Browser> {
  const { executablePath, args } = choice ?? (await chooseBrowser());
  return chromium.launch({ executablePath, args });
}

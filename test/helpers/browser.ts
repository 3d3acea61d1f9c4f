/*
 * A real headless Chromium (Debian's package, driven by playwright-core, which downloads nothing), for tests of the
 * HTML output. scripts/ensure-chromium.sh installs it when missing (as root, as CI runs). Every page is opened with
 * every request recorded and every one but the allowed files refused, so a test can assert that a page fetched
 * nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ENSURE = fileURLToPath(new URL('../../scripts/ensure-chromium.sh', import.meta.url));

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type Browser = {
  context: BrowserContext;
  /** Every URL any page asked for, in order (allowed or not). */
  requests: string[];
  /** The URLs refused because they were not allowed. */
  refused: string[];
  /** Opens `url` in a new page; only the URLs in `allowed` (and `url` itself) may load. */
  open(url: string, allowed?: string[]): Promise<Page>;
  close(): Promise<void>;
};

/** Installs Chromium if missing (can take a minute or two the first time) and returns its path. */
export async function ensureChromium(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [ENSURE], { env: process.env, timeout: 900_000 });
  return stdout.trim().split('\n').pop() ?? '/usr/bin/chromium';
}

export async function launchBrowser(executablePath: string): Promise<Browser> {
  // A fresh profile each time: nothing cached or remembered from another run.
  const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 900, height: 900 },
    serviceWorkers: 'block',
  });
  const requests: string[] = [];
  const refused: string[] = [];
  let allowed = new Set<string>();
  const strip = (url: string): string => url.replace(/#.*$/, '');
  context.on('request', (request) => requests.push(request.url()));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed.has(strip(url))) return route.continue();
    refused.push(url);
    return route.abort('blockedbyclient');
  });
  return {
    context,
    requests,
    refused,
    async open(url, more = []) {
      allowed = new Set([url, ...more].map(strip));
      const page = await context.newPage();
      await page.goto(url);
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

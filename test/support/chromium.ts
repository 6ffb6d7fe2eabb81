import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's Chromium, where its package installs it (CHROMIUM_PATH overrides). */
const DEFAULT_PATH = '/usr/bin/chromium';

/**
 * The flags this machine needs (its notes): no sandbox as root, no GPU, and
 * none of Chromium's background connections, which the closed network refuses.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The path of a Chromium to drive. Browser tests download nothing (there is no
 * such network here): on a Debian machine without one, as root, Debian's
 * package is installed, as `.ci/run` does; anywhere else the error says how.
 */
export async function chromiumPath(): Promise<string> {
  const path = process.env.CHROMIUM_PATH || DEFAULT_PATH;
  if (existsSync(path)) return path;
  const canInstall =
    path === DEFAULT_PATH && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    throw new Error(
      `No Chromium at ${path}. Install Debian's (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  console.log("Installing Debian's chromium for the Swagger UI test (once, about a minute)…");
  await run('apt-get', ['install', '-y', '-q', 'chromium'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!existsSync(path)) throw new Error(`apt-get installed chromium, but not at ${path}`);
  return path;
}

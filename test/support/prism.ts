import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './build.js';

/** The CLI of the devDependency @stoplight/prism-cli: what `npx prism` runs. */
const PRISM_CLI = join(ROOT, 'node_modules/@stoplight/prism-cli/dist/index.js');

/** How long Prism may take to read the document and listen (about 3 s on an idle machine). */
const START_TIMEOUT_MS = 45_000;

/** One violation Prism reports, as its `sl-violations` header spells it. */
export interface PrismViolation {
  /** `['request', …]` or `['response', …]`, then the place (`body`, `profile`…). */
  location: string[];
  severity: string;
  code?: string | number;
  message: string;
}

export interface PrismProxy {
  /** Where Prism listens: `http://127.0.0.1:<port>`. */
  base: string;
  /** What Prism printed so far (for a failure's message). */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts `prism proxy <document> <upstream>` on an ephemeral port of
 * 127.0.0.1, the document written to a file of its own, and resolves once it
 * listens. Without `--errors`: Prism forwards every request, malformed ones
 * too, validates the request and the answer against the document, and reports
 * what it found in the answer's `sl-violations` header (see violationsOf).
 * With `--errors` it would answer a malformed request 422 itself, so Agora's
 * own error answers would never be validated.
 */
export async function startPrismProxy(document: unknown, upstream: string): Promise<PrismProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'agora-prism-'));
  const file = join(dir, 'openapi.json');
  await writeFile(file, JSON.stringify(document));
  const child = spawn(
    process.execPath,
    [PRISM_CLI, 'proxy', file, upstream, '--host', '127.0.0.1', '--port', '0', '--no-multiprocess'],
    { env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (code, signal) => resolve([code, signal])),
  );
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Prism did not listen within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (listening) {
          clearTimeout(timer);
          resolve(listening[1]);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.once('error', reject);
      void exited.then(([code, signal]) => {
        clearTimeout(timer);
        reject(new Error(`Prism exited (${String(code ?? signal)}) before listening`));
      });
    });
    return { base, output: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}:\n${output}`, { cause: error });
  }
}

/**
 * The violations Prism reports on one answer: its `sl-violations` header, a
 * JSON list (absent when there are none). Prism cuts a header past 8 kB to
 * "Too many violations! <start of the list>": then the list is unreadable,
 * and one violation of location `['unreadable']` carries the text.
 */
export function violationsOf(headers: Record<string, string | undefined>): PrismViolation[] {
  const header = headers['sl-violations'];
  if (header === undefined) return [];
  try {
    return JSON.parse(header) as PrismViolation[];
  } catch {
    return [{ location: ['unreadable'], severity: 'Error', message: header }];
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CeilingConfig } from './ceiling.js';
import { processGroup, processTree, type CpuGroup } from './cpu.js';
import { ROOT } from './options.js';
import type { CaptureInput, CaptureOutput } from './statements.js';

/** A fixed key, so cursors and tokens mean the same to every process of one run. */
export const BENCH_JWT_SECRET = 'agora-bench-jwt-secret-0123456789abcdefghijklmno';

export interface MemoryStats {
  /** VmHWM: the process's peak resident set, read just before it was stopped (kB). */
  peakKb: number | null;
  /** The largest VmRSS sampled every 250 ms while it ran (kB). */
  sampledMaxKb: number | null;
}

/** Lines of a server's own output shown as they come; a flood of warnings would bury the results. */
const ECHO_LIMIT = 10;

/** A server the bench started as a child process. */
export class ChildServer {
  private readonly tail: string[] = [];
  private echoed = 0;
  private readonly messageCounts = new Map<string, number>();
  private sampledMaxKb: number | null = null;
  private windowMaxKb: number | null = null;
  private peakKb: number | null = null;
  private readonly sampler: NodeJS.Timeout;
  /** Settles when the process has exited, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly echo: boolean,
    private readonly withChildren: boolean,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => this.onOutput(chunk));
    }
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    this.sampler = setInterval(() => this.sample(), 250);
    this.sampler.unref();
  }

  /**
   * Starts `node <args>` with env and waits until GET healthPath answers 200.
   * Agora's log lines are echoed (it runs at LOG_LEVEL=warn, so only warnings).
   */
  static async start(options: {
    name: string;
    args: string[];
    env: NodeJS.ProcessEnv;
    port: number;
    healthPath: string;
    echo?: boolean;
    timeoutMs?: number;
    /** The process's working directory: the repository root unless given. */
    cwd?: string;
    /** Leads a process group of its own, as a terminal's foreground job does (see signalGroup). */
    processGroup?: boolean;
    /**
     * Memory is read from the process and its children (a cluster primary and
     * its workers): the largest of them, as the RSS target holds per process.
     */
    withChildren?: boolean;
  }): Promise<ChildServer> {
    const child = spawn(process.execPath, options.args, {
      cwd: options.cwd ?? ROOT,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.processGroup ?? false,
    });
    const server = new ChildServer(
      options.name,
      `http://127.0.0.1:${options.port}`,
      child,
      options.echo ?? true,
      options.withChildren ?? false,
    );
    await server.waitHealthy(options.healthPath, options.timeoutMs ?? 180_000);
    return server;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The CPU time of the process and its children (a cluster's workers). */
  get cpu(): CpuGroup {
    return processGroup(this.child.pid);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  memory(): MemoryStats {
    if (this.running) {
      this.sample();
      this.peakKb = this.largest('VmHWM') ?? this.peakKb;
    }
    return { peakKb: this.peakKb, sampledMaxKb: this.sampledMaxKb };
  }

  /** Sends the process a signal; `exited` says how it ended. */
  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /**
   * Sends the signal to every process of the server's group (started with
   * `processGroup`), as a terminal does on Ctrl-C: the server and any child
   * still in its group.
   */
  signalGroup(name: NodeJS.Signals): void {
    if (!this.child.pid) throw new Error(`${this.name} has no pid`);
    process.kill(-this.child.pid, name);
  }

  /** SIGTERM (Agora shuts down gracefully), SIGKILL after 15 s. Reads the peak RSS first. */
  async stop(): Promise<MemoryStats> {
    clearInterval(this.sampler);
    const memory = this.memory();
    if (this.running) {
      this.child.kill('SIGTERM');
      const killed = await Promise.race([
        this.exited.then(() => false),
        sleep(15_000).then(() => true),
      ]);
      if (killed) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    return memory;
  }

  /** What the process logged while it ran, message by message, with counts. */
  messages(): Record<string, number> {
    return Object.fromEntries(this.messageCounts);
  }

  /** The last lines the process printed, for error messages. */
  lastOutput(): string {
    return this.tail.join('\n');
  }

  private async waitHealthy(path: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(
          `${this.name} exited (code ${this.child.exitCode}, signal ${this.child.signalCode}) ` +
            `before answering ${path}:\n${this.lastOutput()}`,
        );
      }
      try {
        const response = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    await this.stop();
    throw new Error(
      `${this.name} did not answer ${path} within ${timeoutMs} ms:\n${this.lastOutput()}`,
    );
  }

  private onOutput(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue;
      this.tail.push(line);
      const message = messageOf(line);
      this.messageCounts.set(message, (this.messageCounts.get(message) ?? 0) + 1);
      if (this.tail.length > 40) this.tail.shift();
      if (!this.echo) continue;
      this.echoed += 1;
      if (this.echoed <= ECHO_LIMIT) console.log(`  [${this.name}] ${line}`);
      else if (this.echoed === ECHO_LIMIT + 1) {
        console.log(`  [${this.name}] (further output not shown; the last lines go in errors)`);
      }
    }
  }

  /** The largest VmRSS sampled since the last call (kB): which run made the process grow. */
  takeWindowMax(): number | null {
    this.sample();
    const max = this.windowMaxKb;
    this.windowMaxKb = null;
    return max;
  }

  /** The field's largest value over the process (and its children, withChildren). */
  private largest(field: 'VmRSS' | 'VmHWM'): number | null {
    const pids = this.withChildren ? processTree(this.child.pid) : [this.child.pid];
    const values = pids.flatMap((pid) => readStatusKb(pid, field) ?? []);
    return values.length > 0 ? Math.max(...values) : null;
  }

  private sample(): void {
    const rss = this.largest('VmRSS');
    if (rss === null) return;
    this.sampledMaxKb = Math.max(this.sampledMaxKb ?? 0, rss);
    this.windowMaxKb = Math.max(this.windowMaxKb ?? 0, rss);
  }
}

/** A pino line's level and msg; any other line as it is (cut short). */
function messageOf(line: string): string {
  try {
    const parsed = JSON.parse(line) as { level?: number; msg?: string };
    if (typeof parsed.msg === 'string') return `level ${parsed.level ?? '?'}: ${parsed.msg}`;
  } catch {
    // not JSON
  }
  return line.slice(0, 200);
}

/** `/health`'s `worker` on a connection of its own (fetch would reuse one). */
function workerOnFreshConnection(url: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const request = get(`${url}/health`, { agent: false, timeout: 2000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        try {
          resolve((JSON.parse(text) as { worker?: number }).worker);
        } catch {
          resolve(undefined);
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

/** A field of /proc/<pid>/status in kB (Linux); null where there is no such file. */
function readStatusKb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The production build, as `npm run start:prod` runs it, against one dataset.
 * LOG_LEVEL=warn: at the default `info` Agora writes a JSON line per request,
 * and the bench would measure the terminal (production ships logs elsewhere).
 */
export async function startAgora(
  name: string,
  databaseUrl: string,
  poolSize: number,
  workers = 1,
  extra: Record<string, string> = {},
): Promise<ChildServer> {
  const port = await freePort();
  const server = await ChildServer.start({
    name,
    args: startProdArgs(),
    env: agoraEnv(databaseUrl, {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: String(poolSize),
      WORKERS: String(workers),
      ...extra,
    }),
    port,
    healthPath: '/health',
    withChildren: workers > 1,
  });
  if (workers > 1) await allWorkersAnswer(server, workers);
  return server;
}

/**
 * /health answers as soon as one worker listens: before measuring, every
 * worker must have answered (its `worker` field), or the first rounds would
 * run on fewer. Connections reach the workers in turn, so a few fresh ones do.
 */
async function allWorkersAnswer(server: ChildServer, workers: number): Promise<void> {
  const seen = new Set<number>();
  const deadline = Date.now() + 120_000;
  while (seen.size < workers && Date.now() < deadline) {
    const worker = await workerOnFreshConnection(server.url).catch(() => undefined);
    if (worker !== undefined) seen.add(worker);
    else await sleep(200);
  }
  if (seen.size < workers) {
    await server.stop();
    throw new Error(`${server.name}: ${seen.size} of ${workers} workers answered within 120 s`);
  }
}

/**
 * Node's arguments for Agora as `npm run start:prod` runs it: that script's
 * options (source maps, the young generation's size) and the absolute path of
 * `dist/src/main.js`. Read from package.json, so the bench and the drills run
 * the command line users run.
 */
export function startProdArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = scripts['start:prod'].trim().split(/\s+/);
  if (words[0] !== 'node' || words[words.length - 1] !== 'dist/src/main.js') {
    throw new Error(
      `start:prod is not "node [options] dist/src/main.js": ${scripts['start:prod']}`,
    );
  }
  return [...words.slice(1, -1), join(ROOT, 'dist/src/main.js')];
}

/** The ceiling server (ceiling.ts) with its configuration in dir. */
export async function startCeiling(
  dir: string,
  config: Omit<CeilingConfig, 'port'>,
): Promise<ChildServer> {
  const port = await freePort();
  const path = join(dir, 'ceiling.json');
  await writeFile(path, JSON.stringify({ ...config, port } satisfies CeilingConfig));
  return ChildServer.start({
    name: 'ceiling',
    args: ['--enable-source-maps', join(ROOT, 'dist/bench/ceiling.js'), path],
    env: process.env,
    port,
    healthPath: '/health',
  });
}

/**
 * Runs capture.ts in its own process against the dataset: the SQL Agora sends
 * for each request, with its parameters.
 */
export async function captureStatements(
  dir: string,
  databaseUrl: string,
  poolSize: number,
  input: CaptureInput,
): Promise<CaptureOutput> {
  const inputPath = join(dir, 'capture-input.json');
  const outputPath = join(dir, 'capture-output.json');
  await writeFile(inputPath, JSON.stringify(input));
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', join(ROOT, 'dist/bench/capture.js'), inputPath, outputPath],
    {
      cwd: ROOT,
      env: agoraEnv(databaseUrl, { LOG_LEVEL: 'silent', DB_POOL_SIZE: String(poolSize) }),
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('exit', done);
  });
  if (code !== 0) throw new Error(`capturing Agora's SQL failed (exit code ${code})`);
  return JSON.parse(await readFile(outputPath, 'utf8')) as CaptureOutput;
}

/** Agora's environment for one dataset: production mode, the bench's fixed JWT key. */
export function agoraEnv(databaseUrl: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Whatever the developer's shell or .env sets for their own Agora must not leak in.
  for (const key of Object.keys(env)) {
    if (
      /^(DB_|EMBEDDED_DB_|JWT_|LOGIN_|CORS_|TRUST_PROXY|WRITE_RATE_LIMIT|REDIS_|WORKERS$)/.test(key)
    )
      delete env[key];
  }
  return {
    ...env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: BENCH_JWT_SECRET,
    ...extra,
  };
}

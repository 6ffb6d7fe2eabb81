import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * CPU time spent by a group of processes (Linux /proc), in ms: what a round
 * cost Agora and what it cost PostgreSQL, per request. Throughput on this
 * 2-core machine is bounded by the CPU every process of a request uses
 * together, so these figures say where a scenario's time goes (a slower
 * scenario's extra milliseconds are Agora's or the database's) where req/s
 * alone cannot.
 */
export interface CpuGroup {
  /** utime + stime of the processes, and of their children that have exited, ms; null off Linux. */
  readMs(): number | null;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!Number.isFinite(ticksPerSecond) || ticksPerSecond <= 0) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/**
 * Fields 14–17 of /proc/<pid>/stat (utime, stime, cutime, cstime) in clock
 * ticks; the command name (field 2) may hold spaces, so fields are counted
 * after its closing parenthesis. Null when the process is gone.
 */
function statTicks(pid: number): { own: number; reaped: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): field n is fields[n - 3].
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    return { own: utime + stime, reaped: cutime + cstime };
  } catch {
    return null;
  }
}

/** The process and its direct children (Linux: /proc/<pid>/task/<pid>/children). */
export function processTree(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((p) => p !== '')
      .map(Number);
    return [pid, ...children];
  } catch {
    return [pid];
  }
}

/**
 * A process and its direct children (a cluster primary and its workers; the
 * postmaster and its backends). The root's reaped-children time counts the
 * children that exited between two readings, so a connection closed during a
 * round is not lost (it only goes missing if it exits without being reaped).
 */
export function processGroup(rootPid: number | undefined): CpuGroup {
  return {
    readMs() {
      if (rootPid === undefined) return null;
      const root = statTicks(rootPid);
      if (!root) return null;
      let ticks = root.own + root.reaped;
      for (const child of processTree(rootPid).slice(1)) ticks += statTicks(child)?.own ?? 0;
      return (ticks * 1000) / clockTicks();
    },
  };
}

/**
 * The PostgreSQL server behind a connection string, when it runs on this
 * machine: the postmaster is the parent of the backend that answers. Null
 * when its processes cannot be read here (another machine, another container).
 */
export async function databaseProcesses(url: string): Promise<CpuGroup | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const status = readFileSync(`/proc/${rows[0].pid}/status`, 'utf8');
    const parent = /^PPid:\s+(\d+)/m.exec(status);
    if (!parent) return null;
    const group = processGroup(Number(parent[1]));
    return group.readMs() === null ? null : group;
  } catch {
    return null;
  } finally {
    await client.end();
  }
}

/** CPU ms per request over a window; null when a side could not be read or nothing completed. */
export function perRequest(
  before: number | null,
  after: number | null,
  requests: number,
): number | null {
  if (before === null || after === null || requests <= 0) return null;
  return Math.round(((after - before) / requests) * 1000) / 1000;
}

import cliProgress from 'cli-progress';
import type { SeedReporter, SeedResult } from './load.js';

/** Tables at least this big get a progress bar (on a terminal). */
const BAR_MIN_ROWS = 50_000;

const number = new Intl.NumberFormat('en-US');

/**
 * The CLI's output: on a terminal a bar per large table, otherwise (and for
 * small tables) one line per table with its row count and seconds.
 */
export class ConsoleReporter implements SeedReporter {
  private bar?: cliProgress.SingleBar;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly bars: boolean,
  ) {}

  tableStarted(table: string, rows: number): void {
    if (!this.bars || rows < BAR_MIN_ROWS) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: `  ${table.padEnd(10)} [{bar}] {percentage}% | {value}/{total} rows | {duration}s`,
        stream: this.out,
        hideCursor: true,
        clearOnComplete: true,
        formatValue: (value, _options, type) =>
          type === 'value' || type === 'total' ? number.format(value) : String(value),
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(rows, 0);
  }

  rowsWritten(_table: string, rows: number): void {
    this.bar?.update(rows);
  }

  tableDone(table: string, rows: number, seconds: number): void {
    this.bar?.stop();
    this.bar = undefined;
    this.line(table, `${number.format(rows).padStart(11)} rows`, seconds);
  }

  stepDone(step: string, seconds: number): void {
    this.line(step, ''.padStart(16), seconds);
  }

  summary(result: SeedResult, where: string, password: string): void {
    const total = result.tables.reduce((sum, t) => sum + t.rows, 0);
    const counts = result.tables.map((t) => `${t.table} ${number.format(t.rows)}`).join(', ');
    this.out.write(
      `\nSeeded ${where}: ${number.format(total)} rows in ${result.seconds.toFixed(1)} s\n` +
        `  ${counts}\n` +
        `\nSign in as "demo" (or demo@example.com) with the password "${password}":\n` +
        `  npm start, then Swagger UI's Authorize at http://localhost:3000/docs, or\n` +
        `  curl -X POST http://localhost:3000/api/auth/login -H 'content-type: application/json' \\\n` +
        `       -d '{"username":"demo","password":${JSON.stringify(password)}}'\n` +
        `Every seeded user has that password. The demo user follows ${number.format(result.demoFollows)} others.\n`,
    );
  }

  private line(name: string, rows: string, seconds: number): void {
    this.out.write(`  ${name.padEnd(14)} ${rows} ${seconds.toFixed(2).padStart(7)} s\n`);
  }
}

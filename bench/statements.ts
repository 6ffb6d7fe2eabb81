/** SQL Agora sent for one HTTP request, as TypeORM handed it to `pg`. */
export interface CapturedStatement {
  sql: string;
  params: unknown[];
  /** ms since the request started, when the statement was sent and when its result came back. */
  start: number;
  end: number;
}

export interface CaptureRequest {
  /** The scenario this request stands for (S1…S6). */
  scenario: string;
  method: 'GET';
  url: string;
  /** Sent with the demo user's token. */
  auth: boolean;
}

export interface CapturedRequest extends CaptureRequest {
  status: number;
  /** The response body, parsed. */
  body: unknown;
  statements: CapturedStatement[];
}

/** What the capture process is told (a JSON file) and answers (another). */
export interface CaptureInput {
  login: { username: string; password: string };
  requests: CaptureRequest[];
}

export interface CaptureOutput {
  requests: CapturedRequest[];
}

/**
 * The statements in the order Agora ran them: each group's statements were in
 * flight together (e.g. a page and its total under `Promise.all`), and a group
 * starts once the previous one has finished.
 */
export function concurrentGroups(statements: CapturedStatement[]): CapturedStatement[][] {
  const sorted = [...statements].sort((a, b) => a.start - b.start);
  const groups: CapturedStatement[][] = [];
  let groupEnd = -Infinity;
  for (const statement of sorted) {
    const current = groups[groups.length - 1];
    if (current && statement.start < groupEnd) {
      current.push(statement);
      groupEnd = Math.max(groupEnd, statement.end);
    } else {
      groups.push([statement]);
      groupEnd = statement.end;
    }
  }
  return groups;
}

/** One line of SQL, for logs and reports. */
export function oneLine(sql: string, max = 160): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

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

/** One line of SQL, for logs and reports. */
export function oneLine(sql: string, max = 160): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

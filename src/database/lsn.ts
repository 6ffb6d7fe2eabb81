/**
 * PostgreSQL WAL positions (`pg_lsn`, written `16/B374D848`) as bigints, and
 * as fixed-width hex text whose string order is their numeric order (for
 * Redis, where a Lua script compares them as strings).
 */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) throw new Error(`Not a WAL position: ${text}`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/** 16 upper-case hex digits: compared as strings, ordered as numbers. */
export function lsnText(lsn: bigint): string {
  return lsn.toString(16).toUpperCase().padStart(16, '0');
}

export function lsnFromText(text: string): bigint {
  return BigInt(`0x${text}`);
}

/** Higher than any position a server will reach: "read from the primary". */
export const LSN_UNKNOWN = (1n << 64n) - 1n;

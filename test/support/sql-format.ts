/**
 * SQL laid out for review: a line break before each clause keyword (SELECT,
 * FROM, WHERE, AND, joins, ORDER BY, LIMIT…), indented by parenthesis depth.
 * No line is broken inside quoted text ('…' literals, "…" identifiers), and
 * only whitespace changes: `squash(formatSql(sql)) === squash(sql)`.
 */
const KEYWORDS = [
  'WITH',
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'INNER JOIN',
  'LEFT JOIN',
  'JOIN',
  'GROUP BY',
  'ORDER BY',
  'LIMIT',
  'UNION',
];
const KEYWORD = new RegExp(`^(?:${KEYWORDS.join('|').replace(/ /g, '\\s+')})\\b`);

export function formatSql(sql: string): string {
  let out = '';
  let depth = 0;
  let i = 0;
  const text = sql.replace(/\s+/g, ' ').trim();
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      // Up to the closing quote; a doubled quote is an escaped one.
      let j = i + 1;
      while (j < text.length && !(text[j] === c && text[j + 1] !== c)) j += text[j] === c ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '(') depth += 1;
    if (c === ')') depth = Math.max(0, depth - 1);
    const atWord = i === 0 || /[\s(]/.test(text[i - 1]);
    const keyword = atWord ? KEYWORD.exec(text.slice(i)) : null;
    if (keyword && out.trim() !== '') {
      out = `${out.trimEnd()}\n${'  '.repeat(depth)}`;
    }
    out += c;
    i += 1;
  }
  return `${out.trim()}\n`;
}

/** The text with all whitespace runs as one space (to compare layouts). */
export function squash(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

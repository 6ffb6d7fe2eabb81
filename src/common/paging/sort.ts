import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { invalidField } from '../problems/problem.js';

/** The SQL type of a sort expression, for casting cursor values back. */
export type SqlType = 'int' | 'bigint' | 'text' | 'timestamptz';

export interface SortField {
  /** A trusted SQL expression: never built from user text. */
  expr: string;
  type: SqlType;
}

export interface SortTerm extends SortField {
  field: string;
  descending: boolean;
}

/** A list's sortable fields, the id expression every order ends with, and the default. */
export interface SortSpec {
  fields: Record<string, SortField>;
  id: SortField;
  default: string;
}

/** The values `sort` accepts, for validation messages and the OpenAPI document. */
export function sortValues(spec: SortSpec): string[] {
  return Object.keys(spec.fields).flatMap((f) => [f, `-${f}`]);
}

/**
 * Parses `sort=-votes,title` against the list's whitelist. Unknown or repeated
 * fields are a 400; the id is always appended as the final tie-breaker (in the
 * direction of the last term) so pages never overlap or skip.
 */
export function parseSort(raw: string | undefined, spec: SortSpec): SortTerm[] {
  const parsed = readSort(raw, spec);
  if (typeof parsed === 'string') throw invalidField('sort', parsed);
  return parsed;
}

/** The list's own order, when the request names none. */
export function defaultSort(spec: SortSpec): SortTerm[] {
  return parseSort(undefined, spec);
}

/** The terms of `raw`, or what is wrong with it. */
function readSort(raw: string | undefined, spec: SortSpec): SortTerm[] | string {
  const text = raw === undefined || raw.trim() === '' ? spec.default : raw;
  const terms: SortTerm[] = [];
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const token = part.trim();
    const descending = token.startsWith('-');
    const field = descending ? token.slice(1) : token;
    const definition = Object.hasOwn(spec.fields, field) ? spec.fields[field] : undefined;
    if (!definition) return `must be a comma-separated list of: ${sortValues(spec).join(', ')}`;
    if (seen.has(field)) return `names ${field} more than once`;
    seen.add(field);
    terms.push({ field, descending, ...definition });
  }
  const last = terms[terms.length - 1];
  if (last.expr !== spec.id.expr) {
    terms.push({ field: 'id', descending: last.descending, ...spec.id });
  }
  return terms;
}

/**
 * The `sort` query parameter of a list, read at the edge: the query DTO's
 * field holds SortTerm[] (give it `defaultSort(spec)` as its initial value),
 * and text over `maxLength`, repeated, or naming an unknown or repeated field
 * is a 400 on `sort` with the other invalid parameters. Below the controller
 * nothing re-reads it.
 */
export function SortQuery(spec: SortSpec, maxLength: number): PropertyDecorator {
  const problem = (value: unknown): string | undefined => {
    if (typeof value !== 'string') return 'must be a string';
    if (value.length > maxLength) return `must be at most ${maxLength} characters`;
    const parsed = readSort(value, spec);
    return typeof parsed === 'string' ? parsed : undefined;
  };
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      problem(value) === undefined ? parseSort(value as string, spec) : value,
    ),
    ValidateBy({
      name: 'sort',
      validator: {
        // Parsed by the transform: the terms are objects; what is still text was refused.
        validate: (value: unknown) =>
          Array.isArray(value) && value.every((term) => typeof term === 'object'),
        defaultMessage: (args) => problem(args?.value) ?? 'is not a sort',
      },
    }),
  );
}

/** Canonical text of an order, bound into cursors so one cannot be replayed under another sort. */
export function sortKey(terms: SortTerm[]): string {
  return terms.map((t) => `${t.descending ? '-' : ''}${t.field}`).join(',');
}

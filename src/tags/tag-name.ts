import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsString, Matches } from 'class-validator';
import { applyDecorators, Injectable, type PipeTransform } from '@nestjs/common';
import { invalidField } from '../common/problems/problem.js';

export const TAG_NAME = /^[a-z0-9-]{1,30}$/;
export const MAX_TAGS_PER_POST = 10;

/** Trimmed and lowercased, as tag names are stored. */
export function normaliseTagName(name: string): string {
  return name.trim().toLowerCase();
}

/** Normalises and deduplicates a list of names; anything else is left for the validators. */
export function normaliseTagNames(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const names = (value as unknown[]).map((v): unknown =>
    typeof v === 'string' ? normaliseTagName(v) : v,
  );
  return [...new Set(names)];
}

/** A path's tag name, normalised; 400 when it cannot be a tag name. */
export function parseTagName(raw: string, field = 'name'): string {
  const name = normaliseTagName(raw);
  if (!TAG_NAME.test(name)) throw invalidField(field, 'must be 1 to 30 of a-z, 0-9 and -');
  return name;
}

/** `tags` in a post body: names normalised and deduplicated, at most 10, each a valid name. */
export const TagList = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => normaliseTagNames(value)),
    IsArray(),
    ArrayMaxSize(MAX_TAGS_PER_POST, { message: `must have at most ${MAX_TAGS_PER_POST} tags` }),
    IsString({ each: true }),
    Matches(TAG_NAME, { each: true, message: 'each tag must be 1 to 30 of a-z, 0-9 and -' }),
  );

/** Path tag names: normalised, or a 400 naming the parameter. */
@Injectable()
export class ParseTagNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return parseTagName(value);
  }
}

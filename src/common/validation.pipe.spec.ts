import { describe, expect, it } from '@jest/globals';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ValidationProblemException } from './problems/problem.js';
import { AppValidationPipe, QUERY_DTOS_KEPT } from './validation.pipe.js';

/** A query DTO of the usual kinds of fields: a number with a default, a list, a text. */
class ListQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;

  @IsOptional()
  @IsString({ each: true })
  @ArrayMaxSize(5)
  tag?: string[];

  @IsOptional()
  @IsString()
  search?: string;
}

const query = { type: 'query' as const, metatype: ListQueryDto };

describe('AppValidationPipe, query DTOs', () => {
  it('makes a query’s DTO once, and hands the same frozen DTO to the next request with that query', async () => {
    const pipe = new AppValidationPipe();
    const first = (await pipe.transform(
      { tag: ['go', 'rust'], limit: '5' },
      query,
    )) as ListQueryDto;
    expect(first).toBeInstanceOf(ListQueryDto);
    expect(first.limit).toBe(5);
    expect(first.tag).toEqual(['go', 'rust']);
    expect(await pipe.transform({ tag: ['go', 'rust'], limit: '5' }, query)).toBe(first);
    // Frozen to the leaves: a handler cannot change what the next request gets.
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.tag)).toBe(true);
    expect(() => (first.tag as string[]).push('c')).toThrow(TypeError);
    expect(() => Object.assign(first, { limit: 9 })).toThrow(TypeError);
    // Another query, another DTO.
    const other = (await pipe.transform({ limit: '6' }, query)) as ListQueryDto;
    expect(other).not.toBe(first);
    expect(other.limit).toBe(6);
  });

  it('refuses a bad query every time: a failure is not kept', async () => {
    const pipe = new AppValidationPipe();
    for (let i = 0; i < 2; i++) {
      await expect(pipe.transform({ limit: '0' }, query)).rejects.toBeInstanceOf(
        ValidationProblemException,
      );
      await expect(pipe.transform({ nope: '1' }, query)).rejects.toBeInstanceOf(
        ValidationProblemException,
      );
    }
  });

  it(`keeps at most ${QUERY_DTOS_KEPT} queries a DTO class, the oldest going first`, async () => {
    const pipe = new AppValidationPipe();
    const oldest = await pipe.transform({ limit: '1' }, query);
    for (let i = 0; i < QUERY_DTOS_KEPT; i++) {
      await pipe.transform({ search: `word ${i}` }, query);
    }
    // Made again: a new DTO, equal to the one let go.
    const again = await pipe.transform({ limit: '1' }, query);
    expect(again).not.toBe(oldest);
    expect(again).toEqual(oldest);
  });
});

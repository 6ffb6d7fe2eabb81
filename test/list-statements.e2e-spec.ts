import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CursorCodec } from '../src/common/paging/cursor.js';
import { Paginator, type Cut, type ListQuery } from '../src/common/paging/paginator.js';
import { defaultSort, parseSort, sortValues, type SortTerm } from '../src/common/paging/sort.js';
import { FEED_SORT, POST_SORT } from '../src/posts/post-sort.js';
import { PostsRepository, type PostFilters, type PostView } from '../src/posts/posts.repository.js';
import type { UserRef } from '../src/users/user-ref.js';
import { createTestApp, type TestApp } from './support/app.js';

/**
 * The paginator builds a list's page and count statements once per shape,
 * sort and mode, and later lists of that shape only bind their values. If a
 * list's shape missed something its SQL depends on (a filter added to the
 * base and not to the key), a cached statement would silently drop it for
 * every later request. This builds every shape of every post list (each
 * filter combination, signed in or not, each sort, offset and keyset) through
 * one cache, and holds each cached text to a fresh build.
 */
describe('compiled list statements', () => {
  let t: TestApp;
  let posts: PostsRepository;
  let cursors: CursorCodec;

  beforeAll(async () => {
    t = await createTestApp();
    posts = t.app.get(PostsRepository);
    cursors = t.app.get(CursorCodec);
  });

  afterAll(async () => {
    await t.close();
  });

  /**
   * The default, every field either way, and pairs in mixed and uniform
   * directions (their keyset conditions differ in form).
   */
  function sorts(spec: typeof POST_SORT): SortTerm[][] {
    const values = sortValues(spec);
    const fields = Object.keys(spec.fields);
    const pairs =
      fields.length < 2 ? [] : [`${fields[1]},-${fields[0]}`, `-${fields[1]},-${fields[0]}`];
    return [defaultSort(spec), ...[...values, ...pairs].map((text) => parseSort(text, spec))];
  }

  /** A first page, a page after a cursor, a deep offset page with another limit. */
  const CUTS: Cut[] = [
    { keyset: false, take: 21, skip: false },
    { keyset: true, take: 21, skip: false },
    { keyset: false, take: 6, skip: true },
  ];

  /** Holds every list, through one cache, to a fresh build; returns how many statements it compared. */
  function compare(lists: ListQuery[]): number {
    const cached = new Paginator(cursors);
    let compared = 0;
    for (const list of lists) {
      for (const cut of CUTS) {
        const viaCache = cached.statementsFor(list, cut).statements;
        const fresh = new Paginator(cursors).statementsFor(list, cut).statements;
        expect(viaCache.page.text).toBe(fresh.page.text);
        expect(cached.countStatement(list, viaCache).text).toBe(
          new Paginator(cursors).countStatement(list, fresh).text,
        );
        compared += 2;
      }
    }
    return compared;
  }

  it('every post list shape: each cached statement is the one a fresh build makes', () => {
    const authors: (UserRef | undefined)[] = [undefined, { id: 7 }, { username: 'ada_l' }];
    const searches = [undefined, '', 'engine'];
    const tagSets = [[], ['math'], ['math', 'engines'], ['a', 'b', 'c']];
    const viewers = [undefined, 3];
    const lists: ListQuery[] = [];
    for (const sort of sorts(POST_SORT)) {
      for (const author of authors) {
        for (const search of searches) {
          for (const tag of tagSets) {
            for (const viewerId of viewers) {
              const filters: PostFilters & { sort: SortTerm[] } = { author, search, tag, sort };
              // Tags are matched by name when counting, by id on the page.
              lists.push(posts.listQuery(filters, viewerId));
              lists.push(
                posts.listQuery(
                  filters,
                  viewerId,
                  tag.map((_, i) => 100 + i),
                ),
              );
            }
          }
        }
      }
    }
    expect(compare(lists)).toBe(lists.length * 2 * CUTS.length);
  });

  it('the feed, with each sort', () => {
    const lists = sorts(FEED_SORT).flatMap((sort) => [
      posts.feedQuery(sort, 3),
      posts.feedQuery(sort, 4),
    ]);
    expect(compare(lists)).toBe(lists.length * 2 * CUTS.length);
  });

  it('the Conduit face: its views and its `favorited` filter, with /api’s lists in the same cache', () => {
    const views: PostView[] = ['post', 'article', 'article-item'];
    const lists: ListQuery[] = [];
    for (const sort of [defaultSort(POST_SORT), parseSort('-votes', POST_SORT)]) {
      for (const author of [undefined, { username: 'ada_l' }]) {
        for (const votedBy of [undefined, 'grace_h']) {
          for (const tag of [[], ['math']]) {
            for (const viewerId of [undefined, 3]) {
              for (const view of views) {
                const filters = { author, votedBy, tag, sort };
                lists.push(posts.listQuery(filters, viewerId, undefined, view));
                lists.push(posts.listQuery(filters, viewerId, [100], view));
              }
            }
          }
        }
      }
      for (const view of views) lists.push(posts.feedQuery(sort, 3, view));
    }
    expect(compare(lists)).toBe(lists.length * 2 * CUTS.length);
  });

  it('catches a shape that misses a filter: the check is not vacuous', () => {
    const search = posts.listQuery({ search: 'engine', sort: defaultSort(POST_SORT) }, undefined);
    const plain = posts.listQuery({ sort: defaultSort(POST_SORT) }, undefined);
    // A key that forgot `search` would hand the plain list the search's statement.
    expect(() => compare([search, { ...plain, shape: search.shape }])).toThrow();
  });
});

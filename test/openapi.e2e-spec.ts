import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sortValues } from '../src/common/paging/sort.js';
import { POST_SORT } from '../src/posts/post-sort.js';
import { TAG_SORT } from '../src/tags/tag-sort.js';
import { USER_SORT } from '../src/users/user-sort.js';
import { createTestApp, type TestApp } from './support/app.js';
import { ROOT } from './support/build.js';

const run = promisify(execFile);

/**
 * The committed copies of the contract stay equal to the served one, so a
 * change to a DTO or decorator that moves the API shows in the diff (and the
 * generated client types the e2e helpers use move with it).
 */
describe('the OpenAPI document as committed', () => {
  let t: TestApp;
  let served: string;

  beforeAll(async () => {
    t = await createTestApp();
    served = (await t.http().get('/docs-json').expect(200)).text;
  });

  afterAll(async () => {
    await t.close();
  });

  it('openapi.json is the document /docs-json serves (npm run openapi:export writes it)', async () => {
    const committed = JSON.parse(await readFile(join(ROOT, 'openapi.json'), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(served));
  });

  it('client/agora-api.d.ts is what openapi-typescript makes of it (npm run client:generate)', async () => {
    // The npm script's own command line, in its own process, printing instead of writing.
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const [command, ...args] = pkg.scripts['client:generate'].split(' ');
    expect(command).toBe('openapi-typescript');
    const output = args.indexOf('--output');
    expect(args.splice(output, 2)).toEqual(['--output', 'client/agora-api.d.ts']);
    const { stdout } = await run(
      process.execPath,
      [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), ...args],
      { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 },
    );
    expect(stdout).toBe(await readFile(join(ROOT, 'client/agora-api.d.ts'), 'utf8'));
  });

  it('states each sort as a comma-separated list of exactly the values its list accepts', async () => {
    const doc = JSON.parse(served) as {
      paths: Record<string, { get: { parameters: Record<string, unknown>[] } }>;
    };
    const sortOf = (path: string) => doc.paths[path].get.parameters.find((p) => p.name === 'sort');
    for (const [path, spec] of [
      ['/api/posts', POST_SORT],
      ['/api/users/{id}/posts', POST_SORT],
      ['/api/users', USER_SORT],
      ['/api/tags', TAG_SORT],
    ] as const) {
      expect(sortOf(path)).toMatchObject({
        in: 'query',
        style: 'form',
        explode: false,
        schema: {
          type: 'array',
          items: { type: 'string', enum: sortValues(spec) },
          maxItems: Object.keys(spec.fields).length,
          default: spec.default.split(','),
        },
      });
    }
    // What the list accepts in that form: several of the values, comma-separated.
    await t.http().get('/api/posts').query({ sort: '-votes,title' }).expect(200);
  });
});

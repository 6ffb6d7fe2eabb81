import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * The machine's Redis (TEST_REDIS_URL, else 127.0.0.1:6379, database 9), with
 * a key prefix of this run's own, so the tests share nothing with anyone
 * else's keys and can delete exactly what they wrote.
 */
export interface TestRedis {
  url: string;
  prefix: string;
  /** The keys Agora wrote under the prefix (prefix included). */
  keys(): Promise<string[]>;
  /** Deletes every key under the prefix and disconnects. */
  cleanUp(): Promise<void>;
}

export function testRedis(): TestRedis {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/9';
  const prefix = `agora-test:${process.pid}-${randomBytes(4).toString('hex')}:`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const keys = async () => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return found;
  };
  return {
    url,
    prefix,
    keys,
    cleanUp: async () => {
      const found = await keys();
      if (found.length > 0) await client.del(...found);
      client.disconnect();
    },
  };
}

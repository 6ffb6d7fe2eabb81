import {
  HttpException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { catchError, concatMap, defer, from, Observable, of, switchMap } from 'rxjs';
import { DataSource } from 'typeorm';
import { LSN_UNKNOWN, parseLsn } from './lsn.js';
import { prepared } from './prepared.js';
import { ReplicaSet, type Replica } from './replica-set.js';
import { WritePositions } from './write-positions.js';

/** What one request decided about where its reads go. */
interface ReadScope {
  /** The replica this request's lag-tolerant reads use; undefined: the primary. */
  replica?: Replica;
  /** Whom a write request acted for, when its route has no token (a login, a registration). */
  actor?: number;
}

const scope = new AsyncLocalStorage<ReadScope>();

/** Reads: the only requests whose lag-tolerant statements may go to a replica. */
const READS = new Set(['GET', 'HEAD']);

const CURRENT_LSN = prepared<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');

/**
 * Where a lag-tolerant read runs. A repository's read method (a list, a
 * single read, a count, the stats) opts in by running on `source()` instead
 * of the primary data source; everything else (writes, transactions, reads
 * that decide a write or check a token) stays on the primary. Without
 * DATABASE_REPLICA_URLS, and outside a GET, `source()` is the primary.
 */
@Injectable()
export class ReadRouting {
  constructor(@InjectDataSource() private readonly primary: DataSource) {}

  /** The data source of this request's lag-tolerant reads: a replica, or the primary. */
  source(): DataSource {
    return scope.getStore()?.replica?.dataSource ?? this.primary;
  }

  /**
   * The request acts for `userId` although its route has no token (a token
   * was just issued): that user's reads wait for what the request saw.
   */
  actingAs(userId: number): void {
    const store = scope.getStore();
    if (store) store.actor = userId;
  }
}

/**
 * Routes each request's reads (a global interceptor, after the guards: the
 * token is checked on the primary), registered by configureApp with
 * DATABASE_REPLICA_URLS only:
 *
 * - A GET or HEAD reads from a healthy replica within REPLICA_MAX_LAG_MS that,
 *   for a signed-in caller, has replayed the caller's last write (its WAL
 *   position, kept in WritePositions); else from the primary. If it fails
 *   there with anything but an HTTP answer (a lost connection, a statement a
 *   standby cancelled, a relation a lagging replica lacks), the replica is set
 *   aside until its next good check and the request runs again on the primary:
 *   a read is safe to repeat, and no request fails because a replica does.
 * - Any other request runs on the primary; once it succeeds, the primary's WAL
 *   position (read after the commit: one statement) becomes its user's
 *   position, before the answer leaves, so the user's next read anywhere
 *   finds it.
 */
@Injectable()
export class ReadRoutingInterceptor implements NestInterceptor {
  constructor(
    private readonly replicas: ReplicaSet,
    private readonly positions: WritePositions,
    @InjectDataSource() private readonly primary: DataSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.replicas.enabled || context.getType() !== 'http') return next.handle();
    const request = context
      .switchToHttp()
      .getRequest<{ method: string; user?: { id?: unknown } }>();
    const userId = typeof request.user?.id === 'number' ? request.user.id : undefined;
    const store: ReadScope = {};
    if (!READS.has(request.method)) {
      return within(store, next).pipe(
        concatMap(async (value) => {
          const actor = userId ?? store.actor;
          if (actor !== undefined) await this.recordWrite(actor);
          return value;
        }),
      );
    }
    const picked = this.pick(userId);
    return (picked instanceof Promise ? from(picked) : of(picked)).pipe(
      switchMap((replica) => {
        store.replica = replica;
        return within(store, next);
      }),
      catchError((error: unknown) => {
        const replica = store.replica;
        if (!replica || error instanceof HttpException) throw error;
        this.replicas.failed(replica, error);
        store.replica = undefined;
        return within(store, next);
      }),
    );
  }

  /** Anonymous callers: any usable replica, at once; signed-in ones: one past their last write. */
  private pick(userId: number | undefined): Replica | undefined | Promise<Replica | undefined> {
    if (!this.replicas.anyUsable()) return undefined;
    if (userId === undefined) return this.replicas.choose();
    return this.positions.positionOf(userId).then((lsn) => this.replicas.choose(lsn));
  }

  private async recordWrite(userId: number): Promise<void> {
    let lsn: bigint;
    try {
      const row = await CURRENT_LSN.one(this.primary, []);
      lsn = row ? parseLsn(row.lsn) : LSN_UNKNOWN;
    } catch {
      // The write committed; its position is unknown: the user reads from the primary a while.
      lsn = LSN_UNKNOWN;
    }
    await this.positions.record(userId, lsn);
  }
}

/** The rest of the request (guards done), run with `store` as its read scope. */
function within(store: ReadScope, next: CallHandler): Observable<unknown> {
  // Nest's handle() binds the handler to the async context it is called in.
  return defer(() => scope.run(store, () => next.handle()));
}

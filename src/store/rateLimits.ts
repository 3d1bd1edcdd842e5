// The shared rate limiter's rows: one per key (a Teams tenant or conversation,
// a Slack channel or workspace) with the send times reserved in it and a 429's
// pause. Every process that sends reads and writes them under a lock, so
// replicas and the CLI keep one limit together (src/jobs/pacing.ts,
// docs/decisions/0006).
import type { DatabaseKind, Db, Tx } from "./client.ts";
import { Prisma } from "./generated/client.ts";

export interface KeyLog {
  times: number[];
  pausedUntil: number;
}

type Row = { key: string; times: string; pausedUntil: number };

/** A row untouched this long after its last reservation or pause is of no use to any window (the longest is an hour). */
export const RATE_LIMIT_KEY_RETENTION_MS = 2 * 3_600_000;

export function createRateLimitsRepository(db: Tx, kind: DatabaseKind) {
  /**
   * The statements of one update: create the missing rows (on SQLite this
   * first write also takes the file's write lock, before anything is read, so
   * two processes never both read and then write), read the rows (locked
   * until commit on PostgreSQL, in key order so two batches never deadlock),
   * and write back all of them in one statement.
   */
  async function locked(tx: Tx, keys: string[], change: (logs: Map<string, KeyLog>) => void): Promise<void> {
    const sorted = [...keys].sort();
    await tx.$executeRaw`INSERT INTO "RateLimitKey" ("key") VALUES ${Prisma.join(sorted.map((k) => Prisma.sql`(${k})`))} ON CONFLICT ("key") DO NOTHING`;
    const lock = kind === "postgres" ? Prisma.sql`FOR UPDATE` : Prisma.empty;
    const rows = await tx.$queryRaw<Row[]>`SELECT "key", "times", "pausedUntil" FROM "RateLimitKey" WHERE "key" IN (${Prisma.join(sorted)}) ORDER BY "key" ${lock}`;
    const logs = new Map(rows.map((r) => [r.key, { times: JSON.parse(r.times) as number[], pausedUntil: Number(r.pausedUntil) }]));
    change(logs);
    const values = [...logs].map(([key, log]) => Prisma.sql`(${key}, ${JSON.stringify(log.times)}, ${log.pausedUntil}, ${Math.max(log.pausedUntil, log.times.at(-1) ?? 0)})`);
    await tx.$executeRaw`INSERT INTO "RateLimitKey" ("key", "times", "pausedUntil", "lastAt") VALUES ${Prisma.join(values)}
      ON CONFLICT ("key") DO UPDATE SET "times" = excluded."times", "pausedUntil" = excluded."pausedUntil", "lastAt" = excluded."lastAt"`;
  }

  return {
    /** Locks the logs of `keys` for every process on this database, lets `change` change them, writes them back; one transaction. */
    async update(keys: string[], change: (logs: Map<string, KeyLog>) => void): Promise<void> {
      if (keys.length === 0) return;
      if (!("$transaction" in db)) return locked(db, keys, change);
      await (db as Db).$transaction((tx) => locked(tx, keys, change), { timeout: 20_000, maxWait: 20_000 });
    },

    /** Retention: deletes the rows of keys with nothing reserved or paused since `before`. */
    async prune(before: Date): Promise<number> {
      const { count } = await db.rateLimitKey.deleteMany({ where: { lastAt: { lt: before.getTime() } } });
      return count;
    },

    /** A key's log as stored. */
    async get(key: string): Promise<KeyLog | null> {
      const row = await db.rateLimitKey.findUnique({ where: { key } });
      return row ? { times: JSON.parse(row.times) as number[], pausedUntil: row.pausedUntil } : null;
    },
  };
}
export type RateLimitsRepository = ReturnType<typeof createRateLimitsRepository>;

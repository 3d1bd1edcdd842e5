// The outbox: proactive messages written in the same transaction as the state
// change that causes them. The unique dedupe key makes a repeated write a no-op.
// Workers claim messages with a lease: a crashed worker's claims expire and
// another worker takes them over. Every state change after the claim is
// conditional on still holding the lease.
import type { DatabaseKind, Tx } from "./client.ts";
import { Prisma } from "./generated/client.ts";

/** Rows per INSERT: 6 parameters each stays far below SQLite's and PostgreSQL's parameter limits. */
const ENQUEUE_BATCH = 500;

export interface OutboxMessage {
  id: number;
  dedupeKey: string;
  target: string;
  kind: string;
  payload: unknown;
  attempts: number;
  rateLimited: number;
  createdAt: Date;
}

type OutboxRow = { id: number; dedupeKey: string; target: string; kind: string; payload: string; attempts: number; rateLimited: number; createdAt: Date };

function toMessage(r: OutboxRow): OutboxMessage {
  return { id: r.id, dedupeKey: r.dedupeKey, target: r.target, kind: r.kind, payload: JSON.parse(r.payload) as unknown, attempts: r.attempts, rateLimited: r.rateLimited, createdAt: r.createdAt };
}

export interface OutgoingMessage {
  /** Unique per message, e.g. "need-status:42:v3:person:7". */
  dedupeKey: string;
  /** Opaque, platform-prefixed address: "person:7", "slack:C123", "teams:<conversation id>". */
  target: string;
  kind: string;
  /** The Adaptive Card (or other payload) as JSON-serialisable data. */
  payload: unknown;
  /** When it may go out. Defaults to the database's now; jobs pass ctx.now, so runs under a fixed clock (tests, `--at`) see it as due. */
  availableAt?: Date;
}

export function createOutboxRepository(db: Tx, kind: DatabaseKind) {
  return {
    /**
     * How many sends a worker runs at once on this database: PostgreSQL takes
     * concurrent writes; SQLite has one writer, and a write racing another
     * process's can fail with SQLITE_BUSY, so there one at a time.
     */
    parallelSends: kind === "postgres" ? 8 : 1,

    /**
     * Queues a message; false when one with the same dedupe key exists already,
     * also when another replica's transaction writes it at the same moment.
     */
    async enqueue(message: OutgoingMessage): Promise<boolean> {
      // ON CONFLICT, not find-then-create: two transactions would both find
      // nothing, and on PostgreSQL the loser's unique violation aborts its whole
      // transaction. Times are passed in: a database default would be the
      // PostgreSQL session's local time in a column without zone.
      const now = new Date();
      const inserted = await db.$executeRaw`INSERT INTO "OutboxMessage" ("dedupeKey", "target", "kind", "payload", "availableAt", "createdAt")
        VALUES (${message.dedupeKey}, ${message.target}, ${message.kind}, ${JSON.stringify(message.payload)}, ${message.availableAt ?? now}, ${now})
        ON CONFLICT ("dedupeKey") DO NOTHING`;
      return inserted === 1;
    },

    /**
     * Queues many messages (announcements to thousands); like `enqueue`, a
     * message whose dedupe key exists already is skipped. Returns how many were new.
     */
    async enqueueMany(messages: OutgoingMessage[]): Promise<number> {
      // One multi-row INSERT per 500 messages: Prisma's createMany through the
      // driver adapter inserts row by row (as slow as `enqueue` in a loop).
      const now = new Date();
      let inserted = 0;
      for (let i = 0; i < messages.length; i += ENQUEUE_BATCH) {
        const rows = messages
          .slice(i, i + ENQUEUE_BATCH)
          .map((m) => Prisma.sql`(${m.dedupeKey}, ${m.target}, ${m.kind}, ${JSON.stringify(m.payload)}, ${m.availableAt ?? now}, ${now})`);
        inserted += await db.$executeRaw`INSERT INTO "OutboxMessage" ("dedupeKey", "target", "kind", "payload", "availableAt", "createdAt")
          VALUES ${Prisma.join(rows)} ON CONFLICT ("dedupeKey") DO NOTHING`;
      }
      return inserted;
    },

    /**
     * Claims up to `limit` due messages for `owner` until `now + leaseMs`; two
     * workers on one database never hold the same message. PostgreSQL: one
     * UPDATE over rows picked with FOR UPDATE SKIP LOCKED, so replicas take
     * disjoint batches without waiting on each other. SQLite (one writer at a
     * time): each row is taken with its own conditional UPDATE.
     */
    async claim(options: { owner: string; now: Date; leaseMs: number; limit: number }): Promise<OutboxMessage[]> {
      const { owner, now, leaseMs, limit } = options;
      const leaseUntil = new Date(now.getTime() + leaseMs);
      if (kind === "postgres") {
        // Dates as parameters: the columns are timestamp(3) without zone, in UTC.
        // The CTE picks the rows once (a CTE that locks is always materialized;
        // an IN (subquery) may be run again and return more than `limit`).
        const rows = await db.$queryRaw<OutboxRow[]>`WITH picked AS (
            SELECT "id" FROM "OutboxMessage"
            WHERE "status" = 'pending' AND "availableAt" <= ${now} AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now})
            ORDER BY "id" LIMIT ${limit}
            FOR UPDATE SKIP LOCKED)
          UPDATE "OutboxMessage" AS m SET "leaseOwner" = ${owner}, "leaseUntil" = ${leaseUntil}
          FROM picked WHERE m."id" = picked."id"
          RETURNING m."id", m."dedupeKey", m."target", m."kind", m."payload", m."attempts", m."rateLimited", m."createdAt"`;
        return rows.sort((a, b) => a.id - b.id).map(toMessage);
      }
      const claimable = { status: "pending", availableAt: { lte: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] };
      const candidates = await db.outboxMessage.findMany({ where: claimable, orderBy: { id: "asc" }, take: limit, select: { id: true } });
      const claimed: OutboxMessage[] = [];
      for (const { id } of candidates) {
        const { count } = await db.outboxMessage.updateMany({ where: { id, ...claimable }, data: { leaseOwner: owner, leaseUntil } });
        if (count !== 1) continue;
        claimed.push(toMessage(await db.outboxMessage.findUniqueOrThrow({ where: { id } })));
      }
      return claimed;
    },

    /**
     * Extends `owner`'s lease on one message to `until`, right before it is sent,
     * so a batch that takes longer than one lease is not taken over message by
     * message while its worker is alive. False when the lease was lost already.
     */
    async renew(id: number, owner: string, until: Date): Promise<boolean> {
      const { count } = await db.outboxMessage.updateMany({ where: { id, leaseOwner: owner, status: "pending" }, data: { leaseUntil: until } });
      return count === 1;
    },

    /** Delivered. False when the lease was lost (another worker took the message over). */
    async markSent(id: number, owner: string, sent: { at: Date; ref: string }): Promise<boolean> {
      const { count } = await db.outboxMessage.updateMany({
        where: { id, leaseOwner: owner, status: "pending" },
        data: { status: "sent", sentAt: sent.at, sentRef: sent.ref, leaseOwner: null, leaseUntil: null, attempts: { increment: 1 } },
      });
      return count === 1;
    },

    /** Back to pending until `availableAt`, counted as a failed attempt, a 429, or neither (waiting for a deliverer). */
    async retryLater(id: number, owner: string, retry: { availableAt: Date; lastError: string | null; count: "attempt" | "rateLimited" | "none" }): Promise<boolean> {
      const { count } = await db.outboxMessage.updateMany({
        where: { id, leaseOwner: owner, status: "pending" },
        data: {
          availableAt: retry.availableAt,
          lastError: retry.lastError,
          leaseOwner: null,
          leaseUntil: null,
          ...(retry.count === "attempt" ? { attempts: { increment: 1 } } : retry.count === "rateLimited" ? { rateLimited: { increment: 1 } } : {}),
        },
      });
      return count === 1;
    },

    async markFailed(id: number, owner: string, lastError: string): Promise<boolean> {
      const { count } = await db.outboxMessage.updateMany({
        where: { id, leaseOwner: owner, status: "pending" },
        data: { status: "failed", lastError, leaseOwner: null, leaseUntil: null, attempts: { increment: 1 } },
      });
      return count === 1;
    },

    /** Gives back what `owner` still holds (graceful shutdown), for other workers to take at once. */
    async release(owner: string): Promise<number> {
      const { count } = await db.outboxMessage.updateMany({ where: { leaseOwner: owner, status: "pending" }, data: { leaseOwner: null, leaseUntil: null } });
      return count;
    },

    /** Pending messages and the creation time of the oldest (for metrics). */
    async pendingStats(): Promise<{ pending: number; oldestCreatedAt: Date | null }> {
      const [pending, oldest] = await Promise.all([
        db.outboxMessage.count({ where: { status: "pending" } }),
        db.outboxMessage.findFirst({ where: { status: "pending" }, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
      ]);
      return { pending, oldestCreatedAt: oldest?.createdAt ?? null };
    },

    /** Due messages without claiming them (dry runs). */
    async due(now: Date, limit: number): Promise<OutboxMessage[]> {
      const rows = await db.outboxMessage.findMany({
        where: { status: "pending", availableAt: { lte: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
        orderBy: { id: "asc" },
        take: limit,
      });
      return rows.map(toMessage);
    },

    async countByStatus(): Promise<Record<string, number>> {
      const rows = await db.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
      return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
    },
  };
}
export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

// The outbox: proactive messages written in the same transaction as the state
// change that causes them. The unique dedupe key makes a repeated write a no-op.
// Workers claim messages with a lease: a crashed worker's claims expire and
// another worker takes them over. Every state change after the claim is
// conditional on still holding the lease.
import type { Tx } from "./client.ts";

/**
 * SQLite answers "database is locked" at once, without its busy timeout, when a
 * read inside Prisma's implicit transaction must turn into a write after another
 * process wrote (WAL snapshot). Every update here is conditional on the lease: trying
 * again is safe, and failing would turn a message already sent into a retry (a duplicate).
 */
async function busyRetried<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 5 || !/database is locked/.test(String((err as Error).message))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

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

export function createOutboxRepository(db: Tx) {
  return {
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
     * Claims up to `limit` due messages for `owner` until `now + leaseMs`. Each
     * row is taken with one conditional UPDATE, so two workers on one database
     * never hold the same message (PostgreSQL can later use FOR UPDATE SKIP LOCKED here).
     */
    async claim(options: { owner: string; now: Date; leaseMs: number; limit: number }): Promise<OutboxMessage[]> {
      const { owner, now, leaseMs, limit } = options;
      const claimable = { status: "pending", availableAt: { lte: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] };
      const candidates = await db.outboxMessage.findMany({ where: claimable, orderBy: { id: "asc" }, take: limit, select: { id: true } });
      if (candidates.length === 0) return [];
      // One conditional UPDATE for the batch: each row is taken only if still claimable,
      // so a racing worker gets the others; then read back what this lease holds.
      const leaseUntil = new Date(now.getTime() + leaseMs);
      const ids = candidates.map((c) => c.id);
      const { count } = await busyRetried(() => db.outboxMessage.updateMany({ where: { id: { in: ids }, ...claimable }, data: { leaseOwner: owner, leaseUntil } }));
      if (count === 0) return [];
      const rows = await db.outboxMessage.findMany({ where: { id: { in: ids }, leaseOwner: owner, leaseUntil }, orderBy: { id: "asc" } });
      return rows.map(toMessage);
    },

    /** Delivered. False when the lease was lost (another worker took the message over). */
    async markSent(id: number, owner: string, sent: { at: Date; ref: string }): Promise<boolean> {
      const { count } = await busyRetried(() =>
        db.outboxMessage.updateMany({
          where: { id, leaseOwner: owner, status: "pending" },
          data: { status: "sent", sentAt: sent.at, sentRef: sent.ref, leaseOwner: null, leaseUntil: null, attempts: { increment: 1 } },
        }),
      );
      return count === 1;
    },

    /** Back to pending until `availableAt`, counted as a failed attempt, a 429, or neither (waiting for a deliverer). */
    async retryLater(id: number, owner: string, retry: { availableAt: Date; lastError: string | null; count: "attempt" | "rateLimited" | "none" }): Promise<boolean> {
      const { count } = await busyRetried(() =>
        db.outboxMessage.updateMany({
          where: { id, leaseOwner: owner, status: "pending" },
          data: {
            availableAt: retry.availableAt,
            lastError: retry.lastError,
            leaseOwner: null,
            leaseUntil: null,
            ...(retry.count === "attempt" ? { attempts: { increment: 1 } } : retry.count === "rateLimited" ? { rateLimited: { increment: 1 } } : {}),
          },
        }),
      );
      return count === 1;
    },

    async markFailed(id: number, owner: string, lastError: string): Promise<boolean> {
      const { count } = await busyRetried(() =>
        db.outboxMessage.updateMany({
          where: { id, leaseOwner: owner, status: "pending" },
          data: { status: "failed", lastError, leaseOwner: null, leaseUntil: null, attempts: { increment: 1 } },
        }),
      );
      return count === 1;
    },

    /** Gives back what `owner` still holds (graceful shutdown), for other workers to take at once. */
    async release(owner: string): Promise<number> {
      const { count } = await busyRetried(() => db.outboxMessage.updateMany({ where: { leaseOwner: owner, status: "pending" }, data: { leaseOwner: null, leaseUntil: null } }));
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

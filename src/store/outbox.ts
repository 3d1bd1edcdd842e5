// The outbox: proactive messages written in the same transaction as the state
// change that causes them. The unique dedupe key makes a repeated write a no-op.
// Workers claim messages with a lease: a crashed worker's claims expire and
// another worker takes them over. Every state change after the claim is
// conditional on still holding the lease.
import type { DatabaseKind, Db, Tx } from "./client.ts";
import { Prisma } from "./generated/client.ts";

/** The advisory lock that serialises claims on PostgreSQL (any constant unique to this use). */
const CLAIM_LOCK = 7_243_001;

/** The payload of a message pruned by retention. */
export const PRUNED = "null";

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
  /** When the current run of failures began (null: none yet). */
  failingSince: Date | null;
}

type OutboxRow = {
  id: number;
  dedupeKey: string;
  target: string;
  kind: string;
  payload: string;
  attempts: number;
  rateLimited: number;
  createdAt: Date | string;
  failingSince: Date | string | null;
};

/** Raw SQLite rows carry dates as stored text; Prisma's own reads give Dates. */
const asDate = (d: Date | string) => (d instanceof Date ? d : new Date(d));

function messageOfRow(r: OutboxRow): OutboxMessage {
  return {
    id: Number(r.id),
    dedupeKey: r.dedupeKey,
    target: r.target,
    kind: r.kind,
    payload: JSON.parse(r.payload) as unknown,
    attempts: Number(r.attempts),
    rateLimited: Number(r.rateLimited),
    createdAt: asDate(r.createdAt),
    failingSince: r.failingSince === null ? null : asDate(r.failingSince),
  };
}

/** What became of a claimed message; written for many messages at once by `record`. */
export type OutboxOutcome =
  | { id: number; kind: "sent"; at: Date; ref: string }
  /** Back to pending until `availableAt`, counted as a failed attempt, a 429, or neither (paused, paced, no deliverer). */
  | { id: number; kind: "retry"; at: Date; availableAt: Date; lastError: string | null; count: "attempt" | "rateLimited" | "none"; failingSince: Date | null }
  | { id: number; kind: "failed"; at: Date; lastError: string }
  /** Given back untouched (not tried), for any worker to take at once. */
  | { id: number; kind: "release" };

export interface OutboxListItem {
  id: number;
  target: string;
  kind: string;
  status: string;
  attempts: number;
  rateLimited: number;
  lastError: string | null;
  availableAt: Date;
  lastAttemptAt: Date | null;
  createdAt: Date;
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
     * workers on one database never hold the same message. A message is
     * claimable only when no earlier pending message to the same target is
     * held by a worker or waiting for a retry, so each target gets its
     * messages in queue order whichever process sends them. `refill`: only
     * these targets, the next message of each. One statement on
     * SQLite (one writer at a time); on PostgreSQL claims are serialised by a
     * transaction-scoped advisory lock, because under READ COMMITTED two
     * concurrent claims would not see each other's leases and could take a
     * target's first and second message at once.
     */
    async claim(options: { owner: string; now: Date; leaseMs: number; limit: number; refill?: string[] }): Promise<OutboxMessage[]> {
      const { owner, now, leaseMs, limit, refill } = options;
      const leaseUntil = new Date(now.getTime() + leaseMs);
      // Dates as parameters: the columns hold UTC without zone (PostgreSQL) or the adapter's text form (SQLite).
      const claimable = Prisma.sql`m."status" = 'pending' AND m."availableAt" <= ${now} AND (m."leaseUntil" IS NULL OR m."leaseUntil" < ${now})
          AND NOT EXISTS (SELECT 1 FROM "OutboxMessage" p
            WHERE p."target" = m."target" AND p."status" = 'pending' AND p."id" < m."id"
              AND (p."availableAt" > ${now} OR (p."leaseUntil" IS NOT NULL AND p."leaseUntil" >= ${now})))`;
      const returning = Prisma.sql`RETURNING "id", "dedupeKey", "target", "kind", "payload", "attempts", "rateLimited", "createdAt", "failingSince"`;
      const free = Prisma.sql`"status" = 'pending' AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now})`;
      // A refill: the next message of each of these targets only (their chains ran dry), through the (target, status, id) index.
      const picked = refill
        ? Prisma.sql`SELECT "id" FROM (SELECT m."id", ROW_NUMBER() OVER (PARTITION BY m."target" ORDER BY m."id") AS "n" FROM "OutboxMessage" m
            WHERE m."target" IN (${Prisma.join(refill)}) AND ${claimable}) r
            WHERE r."n" = 1 ORDER BY r."id" LIMIT ${limit}`
        : Prisma.sql`SELECT m."id" FROM "OutboxMessage" m WHERE ${claimable} ORDER BY m."id" LIMIT ${limit}`;
      let rows: OutboxRow[];
      if (kind === "postgres") {
        // The refill's window function cannot lock rows (FOR UPDATE): the update re-checks the lease instead, under the same advisory lock.
        const claim = refill
          ? db.$queryRaw<OutboxRow[]>`UPDATE "OutboxMessage" SET "leaseOwner" = ${owner}, "leaseUntil" = ${leaseUntil}
              WHERE "id" IN (${picked}) AND ${free} ${returning}`
          : db.$queryRaw<OutboxRow[]>`WITH picked AS (${picked} FOR UPDATE OF m SKIP LOCKED)
              UPDATE "OutboxMessage" SET "leaseOwner" = ${owner}, "leaseUntil" = ${leaseUntil}
              WHERE "id" IN (SELECT "id" FROM picked) ${returning}`;
        const lock = db.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${CLAIM_LOCK})) AS l`;
        rows = "$transaction" in db ? ((await (db as Db).$transaction([lock, claim]))[1] as OutboxRow[]) : (await lock, await claim);
      } else {
        rows = await db.$queryRaw<OutboxRow[]>`UPDATE "OutboxMessage" SET "leaseOwner" = ${owner}, "leaseUntil" = ${leaseUntil}
          WHERE "id" IN (${picked}) ${returning}`;
      }
      return rows.map(messageOfRow).sort((a, b) => a.id - b.id);
    },

    /**
     * Extends `owner`'s leases on these messages to `until` while they wait or
     * are being sent, so a long drain is not taken over while its worker is
     * alive. Returns the ids still held (a lost one was taken over already).
     */
    async renew(ids: number[], owner: string, until: Date): Promise<number> {
      if (ids.length === 0) return 0;
      const { count } = await db.outboxMessage.updateMany({ where: { id: { in: ids }, leaseOwner: owner, status: "pending" }, data: { leaseUntil: until } });
      return count;
    },

    /**
     * Writes many outcomes in one transaction (one writer, few commits: on
     * SQLite a commit is the expensive part). Each entry is true when `owner`
     * still held that message, false when its lease was lost.
     */
    async record(owner: string, outcomes: OutboxOutcome[]): Promise<boolean[]> {
      const held = (id: number) => ({ id, leaseOwner: owner, status: "pending" });
      const free = { leaseOwner: null, leaseUntil: null };
      const updates = outcomes.map((o) => {
        switch (o.kind) {
          case "sent":
            return db.outboxMessage.updateMany({ where: held(o.id), data: { ...free, status: "sent", sentAt: o.at, sentRef: o.ref, lastAttemptAt: o.at, attempts: { increment: 1 } } });
          case "failed":
            return db.outboxMessage.updateMany({ where: held(o.id), data: { ...free, status: "failed", lastError: o.lastError.slice(0, 1000), lastAttemptAt: o.at, attempts: { increment: 1 } } });
          case "retry":
            return db.outboxMessage.updateMany({
              where: held(o.id),
              data: {
                ...free,
                availableAt: o.availableAt,
                lastError: o.lastError?.slice(0, 1000) ?? null,
                ...(o.count === "none" ? {} : { lastAttemptAt: o.at, failingSince: o.failingSince ?? o.at }),
                ...(o.count === "attempt" ? { attempts: { increment: 1 } } : o.count === "rateLimited" ? { rateLimited: { increment: 1 } } : {}),
              },
            });
          case "release":
            return db.outboxMessage.updateMany({ where: held(o.id), data: free });
        }
      });
      if (updates.length === 0) return [];
      const results = "$transaction" in db ? await (db as Db).$transaction(updates) : await Promise.all(updates);
      return results.map((r) => r.count === 1);
    },

    /** Delivered. False when the lease was lost (another worker took the message over). */
    async markSent(id: number, owner: string, sent: { at: Date; ref: string }): Promise<boolean> {
      const [held] = await this.record(owner, [{ id, kind: "sent", ...sent }]);
      return held!;
    },

    /** Gives back what `owner` still holds (all, or these ids), for other workers to take at once. */
    async release(owner: string, ids?: number[]): Promise<number> {
      if (ids?.length === 0) return 0;
      const { count } = await db.outboxMessage.updateMany({
        where: { leaseOwner: owner, status: "pending", ...(ids ? { id: { in: ids } } : {}) },
        data: { leaseOwner: null, leaseUntil: null },
      });
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
      return rows.map(messageOfRow);
    },

    /** Messages for operators (`outbox list`): newest first, by status and target. */
    async list(filter: { status?: "pending" | "failed" | "sent"; targets?: string[]; limit: number }): Promise<OutboxListItem[]> {
      return db.outboxMessage.findMany({
        where: { ...(filter.status ? { status: filter.status } : {}), ...(filter.targets ? { target: { in: filter.targets } } : {}) },
        orderBy: { id: "desc" },
        take: filter.limit,
        select: { id: true, target: true, kind: true, status: true, attempts: true, rateLimited: true, lastError: true, availableAt: true, lastAttemptAt: true, createdAt: true },
      });
    },

    /**
     * Puts failed messages back in the queue with fresh retries (`outbox retry`):
     * these ids, or every failed one. Returns how many were requeued.
     */
    async retryFailed(which: { ids: number[] } | { all: true }, now: Date): Promise<number> {
      const { count } = await db.outboxMessage.updateMany({
        // A pruned message has nothing left to send.
        where: { status: "failed", payload: { not: PRUNED }, ...("ids" in which ? { id: { in: which.ids } } : {}) },
        data: { status: "pending", availableAt: now, attempts: 0, rateLimited: 0, failingSince: null, leaseOwner: null, leaseUntil: null },
      });
      return count;
    },

    /** Failed messages whose last attempt falls in [since, until) (the coordinators' digest). */
    async failedBetween(since: Date, until: Date): Promise<{ target: string; lastError: string | null }[]> {
      return db.outboxMessage.findMany({
        where: { status: "failed", lastAttemptAt: { gte: since, lt: until } },
        select: { target: true, lastError: true },
        orderBy: { id: "asc" },
      });
    },

    /** For `outbox stats`: counts by status, pending by target, the oldest pending. */
    async stats(): Promise<{ byStatus: Record<string, number>; pendingByTarget: { target: string; count: number }[]; oldestPending: Date | null }> {
      const [byStatus, byTarget, oldest] = await Promise.all([
        this.countByStatus(),
        db.outboxMessage.groupBy({ by: ["target"], where: { status: "pending" }, _count: { _all: true } }),
        db.outboxMessage.findFirst({ where: { status: "pending" }, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
      ]);
      return {
        byStatus,
        pendingByTarget: byTarget.map((r) => ({ target: r.target, count: r._count._all })).sort((a, b) => b.count - a.count || a.target.localeCompare(b.target)),
        oldestPending: oldest?.createdAt ?? null,
      };
    },

    /**
     * Retention: blanks the payload (the personal data) of messages sent
     * before `sentBefore` and of failed ones last tried before `failedBefore`.
     * The rows stay, with their dedupe keys, so a message is never queued twice.
     */
    async prunePayloads(options: { sentBefore: Date; failedBefore: Date }): Promise<{ sent: number; failed: number }> {
      const blank = { payload: PRUNED, lastError: null };
      const [sent, failed] = await Promise.all([
        db.outboxMessage.updateMany({ where: { status: "sent", sentAt: { lt: options.sentBefore }, payload: { not: PRUNED } }, data: blank }),
        db.outboxMessage.updateMany({
          where: { status: "failed", OR: [{ lastAttemptAt: { lt: options.failedBefore } }, { lastAttemptAt: null, createdAt: { lt: options.failedBefore } }], payload: { not: PRUNED } },
          data: blank,
        }),
      ]);
      return { sent: sent.count, failed: failed.count };
    },

    async countByStatus(): Promise<Record<string, number>> {
      const rows = await db.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
      return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
    },
  };
}
export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

// The outbox: proactive messages written in the same transaction as the state
// change that causes them. The unique dedupe key makes a repeated write a no-op.
import type { Tx } from "./client.ts";

export interface OutgoingMessage {
  /** Unique per message, e.g. "need-status:42:v3:person:7". */
  dedupeKey: string;
  /** Opaque, platform-prefixed address: "person:7", "slack:C123", "teams:<conversation id>". */
  target: string;
  kind: string;
  /** The Adaptive Card (or other payload) as JSON-serialisable data. */
  payload: unknown;
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

    async countByStatus(): Promise<Record<string, number>> {
      const rows = await db.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
      return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
    },
  };
}
export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

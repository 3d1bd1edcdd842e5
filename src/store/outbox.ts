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
    /** Queues a message; false when one with the same dedupe key exists already. */
    async enqueue(message: OutgoingMessage): Promise<boolean> {
      const existing = await db.outboxMessage.findUnique({ where: { dedupeKey: message.dedupeKey }, select: { id: true } });
      if (existing) return false;
      await db.outboxMessage.create({
        data: {
          dedupeKey: message.dedupeKey,
          target: message.target,
          kind: message.kind,
          payload: JSON.stringify(message.payload),
          ...(message.availableAt ? { availableAt: message.availableAt } : {}),
        },
      });
      return true;
    },

    async countByStatus(): Promise<Record<string, number>> {
      const rows = await db.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
      return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
    },
  };
}
export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

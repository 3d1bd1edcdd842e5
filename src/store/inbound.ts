// Platform event ids already handled, so a retried delivery is handled once,
// whichever replica it reaches.
import type { Tx } from "./client.ts";

export function createInboundRepository(db: Tx) {
  return {
    /** True the first time (platform, eventId) is seen, false for a repeat. */
    async firstSeen(platform: string, eventId: string): Promise<boolean> {
      // ON CONFLICT rather than catching a unique violation: on PostgreSQL a
      // failed statement aborts the surrounding transaction. A concurrent
      // insert of the same id waits for the other transaction to end.
      const inserted = await db.$executeRaw`INSERT INTO "InboundEvent" ("platform", "eventId", "receivedAt") VALUES (${platform}, ${eventId}, ${new Date()}) ON CONFLICT DO NOTHING`;
      return inserted === 1;
    },
    /** Forgets (platform, eventId): a submission that changed nothing (invalid fields) may come again. */
    async forget(platform: string, eventId: string): Promise<void> {
      await db.inboundEvent.deleteMany({ where: { platform, eventId } });
    },
    async prune(before: Date): Promise<number> {
      const { count } = await db.inboundEvent.deleteMany({ where: { receivedAt: { lt: before } } });
      return count;
    },
  };
}
export type InboundRepository = ReturnType<typeof createInboundRepository>;

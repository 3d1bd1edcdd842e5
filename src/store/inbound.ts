// Platform event ids already handled, so a retried delivery is handled once.
import type { Tx } from "./client.ts";

export function createInboundRepository(db: Tx) {
  return {
    /** True the first time (platform, eventId) is seen, false for a repeat. */
    async firstSeen(platform: string, eventId: string): Promise<boolean> {
      try {
        await db.inboundEvent.create({ data: { platform, eventId } });
        return true;
      } catch (err) {
        if ((err as { code?: string }).code === "P2002") return false;
        throw err;
      }
    },
    async prune(before: Date): Promise<number> {
      const { count } = await db.inboundEvent.deleteMany({ where: { receivedAt: { lt: before } } });
      return count;
    },
  };
}
export type InboundRepository = ReturnType<typeof createInboundRepository>;

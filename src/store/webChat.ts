// Messages waiting for a person in the local web chat: its proactive delivery target.
import type { Tx } from "./client.ts";

export function createWebChatRepository(db: Tx) {
  return {
    async push(personId: number, card: unknown): Promise<number> {
      const row = await db.webChatMessage.create({ data: { personId, card: JSON.stringify(card) } });
      return row.id;
    },
    async since(personId: number, afterId: number): Promise<{ id: number; card: unknown; createdAt: Date }[]> {
      const rows = await db.webChatMessage.findMany({
        where: { personId, id: { gt: afterId } },
        orderBy: { id: "asc" },
        take: 50,
      });
      return rows.map((r) => ({ id: r.id, card: JSON.parse(r.card) as unknown, createdAt: r.createdAt }));
    },
  };
}
export type WebChatRepository = ReturnType<typeof createWebChatRepository>;

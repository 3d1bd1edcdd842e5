import type { Tx } from "./client.ts";

export function createAuditRepository(db: Tx) {
  return {
    /** Records one entry; returns its id (a stable key for what it caused, e.g. notifications). */
    async record(entry: { actorId: number | null; action: string; subject: string; before?: unknown; after?: unknown }): Promise<number> {
      const row = await db.auditLog.create({
        data: {
          actorId: entry.actorId,
          action: entry.action,
          subject: entry.subject,
          before: entry.before === undefined ? null : JSON.stringify(entry.before),
          after: entry.after === undefined ? null : JSON.stringify(entry.after),
        },
      });
      return row.id;
    },
    async forSubject(subject: string) {
      return db.auditLog.findMany({ where: { subject }, orderBy: { id: "asc" } });
    },
  };
}
export type AuditRepository = ReturnType<typeof createAuditRepository>;

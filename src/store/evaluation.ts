// What the evaluation figures (`report kpis`, the digest's quarter comparison)
// are computed from: needs with their history and supporters' departments,
// status requests with their work package. Minimal columns, one query each.
import type { KpiNeed, KpiRequest } from "../domain/kpis.ts";
import type { Tx } from "./client.ts";

export function createEvaluationRepository(db: Tx) {
  return {
    /** Needs reported since `since` (or all). */
    async needs(since: Date | null): Promise<KpiNeed[]> {
      const rows = await db.need.findMany({
        where: since ? { createdAt: { gte: since } } : {},
        orderBy: { id: "asc" },
        select: {
          id: true,
          createdAt: true,
          departmentId: true,
          reporter: { select: { departmentId: true } },
          supporters: { select: { person: { select: { departmentId: true } } } },
          events: { select: { kind: true, toStatus: true, createdAt: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
        },
      });
      return rows.map((r) => ({
        id: r.id,
        createdAt: r.createdAt,
        departmentId: r.departmentId ?? r.reporter.departmentId,
        supporterDepartmentIds: r.supporters.map((s) => s.person.departmentId),
        events: r.events,
      }));
    },

    /** Status requests asked since `since` (or all), grouped under their work package. */
    async statusRequests(since: Date | null): Promise<KpiRequest[]> {
      const rows = await db.statusRequest.findMany({
        where: since ? { askedAt: { gte: since } } : {},
        select: {
          askedAt: true,
          dueAt: true,
          answeredAt: true,
          workPackage: { select: { code: true } },
          initiative: { select: { code: true, workPackage: { select: { code: true } } } },
        },
      });
      return rows.map((r) => ({
        askedAt: r.askedAt,
        dueAt: r.dueAt,
        answeredAt: r.answeredAt,
        workPackage: r.workPackage?.code ?? r.initiative?.workPackage?.code ?? r.initiative?.code ?? "–",
      }));
    },
  };
}

// What the evaluation figures (`report kpis`, the digest's quarter comparison)
// are computed from: needs with their history and supporters' departments,
// status requests with their work package. Minimal columns, one query each.
import type { KpiNeed, KpiRequest } from "../domain/kpis.ts";
import type { Tx } from "./client.ts";
import { readPaged } from "./paged.ts";

export function createEvaluationRepository(db: Tx) {
  return {
    /**
     * Needs reported in [from, to) (open ends: all); with `latest`, only that
     * many of the newest (a sample, for the digest).
     */
    async needs(range: { from?: Date; to?: Date; latest?: number } = {}): Promise<KpiNeed[]> {
      const createdAt = { ...(range.from ? { gte: range.from } : {}), ...(range.to ? { lt: range.to } : {}) };
      const page = (afterId: number, take: number, newest = false) =>
        db.need.findMany({
          where: { createdAt, ...(newest ? {} : { id: { gt: afterId } }) },
          orderBy: { id: newest ? "desc" : "asc" },
          take,
          select: {
            id: true,
            createdAt: true,
            departmentId: true,
            reporter: { select: { departmentId: true } },
            supporters: { select: { person: { select: { departmentId: true } } } },
            events: { select: { kind: true, toStatus: true, createdAt: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
          },
        });
      const rows = range.latest ? await page(0, range.latest, true) : await readPaged(page);
      return rows.map((r) => ({
        id: r.id,
        createdAt: r.createdAt,
        departmentId: r.departmentId ?? r.reporter.departmentId,
        supporterDepartmentIds: r.supporters.map((s) => s.person.departmentId),
        events: r.events,
      }));
    },

    /** Status requests asked since `since` (or all), grouped under their work package. */
    async statusRequests(since?: Date): Promise<KpiRequest[]> {
      const rows = await readPaged((afterId, take) =>
        db.statusRequest.findMany({
          where: { id: { gt: afterId }, ...(since ? { askedAt: { gte: since } } : {}) },
          orderBy: { id: "asc" },
          take,
          select: {
            id: true,
            askedAt: true,
            dueAt: true,
            answeredAt: true,
            workPackage: { select: { code: true } },
            initiative: { select: { code: true, workPackage: { select: { code: true } } } },
          },
        }),
      );
      return rows.map((r) => ({
        askedAt: r.askedAt,
        dueAt: r.dueAt,
        answeredAt: r.answeredAt,
        workPackage: r.workPackage?.code ?? r.initiative?.workPackage?.code ?? r.initiative?.code ?? "–",
      }));
    },
  };
}

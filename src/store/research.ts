// The rows the research export is built from (src/domain/research.ts turns
// them into pseudonymised tables). Needs, status requests and lessons are
// limited to the export's period; the structure (departments, work packages,
// initiatives, methods, people) is read whole, since rows in the period refer to it.
import type { Tx } from "./client.ts";
import { readPaged } from "./paged.ts";

export interface Range {
  from: Date | null;
  /** Exclusive. */
  to: Date | null;
}

const within = (range: Range) => ({ ...(range.from ? { gte: range.from } : {}), ...(range.to ? { lt: range.to } : {}) });

export function createResearchRepository(db: Tx) {
  return {
    /** Everyone who can appear in the data, with what identifies them (names, e-mail, platform ids). */
    async people() {
      const rows = await db.person.findMany({
        orderBy: { id: "asc" },
        select: { id: true, displayName: true, email: true, departmentId: true, roles: { select: { role: true } }, accounts: { select: { userId: true } } },
      });
      return rows.map(({ accounts, roles, ...r }) => ({ ...r, roles: roles.map((x) => x.role).sort(), userIds: accounts.map((a) => a.userId) }));
    },
    async departments() {
      return db.department.findMany({ orderBy: { id: "asc" }, select: { id: true, code: true, name: true, nameEn: true, active: true } });
    },
    async workPackages() {
      return db.workPackage.findMany({
        orderBy: { id: "asc" },
        select: { id: true, code: true, name: true, description: true, leadId: true, deputyId: true, cadence: true, active: true, createdAt: true },
      });
    },
    async initiatives() {
      return db.initiative.findMany({
        orderBy: { id: "asc" },
        select: { id: true, code: true, title: true, stage: true, ownerId: true, workPackageId: true, needId: true, active: true, createdAt: true, updatedAt: true },
      });
    },
    /** The methods catalogue, whole: the methods attached to needs in the period refer to it. */
    async methods() {
      return db.method.findMany({
        orderBy: { id: "asc" },
        select: { id: true, code: true, name: true, nameEn: true, effort: true, tags: true, sustainability: true, workPackageId: true, active: true },
      });
    },
    /** Needs reported in the range, with their history, supporters and attached methods. */
    async needs(range: Range) {
      return readPaged((afterId, take) =>
        db.need.findMany({
          where: { id: { gt: afterId }, createdAt: within(range) },
          orderBy: { id: "asc" },
          take,
          include: {
            events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
            supporters: { orderBy: { createdAt: "asc" }, include: { person: { select: { departmentId: true } } } },
            methods: { orderBy: { methodId: "asc" }, select: { createdAt: true, method: { select: { code: true } } } },
          },
        }),
      );
    },
    /** Status requests asked in the range, with their answer. */
    async statusRequests(range: Range) {
      return readPaged((afterId, take) =>
        db.statusRequest.findMany({ where: { id: { gt: afterId }, askedAt: within(range) }, orderBy: { id: "asc" }, take, include: { update: true } }),
      );
    },
    /** Learning-log questions asked in the range. */
    async lessons(range: Range) {
      return db.lesson.findMany({ where: { askedAt: within(range) }, orderBy: { id: "asc" } });
    },
  };
}
export type ResearchRepository = ReturnType<typeof createResearchRepository>;
export type ResearchPerson = Awaited<ReturnType<ResearchRepository["people"]>>[number];
export type ResearchNeed = Awaited<ReturnType<ResearchRepository["needs"]>>[number];
export type ResearchStatusRequest = Awaited<ReturnType<ResearchRepository["statusRequests"]>>[number];
export type ResearchLesson = Awaited<ReturnType<ResearchRepository["lessons"]>>[number];
export type ResearchDepartment = Awaited<ReturnType<ResearchRepository["departments"]>>[number];
export type ResearchWorkPackage = Awaited<ReturnType<ResearchRepository["workPackages"]>>[number];
export type ResearchMethod = Awaited<ReturnType<ResearchRepository["methods"]>>[number];
export type ResearchInitiative = Awaited<ReturnType<ResearchRepository["initiatives"]>>[number];

import type { WorkPackage } from "../domain/types.ts";
import type { Tx } from "./client.ts";

const fields = {
  id: true,
  code: true,
  name: true,
  description: true,
  leadId: true,
  deputyId: true,
  cadence: true,
  timezone: true,
  active: true,
  pingsPaused: true,
} as const;

export function createWorkPackagesRepository(db: Tx) {
  return {
    async active(): Promise<WorkPackage[]> {
      return db.workPackage.findMany({ where: { active: true }, select: fields, orderBy: { code: "asc" } });
    },
    async byId(id: number): Promise<WorkPackage | null> {
      return db.workPackage.findUnique({ where: { id }, select: fields });
    },
    /** Active work packages this person leads. */
    async ledBy(personId: number): Promise<WorkPackage[]> {
      return db.workPackage.findMany({ where: { active: true, leadId: personId }, select: fields, orderBy: { code: "asc" } });
    },
    async byCode(code: string): Promise<WorkPackage | null> {
      return db.workPackage.findUnique({ where: { code }, select: fields });
    },
    /** Active work packages the person leads or deputises. */
    async ledOrDeputisedBy(personId: number): Promise<WorkPackage[]> {
      return db.workPackage.findMany({
        where: { active: true, OR: [{ leadId: personId }, { deputyId: personId }] },
        select: fields,
        orderBy: { code: "asc" },
      });
    },
    async update(id: number, patch: Partial<Pick<WorkPackage, "leadId" | "deputyId" | "cadence" | "pingsPaused" | "active">>): Promise<WorkPackage> {
      return db.workPackage.update({ where: { id }, data: patch, select: fields });
    },
  };
}
export type WorkPackagesRepository = ReturnType<typeof createWorkPackagesRepository>;

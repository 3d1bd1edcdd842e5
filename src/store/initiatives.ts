// Initiatives: innovation processes under way that a need can be assigned to.
import type { Initiative } from "../domain/types.ts";
import type { Tx } from "./client.ts";

const fields = { id: true, code: true, title: true, workPackageId: true } as const;

export function createInitiativesRepository(db: Tx) {
  return {
    async active(): Promise<Initiative[]> {
      return db.initiative.findMany({ where: { active: true }, select: fields, orderBy: { code: "asc" } });
    },
    async byId(id: number): Promise<Initiative | null> {
      return db.initiative.findUnique({ where: { id }, select: fields });
    },
  };
}
export type InitiativesRepository = ReturnType<typeof createInitiativesRepository>;

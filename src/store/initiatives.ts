// Initiatives: innovation processes under way, usually under a work package.
import type { Initiative, InitiativeStage } from "../domain/types.ts";
import type { Tx } from "./client.ts";

const fields = { id: true, code: true, title: true, stage: true, ownerId: true, workPackageId: true, needId: true, active: true } as const;
const toInitiative = (row: { stage: string } & Omit<Initiative, "stage">): Initiative => ({ ...row, stage: row.stage as InitiativeStage });

export function createInitiativesRepository(db: Tx) {
  return {
    async active(): Promise<Initiative[]> {
      return (await db.initiative.findMany({ where: { active: true }, select: fields, orderBy: { code: "asc" } })).map(toInitiative);
    },
    async byId(id: number): Promise<Initiative | null> {
      const row = await db.initiative.findUnique({ where: { id }, select: fields });
      return row ? toInitiative(row) : null;
    },
    async ownedBy(personId: number): Promise<Initiative[]> {
      return (await db.initiative.findMany({ where: { active: true, ownerId: personId }, select: fields, orderBy: { code: "asc" } })).map(toInitiative);
    },
    async byNeed(needId: number): Promise<Initiative | null> {
      const row = await db.initiative.findFirst({ where: { needId }, select: fields });
      return row ? toInitiative(row) : null;
    },
    /**
     * Creates an initiative with the next free code of the year (I-2026-01, …).
     * Callers run it in a transaction, which serialises writers on SQLite; the
     * unique code refuses a racing duplicate on PostgreSQL.
     */
    async create(input: { year: number; title: string; stage: InitiativeStage; ownerId: number | null; workPackageId: number | null; needId: number | null }): Promise<Initiative> {
      const prefix = `I-${input.year}-`;
      // Initiatives are few; filtering codes here avoids LIKE, whose case rules differ between SQLite and PostgreSQL.
      const codes = (await db.initiative.findMany({ select: { code: true } })).filter((c) => c.code.startsWith(prefix));
      const last = Math.max(0, ...codes.map((c) => Number(c.code.slice(prefix.length))).filter(Number.isInteger));
      const { year: _year, ...data } = input;
      const row = await db.initiative.create({ data: { ...data, code: `${prefix}${String(last + 1).padStart(2, "0")}` }, select: fields });
      return toInitiative(row);
    },
  };
}
export type InitiativesRepository = ReturnType<typeof createInitiativesRepository>;

// The catalogue of methods and tools, and the methods attached to needs.
import { methodTexts, type Effort, type Method, type MethodEdit } from "../domain/methods.ts";
import type { SustainabilityArea } from "../domain/types.ts";
import type { Tx } from "./client.ts";

const include = { contact: { select: { displayName: true } }, workPackage: { select: { code: true } } } as const;

/** A Method row with its contact's name and work package's code (effort and the lists as stored). */
type MethodRow = Omit<Method, "effort" | "contactName" | "workPackageCode" | "links" | "tags" | "sustainability"> & {
  effort: string;
  links: string;
  tags: string;
  sustainability: string;
  contact: { displayName: string } | null;
  workPackage: { code: string } | null;
};

const split = (value: string) => (value ? value.split(",") : []);

export function toMethod(row: MethodRow): Method {
  return {
    id: row.id,
    code: row.code,
    ...methodTexts({ ...row, effort: row.effort as Effort }),
    contactId: row.contactId,
    contactName: row.contact?.displayName ?? null,
    links: JSON.parse(row.links) as string[],
    tags: split(row.tags),
    sustainability: split(row.sustainability) as SustainabilityArea[],
    workPackageId: row.workPackageId,
    workPackageCode: row.workPackage?.code ?? null,
    active: row.active,
  };
}

/** The stored form of the list fields. */
export const methodColumns = (m: { links: string[]; tags: string[]; sustainability?: string[] }) => ({
  links: JSON.stringify(m.links),
  tags: m.tags.join(","),
  ...(m.sustainability ? { sustainability: m.sustainability.join(",") } : {}),
});

export function createMethodsRepository(db: Tx) {
  return {
    async active(): Promise<Method[]> {
      return (await db.method.findMany({ where: { active: true }, include, orderBy: { code: "asc" } })).map(toMethod);
    },
    async byId(id: number): Promise<Method | null> {
      const row = await db.method.findUnique({ where: { id }, include });
      return row ? toMethod(row) : null;
    },
    async byIds(ids: number[]): Promise<Method[]> {
      return (await db.method.findMany({ where: { id: { in: ids } }, include, orderBy: { code: "asc" } })).map(toMethod);
    },
    async update(id: number, patch: MethodEdit): Promise<Method> {
      return toMethod(await db.method.update({ where: { id }, data: { ...patch, ...methodColumns(patch) }, include }));
    },
    /** Attaches methods to a need (again attaching one already attached changes nothing). */
    async attach(needId: number, methodIds: number[], now: Date): Promise<void> {
      for (const methodId of methodIds) {
        await db.needMethod.upsert({ where: { needId_methodId: { needId, methodId } }, create: { needId, methodId, createdAt: now }, update: {} });
      }
    },
    async ofNeed(needId: number): Promise<Method[]> {
      const rows = await db.needMethod.findMany({ where: { needId }, include: { method: { include } }, orderBy: { methodId: "asc" } });
      return rows.map((r) => toMethod(r.method));
    },
    /** How often each method was attached in [from, to), most attached first. */
    async attachedBetween(from: Date, to: Date): Promise<{ method: Method; count: number }[]> {
      const groups = await db.needMethod.groupBy({ by: ["methodId"], where: { createdAt: { gte: from, lt: to } }, _count: { _all: true } });
      if (groups.length === 0) return [];
      const methods = new Map((await this.byIds(groups.map((g) => g.methodId))).map((m) => [m.id, m]));
      return groups
        .map((g) => ({ method: methods.get(g.methodId)!, count: g._count._all }))
        .sort((a, b) => b.count - a.count || a.method.code.localeCompare(b.method.code));
    },
  };
}
export type MethodsRepository = ReturnType<typeof createMethodsRepository>;

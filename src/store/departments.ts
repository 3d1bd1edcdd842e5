import type { Department } from "../domain/types.ts";
import { cached, type ReadCache } from "./cache.ts";
import type { Tx } from "./client.ts";

export function createDepartmentsRepository(db: Tx, cache: ReadCache) {
  return {
    /** Cached (src/store/cache.ts): every need form and submission asks. Do not change the array. */
    async active(): Promise<Department[]> {
      return cached(cache, "departments", "active", () =>
        db.department.findMany({
          where: { active: true },
          select: { id: true, code: true, name: true, nameEn: true },
          orderBy: { name: "asc" },
        }),
      );
    },
    async byId(id: number): Promise<Department | null> {
      return db.department.findUnique({ where: { id }, select: { id: true, code: true, name: true, nameEn: true } });
    },
  };
}
export type DepartmentsRepository = ReturnType<typeof createDepartmentsRepository>;

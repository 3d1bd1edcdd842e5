import type { Department } from "../domain/types.ts";
import type { Tx } from "./client.ts";

export function createDepartmentsRepository(db: Tx) {
  return {
    async active(): Promise<Department[]> {
      return db.department.findMany({
        where: { active: true },
        select: { id: true, code: true, name: true, nameEn: true },
        orderBy: { name: "asc" },
      });
    },
    async byId(id: number): Promise<Department | null> {
      return db.department.findUnique({ where: { id }, select: { id: true, code: true, name: true, nameEn: true } });
    },
  };
}
export type DepartmentsRepository = ReturnType<typeof createDepartmentsRepository>;

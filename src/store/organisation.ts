// The organisation as the database holds it (departments, people with their
// managed roles, work packages, initiatives, settings), read as one model and
// written from a computed diff. Callers run both inside one transaction.
import { MANAGED_ROLES, type ManagedRole, type OrgChange, type OrgModel, type OrgSettings } from "../domain/orgModel.ts";
import { ORG_FILE_SETTINGS } from "../domain/settings.ts";
import { createSettingsRepository } from "./settings.ts";
import type { InitiativeStage, Locale } from "../domain/types.ts";
import type { ReadCache } from "./cache.ts";
import type { Tx } from "./client.ts";

export interface ClosedStatusRequest {
  id: number;
  periodKey: string;
  workPackageCode: string;
  workPackageName: string;
  /** Who was asked or leads the package: they are told the request closed. */
  personIds: number[];
}

const managed = new Set<string>(MANAGED_ROLES);

export function createOrganisationRepository(db: Tx, cache: ReadCache) {
  const settingsRepo = createSettingsRepository(db, cache);
  async function idsByEmail(emails: string[]): Promise<Map<string, number>> {
    const rows = await db.person.findMany({ where: { email: { in: emails }, erasedAt: null }, select: { id: true, email: true } });
    return new Map(rows.map((r) => [r.email!, r.id]));
  }

  return {
    /** E-mails among `emails` that belong to a person in the database. */
    async knownEmails(emails: string[]): Promise<Set<string>> {
      return new Set((await idsByEmail(emails)).keys());
    },

    /**
     * The organisation now. People are those with an e-mail who hold a managed
     * role, lead, deputise or own something, or are among `alsoEmails`.
     */
    async snapshot(alsoEmails: string[] = []): Promise<OrgModel> {
      const [departments, workPackages, initiatives] = await Promise.all([
        db.department.findMany({ orderBy: { id: "asc" } }),
        db.workPackage.findMany({ orderBy: { code: "asc" }, include: { lead: { select: { email: true } }, deputy: { select: { email: true } } } }),
        db.initiative.findMany({ orderBy: { code: "asc" }, include: { owner: { select: { email: true } }, workPackage: { select: { code: true } } } }),
      ]);
      const people = await db.person.findMany({
        where: {
          erasedAt: null,
          email: { not: null },
          OR: [
            { roles: { some: { role: { in: [...MANAGED_ROLES] } } } },
            { leads: { some: {} } },
            { deputyFor: { some: {} } },
            { initiatives: { some: {} } },
            { email: { in: alsoEmails } },
          ],
        },
        include: { roles: true, department: { select: { code: true } } },
        orderBy: { id: "asc" },
      });
      // Only settings stored so far: a setting the file never set is not a change to report as "from default".
      const stored = new Set((await db.setting.findMany({ where: { key: { in: ORG_FILE_SETTINGS.map((s) => s.key) } }, select: { key: true } })).map((r) => r.key));
      const settings: Record<string, unknown> = {};
      for (const { key, path } of ORG_FILE_SETTINGS) if (stored.has(key)) settings[path] = await settingsRepo.get(key);
      return {
        departments: departments.map((d) => ({ code: d.code, name: d.name, nameEn: d.nameEn, active: d.active })),
        people: people.map((p) => ({
          email: p.email!,
          name: p.displayName,
          locale: p.locale as Locale,
          department: p.department?.code ?? null,
          roles: MANAGED_ROLES.filter((r) => p.roles.some((pr) => pr.role === r)),
        })),
        workPackages: workPackages.map((w) => ({
          code: w.code,
          name: w.name,
          description: w.description,
          lead: w.lead?.email ?? null,
          deputy: w.deputy?.email ?? null,
          cadence: w.cadence,
          timezone: w.timezone,
          active: w.active,
          pingsPaused: w.pingsPaused,
        })),
        initiatives: initiatives.map((i) => ({
          code: i.code,
          title: i.title,
          stage: i.stage as InitiativeStage,
          owner: i.owner?.email ?? null,
          workPackage: i.workPackage?.code ?? null,
          active: i.active,
        })),
        settings: settings as OrgSettings,
      };
    },

    /** Writes the changes (computed by diffModels against `desired`); returns the status requests it closed. */
    async apply(desired: OrgModel, changes: OrgChange[], now: Date): Promise<{ closed: ClosedStatusRequest[] }> {
      // Departments, people, roles and settings change: cached reads go.
      cache.invalidate();
      const of = (entity: OrgChange["entity"]) => changes.filter((c) => c.entity === entity);
      const find = <T>(list: T[], key: (t: T) => string, k: string) => list.find((x) => key(x) === k)!;

      for (const c of of("department")) {
        const d = find(desired.departments, (x) => x.code, c.key);
        const data = { name: d.name, nameEn: d.nameEn, active: d.active };
        await db.department.upsert({ where: { code: d.code }, create: { code: d.code, ...data }, update: data });
      }
      const departmentIds = new Map((await db.department.findMany({ select: { id: true, code: true } })).map((d) => [d.code, d.id]));

      for (const c of of("person")) {
        const p = find(desired.people, (x) => x.email, c.key);
        const departmentId = p.department ? departmentIds.get(p.department)! : null;
        if (c.kind === "added") {
          await db.person.create({
            data: {
              displayName: p.name,
              email: p.email,
              locale: p.locale,
              departmentId,
              roles: { create: ["employee", ...p.roles].map((role) => ({ role })) },
            },
          });
          continue;
        }
        const person = await db.person.update({ where: { email: p.email }, data: { displayName: p.name, departmentId }, include: { roles: true } });
        await syncRoles(person.id, person.roles.map((r) => r.role), p.roles);
      }

      const personIds = await idsByEmail(desired.people.map((p) => p.email));
      const personId = (email: string | null) => (email ? personIds.get(email)! : null);
      const closed: ClosedStatusRequest[] = [];
      for (const c of of("workPackage")) {
        const w = find(desired.workPackages, (x) => x.code, c.key);
        const data = {
          name: w.name,
          description: w.description,
          leadId: personId(w.lead),
          deputyId: personId(w.deputy),
          cadence: w.cadence,
          timezone: w.timezone,
          active: w.active,
          pingsPaused: w.pingsPaused,
        };
        const row = await db.workPackage.upsert({ where: { code: w.code }, create: { code: w.code, ...data }, update: data });
        if (c.fields.some((f) => f.field === "active" && f.to === false)) {
          closed.push(...(await closeOpenRequests(row.id, now)));
        }
      }

      const wpIds = new Map((await db.workPackage.findMany({ select: { id: true, code: true } })).map((w) => [w.code, w.id]));
      for (const c of of("initiative")) {
        const i = find(desired.initiatives, (x) => x.code, c.key);
        const data = {
          title: i.title,
          stage: i.stage,
          ownerId: personId(i.owner),
          workPackageId: i.workPackage ? wpIds.get(i.workPackage)! : null,
          active: i.active,
        };
        await db.initiative.upsert({ where: { code: i.code }, create: { code: i.code, ...data }, update: data });
      }

      for (const c of of("setting")) {
        const { key, path } = ORG_FILE_SETTINGS.find((s) => s.path === c.key)!;
        await settingsRepo.setUnknown(key, desired.settings[path]);
      }
      return { closed };
    },
  };

  async function syncRoles(personId: number, have: string[], want: ManagedRole[]): Promise<void> {
    const drop = have.filter((r) => managed.has(r) && !want.includes(r as ManagedRole));
    const add = want.filter((r) => !have.includes(r));
    if (drop.length) await db.personRole.deleteMany({ where: { personId, role: { in: drop } } });
    for (const role of add) await db.personRole.create({ data: { personId, role } });
  }

  /** Closes the unanswered status requests of a work package that stopped. */
  async function closeOpenRequests(workPackageId: number, now: Date): Promise<ClosedStatusRequest[]> {
    const open = await db.statusRequest.findMany({
      where: { workPackageId, answeredAt: null, closedAt: null },
      include: { workPackage: { select: { code: true, name: true, leadId: true, deputyId: true } } },
    });
    if (open.length === 0) return [];
    await db.statusRequest.updateMany({ where: { id: { in: open.map((r) => r.id) } }, data: { closedAt: now } });
    return open.map((r) => ({
      id: r.id,
      periodKey: r.periodKey,
      workPackageCode: r.workPackage!.code,
      workPackageName: r.workPackage!.name,
      personIds: [...new Set([r.recipientId, r.workPackage!.leadId, r.workPackage!.deputyId].filter((id): id is number => id !== null))],
    }));
  }
}
export type OrganisationRepository = ReturnType<typeof createOrganisationRepository>;

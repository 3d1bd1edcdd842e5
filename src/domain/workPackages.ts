// One path for every change to a work package's lead, deputy, cadence, pause
// or active state, whoever makes it (the admin card, a lead in chat, the
// organisation file): the lead role follows, the change is audited under one
// subject, and the people it concerns are told, all in the caller's transaction.
import { auditSubject } from "./auditSubjects.ts";
import type { Repositories } from "../store/index.ts";
import { notify, type RenderNotification } from "./notify.ts";
import type { WorkPackage } from "./types.ts";

/** The fields a work-package change may set. */
export type WorkPackagePatch = Partial<Pick<WorkPackage, "leadId" | "deputyId" | "cadence" | "pingsPaused" | "active">>;
type Field = keyof WorkPackagePatch;
const FIELDS: readonly Field[] = ["leadId", "deputyId", "cadence", "pingsPaused", "active"];

export interface ChangeResult {
  after: WorkPackage;
  changed: boolean;
}

/**
 * Writes `patch` to the work package `before`; a patch that changes nothing
 * writes, audits and tells nothing. The audit entry holds the fields the
 * caller set, before and after.
 */
export async function changeWorkPackage(repos: Repositories, render: RenderNotification, actorId: number | null, before: WorkPackage, patch: WorkPackagePatch): Promise<ChangeResult> {
  const set = FIELDS.filter((f) => patch[f] !== undefined);
  if (set.every((f) => patch[f] === before[f])) return { after: before, changed: false };
  const after = await repos.workPackages.update(before.id, patch);
  await recordWorkPackageChange(repos, render, actorId, before, after, set);
  return { after, changed: true };
}

/** The fields of a change that differ between two states of one work package. */
export function changedFields(before: WorkPackage, after: WorkPackage): Field[] {
  return FIELDS.filter((f) => before[f] !== after[f]);
}

/**
 * What follows a change already written (the organisation file writes its
 * rows in bulk): lead roles, the audit entry over `fields`, and the notices.
 */
export async function recordWorkPackageChange(
  repos: Repositories,
  render: RenderNotification,
  actorId: number | null,
  before: WorkPackage,
  after: WorkPackage,
  fields: readonly Field[],
): Promise<void> {
  const changed = (f: Field) => before[f] !== after[f];
  if (changed("leadId") || changed("deputyId") || changed("active")) {
    for (const personId of new Set([before.leadId, before.deputyId, after.leadId, after.deputyId])) {
      if (personId !== null) await repos.people.syncLeadRole(personId);
    }
  }
  const pick = (wp: WorkPackage) => Object.fromEntries(fields.map((f) => [f, wp[f]]));
  const auditId = await repos.audit.record({ actorId, action: actionOf(fields, after), subject: auditSubject.workPackage(after.code), before: pick(before), after: pick(after) });
  const params = { code: after.code, name: after.name, cadence: after.cadence };
  for (const notice of notices(before, after)) {
    await notify(repos, render, { personId: notice.personId, key: notice.key, params, dedupeKey: `audit:${auditId}:person:${notice.personId}` });
  }
}

/** A pause or resume on its own keeps its own audit action; anything else is a change. */
function actionOf(fields: readonly Field[], after: WorkPackage): string {
  if (fields.length === 1 && fields[0] === "pingsPaused") return after.pingsPaused ? "workPackage.pause" : "workPackage.resume";
  return "workPackage.change";
}

/**
 * Who is told what: one message per person, the first reason that concerns
 * them. A deactivated work package tells nobody here: closing its open status
 * requests tells the people asked (organisation.ts).
 */
export function notices(before: WorkPackage, after: WorkPackage): { personId: number; key: string }[] {
  if (!after.active) return [];
  const reasons: [number | null, string][] = [];
  if (after.leadId !== before.leadId) reasons.push([after.leadId, "admin.notify.leadNow"], [before.leadId, "admin.notify.leadNoMore"]);
  if (after.deputyId !== before.deputyId) reasons.push([after.deputyId, "admin.notify.deputyNow"], [before.deputyId, "admin.notify.deputyNoMore"]);
  if (after.cadence !== before.cadence) reasons.push([after.leadId, "admin.notify.cadence"], [after.deputyId, "admin.notify.cadence"]);
  if (after.pingsPaused !== before.pingsPaused) {
    const key = after.pingsPaused ? "admin.notify.paused" : "admin.notify.resumed";
    reasons.push([after.leadId, key], [after.deputyId, key]);
  }
  const told = new Map<number, string>();
  for (const [personId, key] of reasons) if (personId !== null && !told.has(personId)) told.set(personId, key);
  return [...told].map(([personId, key]) => ({ personId, key }));
}

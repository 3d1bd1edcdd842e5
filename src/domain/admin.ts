// Changing the organisation in chat (admins only): work-package leads,
// deputies, cadences and pauses, new initiatives, the coordinator role. Every
// change is audited with before and after, and the people it concerns are
// told through the outbox in the same transaction. A refused attempt changes
// nothing and is audited as "denied".
import { parseId } from "./ids.ts";
import { auditSubject } from "./auditSubjects.ts";
import type { Repositories, Store } from "../store/index.ts";
import type { Calendar } from "./calendar.ts";
import { cadenceProblem, nextFire } from "./cadence.ts";
import { DomainError, ValidationError, type FieldError } from "./errors.ts";
import type { Clock } from "./needs.ts";
import { notify, type RenderNotification } from "./notify.ts";
import { isAdmin } from "./permissions.ts";
import { createRefusalLimiter, summariseRefusal } from "./refusals.ts";
import { singleLine } from "./text.ts";
import { changeWorkPackage } from "./workPackages.ts";
import { INITIATIVE_STAGES, type Initiative, type InitiativeStage, type Person, type WorkPackage } from "./types.ts";

export interface WorkPackageView extends WorkPackage {
  leadName: string | null;
  leadEmail: string | null;
  deputyName: string | null;
  deputyEmail: string | null;
  nextPing: Date | null;
}

export interface InitiativeView extends Initiative {
  ownerName: string | null;
  workPackageCode: string | null;
}

export interface InitiativeDraft {
  title?: string;
  stage?: string;
  owner?: string;
  workPackage?: string;
  needReference?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");

export function createAdminService(store: Store, deps: { clock: Clock; render: RenderNotification; calendar: Calendar }) {
  const { clock, render, calendar } = deps;

  const refusalLimit = createRefusalLimiter(clock);

  /** Refuses anyone but an admin, and records the attempt (a bounded summary, rate-limited per person). */
  async function requireAdmin(actor: Person, action: string, data: Record<string, unknown> = {}): Promise<void> {
    if (isAdmin(actor)) return;
    const { log, suppressed } = refusalLimit(actor.id);
    if (log) {
      const after = { ...summariseRefusal(action, data), ...(suppressed ? { suppressed } : {}) };
      await store.audit.record({ actorId: actor.id, action: "denied", subject: auditSubject.refusedAdminAction(action), after });
    }
    throw new DomainError("forbidden", `person ${actor.id} is not an admin (${action})`);
  }

  async function loadWorkPackage(repos: Repositories, id: unknown): Promise<WorkPackage> {
    const wpId = parseId(id);
    const wp = wpId ? await repos.workPackages.byId(wpId) : null;
    if (!wp || !wp.active) throw new DomainError("not_found", `work package ${String(id)}`);
    return wp;
  }

  async function view(repos: Repositories, wp: WorkPackage): Promise<WorkPackageView> {
    const people = await repos.people.byIds([wp.leadId, wp.deputyId].filter((id): id is number => id !== null));
    const lead = people.find((p) => p.id === wp.leadId);
    const deputy = people.find((p) => p.id === wp.deputyId);
    return {
      ...wp,
      leadName: lead?.displayName ?? null,
      leadEmail: lead?.email ?? null,
      deputyName: deputy?.displayName ?? null,
      deputyEmail: deputy?.email ?? null,
      nextPing: wp.pingsPaused ? null : nextFire(wp.cadence, wp.timezone, clock(), calendar),
    };
  }

  /** An e-mail field naming a person, or the field's error. */
  async function personField(repos: Repositories, value: string, errors: Record<string, FieldError>, field: string): Promise<Person | null> {
    if (!value) return null;
    if (!EMAIL.test(value)) {
      errors[field] = { key: "admin.error.email" };
      return null;
    }
    const person = await repos.people.byEmail(value);
    if (!person) errors[field] = { key: "admin.error.unknownPerson", params: { email: value } };
    return person;
  }

  return {
    requireAdmin,

    async overview(actor: Person): Promise<{ workPackages: WorkPackageView[]; initiatives: InitiativeView[] }> {
      await requireAdmin(actor, "overview");
      const [wps, initiatives] = await Promise.all([store.workPackages.active(), store.initiatives.active()]);
      const owners = await store.people.byIds(initiatives.map((i) => i.ownerId).filter((id): id is number => id !== null));
      return {
        workPackages: await Promise.all(wps.map((wp) => view(store, wp))),
        initiatives: initiatives.map((i) => ({
          ...i,
          ownerName: owners.find((o) => o.id === i.ownerId)?.displayName ?? null,
          workPackageCode: wps.find((w) => w.id === i.workPackageId)?.code ?? null,
        })),
      };
    },

    async workPackage(actor: Person, id: unknown): Promise<WorkPackageView> {
      await requireAdmin(actor, "workPackage.view", { workPackageId: id });
      return view(store, await loadWorkPackage(store, id));
    },

    /** Changes lead, deputy and cadence from the form; a field left as it was is not a change. */
    async changeWorkPackage(actor: Person, id: unknown, values: Record<string, unknown>): Promise<{ workPackage: WorkPackageView; changed: boolean }> {
      await requireAdmin(actor, "workPackage.change", { workPackageId: id, ...values });
      return store.transaction(async (repos) => {
        const before = await loadWorkPackage(repos, id);
        const errors: Record<string, FieldError> = {};
        const lead = await personField(repos, str(values.lead).toLowerCase(), errors, "lead");
        const deputy = await personField(repos, str(values.deputy).toLowerCase(), errors, "deputy");
        const cadence = str(values.cadence).replace(/\s+/g, " ");
        if (!str(values.lead)) errors.lead = { key: "validation.required" };
        if (lead && deputy && lead.id === deputy.id) errors.deputy = { key: "admin.error.deputyIsLead" };
        const problem = cadence ? cadenceProblem(cadence, before.timezone) : "required";
        if (problem) errors.cadence = { key: cadence ? "admin.error.cadence" : "validation.required", params: { detail: problem } };
        if (Object.keys(errors).length > 0) throw new ValidationError(errors);

        const patch = { leadId: lead!.id, deputyId: deputy?.id ?? null, cadence };
        if (patch.leadId === before.leadId && patch.deputyId === before.deputyId && patch.cadence === before.cadence) {
          return { workPackage: await view(repos, before), changed: false };
        }
        const { after } = await changeWorkPackage(repos, render, actor.id, before, patch);
        return { workPackage: await view(repos, after), changed: true };
      });
    },

    /** Pauses or resumes a work package's pings; a repeat changes nothing. */
    async setPingsPaused(actor: Person, id: unknown, paused: boolean): Promise<{ workPackage: WorkPackageView; changed: boolean }> {
      const action = paused ? "workPackage.pause" : "workPackage.resume";
      await requireAdmin(actor, action, { workPackageId: id });
      return store.transaction(async (repos) => {
        const before = await loadWorkPackage(repos, id);
        const { after, changed } = await changeWorkPackage(repos, render, actor.id, before, { pingsPaused: paused });
        return { workPackage: await view(repos, after), changed };
      });
    },

    /** The form's starting values, from an accepted need when a reference is given. */
    async initiativeDraft(actor: Person, needReference?: string): Promise<InitiativeDraft> {
      await requireAdmin(actor, "initiative.new", { needReference: needReference ?? null });
      if (!needReference) return {};
      const need = await startableNeed(store, needReference);
      const wp = need.workPackageId ? await store.workPackages.byId(need.workPackageId) : null;
      return { title: need.title.slice(0, 200), stage: "idea", workPackage: wp?.active ? String(wp.id) : undefined, needReference: need.reference };
    },

    async createInitiative(actor: Person, values: Record<string, unknown>): Promise<Initiative> {
      await requireAdmin(actor, "initiative.create", values);
      return store.transaction(async (repos) => {
        const errors: Record<string, FieldError> = {};
        const title = typeof values.title === "string" ? singleLine(values.title) : "";
        if (title.length < 3) errors.title = title ? { key: "validation.tooShort", params: { min: 3 } } : { key: "validation.required" };
        else if (title.length > 200) errors.title = { key: "validation.tooLong", params: { max: 200 } };
        else {
          // A replayed or double-clicked "create" must not start the same initiative twice.
          const same = (await repos.initiatives.active()).find((i) => i.title.toLowerCase() === title.toLowerCase());
          if (same) errors.title = { key: "admin.error.initiativeExists", params: { code: same.code } };
        }
        const stage = str(values.stage) || "idea";
        if (!(INITIATIVE_STAGES as readonly string[]).includes(stage)) errors.stage = { key: "validation.invalidChoice" };
        const owner = await personField(repos, str(values.owner).toLowerCase(), errors, "owner");
        let workPackageId: number | null = null;
        if (str(values.workPackage)) {
          const wpId = parseId(values.workPackage);
          const wp = wpId ? await repos.workPackages.byId(wpId) : null;
          if (!wp || !wp.active) errors.workPackage = { key: "validation.invalidChoice" };
          else workPackageId = wp.id;
        }
        if (Object.keys(errors).length > 0) throw new ValidationError(errors);
        const need = str(values.needReference) ? await startableNeed(repos, str(values.needReference)) : null;

        const initiative = await repos.initiatives.create({
          year: clock().getUTCFullYear(),
          title,
          stage: stage as InitiativeStage,
          ownerId: owner?.id ?? null,
          workPackageId,
          needId: need?.id ?? null,
        });
        if (need) {
          await repos.needs.update(need.id, need.version, { initiativeId: initiative.id }, { actorId: actor.id, kind: "initiative", note: initiative.code });
        }
        if (owner) await repos.people.syncLeadRole(owner.id);
        const auditId = await repos.audit.record({ actorId: actor.id, action: "initiative.create", subject: auditSubject.initiative(initiative.code), after: initiative });
        const params = { code: initiative.code, title: initiative.title, reference: need?.reference ?? "" };
        if (owner) await notify(repos, render, { personId: owner.id, dedupeKey: `audit:${auditId}:person:${owner.id}`, key: "admin.notify.initiativeOwner", params });
        if (need && need.reporterId !== owner?.id) {
          await notify(repos, render, { personId: need.reporterId, dedupeKey: `audit:${auditId}:person:${need.reporterId}`, key: "admin.notify.initiativeFromNeed", params });
        }
        return initiative;
      });
    },

    async coordinators(actor: Person): Promise<Person[]> {
      await requireAdmin(actor, "coordinators");
      return store.people.withRole("coordinator");
    },

    /** Grants the coordinator role to the person with this e-mail. */
    async grantCoordinator(actor: Person, values: Record<string, unknown>): Promise<{ person: Person; changed: boolean }> {
      await requireAdmin(actor, "role.grant", values);
      return store.transaction(async (repos) => {
        const errors: Record<string, FieldError> = {};
        const email = str(values.email).toLowerCase();
        if (!email) errors.email = { key: "validation.required" };
        const person = await personField(repos, email, errors, "email");
        if (Object.keys(errors).length > 0) throw new ValidationError(errors);
        return changeRole(repos, actor, person!, "grant");
      });
    },

    async revokeCoordinator(actor: Person, personId: unknown): Promise<{ person: Person; changed: boolean }> {
      await requireAdmin(actor, "role.revoke", { personId });
      return store.transaction(async (repos) => {
        const id = parseId(personId);
        const person = id ? await repos.people.byId(id) : null;
        if (!person) throw new DomainError("not_found", `person ${String(personId)}`);
        return changeRole(repos, actor, person, "revoke");
      });
    },
  };

  async function changeRole(repos: Repositories, actor: Person, person: Person, how: "grant" | "revoke"): Promise<{ person: Person; changed: boolean }> {
    const changed = how === "grant" ? await repos.people.addRole(person.id, "coordinator") : await repos.people.removeRole(person.id, "coordinator");
    const after = (await repos.people.byId(person.id))!;
    if (!changed) return { person: after, changed };
    const auditId = await repos.audit.record({
      actorId: actor.id,
      action: `role.${how}`,
      subject: auditSubject.person(person.id),
      before: { roles: person.roles },
      after: { roles: after.roles },
    });
    await notify(repos, render, {
      personId: person.id,
      dedupeKey: `audit:${auditId}:person:${person.id}`,
      key: how === "grant" ? "admin.notify.coordinatorNow" : "admin.notify.coordinatorNoMore",
      params: { actor: actor.displayName },
    });
    return { person: after, changed };
  }
}
export type AdminService = ReturnType<typeof createAdminService>;

/** An initiative starts from an accepted need that has none yet. */
async function startableNeed(repos: Pick<Repositories, "needs" | "initiatives">, reference: string) {
  const need = await repos.needs.byReference(reference.toUpperCase());
  if (!need) throw new DomainError("not_found", `need ${reference}`);
  if (need.status !== "accepted") {
    throw new DomainError("invalid_state", `${need.reference} is ${need.status}`, { detailKey: "admin.error.needNotAccepted", reference: need.reference });
  }
  if (need.initiativeId !== null || (await repos.initiatives.byNeed(need.id))) {
    throw new DomainError("invalid_state", `${need.reference} already has an initiative`, { detailKey: "admin.error.needHasInitiative", reference: need.reference });
  }
  return need;
}

// Triage: coordinators decide what happens to each need, and the reporter and
// supporters hear about it. The decisions table (DECISIONS) says, per decision,
// from which status it is taken, what it needs, writes and tells; every
// decision is checked against the acting person
// and the version the triage card was built from, so a forged, replayed or
// racing action changes nothing.
import { parseId } from "./ids.ts";
import { personAddress } from "./addresses.ts";
import type { Repositories, Store } from "../store/index.ts";
import { DomainError, ValidationError, type FieldError } from "./errors.ts";
import type { Clock, NeedService } from "./needs.ts";
import { hasRole, requireRole } from "./permissions.ts";
import { OPEN_NEED_STATUSES, type Initiative, type Locale, type Need, type NeedEvent, type NeedStatus, type Person, type QueuedNeed, type WorkPackage } from "./types.ts";
import type { Calendar } from "./calendar.ts";
import type { Method } from "./methods.ts";

export const TRIAGE_ACTIONS = ["accept", "start", "done", "decline", "duplicate", "ask"] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

type NeedPatch = Parameters<Repositories["needs"]["update"]>[2];

/** What a decision writes besides the status, prepared before the need is updated. */
interface Prepared {
  patch: NeedPatch;
  change: Partial<NeedChange>;
  /** The need a duplicate is merged into. */
  original?: Need;
  /** Methods of the catalogue to attach to the need. */
  methods?: Method[];
}

/**
 * One triage decision: which status it may be taken from and where it leads,
 * the fields its form must carry (with the error shown when one is missing),
 * what it writes on the need, what it writes elsewhere afterwards, and who is
 * told. Coordinators (and admins) take them all.
 */
export interface Decision {
  from: NeedStatus[];
  to: NeedStatus;
  /** The need's history entry. */
  event: string;
  required: Partial<Record<"note" | "assignTo" | "original", string>>;
  /** The form may assign the need to a work package or initiative. */
  assigns?: boolean;
  /** Asking keeps the status: the history records no status change. */
  keepsStatus?: boolean;
  prepare?(tx: Repositories, need: Need, input: TriageInput): Promise<Prepared>;
  afterwards?(tx: Repositories, need: Need, prepared: Prepared, ctx: { actorId: number; audience: number[]; now: Date }): Promise<void>;
  /** "followers": reporter and supporters get a need update; "reporter": the reporter gets the question. */
  tells: "followers" | "reporter";
}

export const DECISIONS: Record<TriageAction, Decision> = {
  accept: {
    from: ["submitted"],
    to: "accepted",
    event: "accepted",
    required: { assignTo: "triage.error.assignTo" },
    assigns: true,
    prepare: chosenMethods,
    async afterwards(tx, need, { methods }, { now }) {
      if (methods?.length) await tx.methods.attach(need.id, methods.map((m) => m.id), now);
    },
    tells: "followers",
  },
  start: { from: ["accepted"], to: "in_progress", event: "started", required: {}, assigns: true, tells: "followers" },
  done: {
    from: ["accepted", "in_progress"],
    to: "done",
    event: "done",
    required: { note: "triage.error.outcome" },
    prepare: async (_tx, _need, input) => ({ patch: { outcome: input.note }, change: {} }),
    tells: "followers",
  },
  decline: { from: ["submitted", "accepted", "in_progress"], to: "declined", event: "declined", required: { note: "triage.error.reason" }, tells: "followers" },
  duplicate: {
    from: ["submitted", "accepted"],
    to: "duplicate",
    event: "duplicate",
    required: { original: "triage.error.original" },
    prepare: duplicateOf,
    async afterwards(tx, need, { original }, { actorId, audience }) {
      if (!original) return;
      await tx.needs.moveSupporters(need.id, original.id, audience);
      await tx.needs.repointDuplicates(need.id, original.id);
      await tx.needs.addEvent(original.id, { actorId, kind: "merged", note: need.reference });
    },
    tells: "followers",
  },
  // Asking keeps the status; the need leaves the queue until the reporter answers.
  ask: {
    from: ["submitted"],
    to: "submitted",
    event: "question",
    required: { note: "triage.error.question" },
    keepsStatus: true,
    prepare: async () => ({ patch: { awaitingReply: true }, change: {} }),
    tells: "reporter",
  },
};

/** The methods chosen on the accept form: each must be an active method of the catalogue. */
async function chosenMethods(tx: Repositories, _need: Need, input: TriageInput): Promise<Prepared> {
  if (!input.methodIds?.length) return { patch: {}, change: {} };
  const methods = await tx.methods.byIds(input.methodIds);
  if (methods.length !== input.methodIds.length || methods.some((m) => !m.active)) throw new ValidationError({ methods: { key: "validation.invalidChoice" } });
  return { patch: {}, change: {}, methods };
}

/** The need a duplicate points to: another need that is still open to merging. */
async function duplicateOf(tx: Repositories, need: Need, input: TriageInput): Promise<Prepared> {
  const original = input.originalId === undefined ? null : await tx.needs.byId(input.originalId);
  if (!original) throw new ValidationError({ original: { key: "validation.invalidChoice" } });
  if (original.id === need.id) throw new DomainError("invalid_input", "duplicate of itself", { detailKey: "triage.error.duplicateSelf", reference: need.reference });
  if (original.status === "duplicate" || original.status === "withdrawn") {
    throw new DomainError("invalid_input", `${original.reference} is ${original.status}`, {
      detailKey: "triage.error.duplicateOfClosed",
      reference: original.reference,
      status: original.status,
    });
  }
  return { patch: { duplicateOfId: original.id }, change: { original: { id: original.id, reference: original.reference, title: original.title } }, original };
}

export const TRIAGE_ROLES = ["coordinator"] as const;
export const MAX_NOTE_LENGTH = 2000;
const QUEUE_SHOWN = 10;
const DUPLICATE_CANDIDATES = 25;

export function canTriage(person: Person): boolean {
  return hasRole(person, ...TRIAGE_ROLES);
}

/** The decisions a coordinator may take on a need as it is now. */
export function availableActions(need: Need): TriageAction[] {
  return TRIAGE_ACTIONS.filter((a) => DECISIONS[a].from.includes(need.status) && !(a === "ask" && need.awaitingReply));
}

export type Assignment = { kind: "wp"; id: number } | { kind: "init"; id: number };

/** Methods a coordinator may attach to one need at acceptance. */
export const MAX_METHODS_ATTACHED = 10;

export interface TriageInput {
  assignTo?: Assignment;
  /** Methods of the catalogue to attach (accept only). */
  methodIds?: number[];
  note?: string;
  originalId?: number;
}

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/** Reads and checks the fields a decision needs; the form comes back with them marked otherwise. */
export function parseTriageInput(action: TriageAction, data: Record<string, unknown>): TriageInput {
  const errors: Record<string, FieldError> = {};
  const note = text(data.note);
  if (note.length > MAX_NOTE_LENGTH) errors.note = { key: "validation.tooLong", params: { max: MAX_NOTE_LENGTH } };
  const { required } = DECISIONS[action];
  if (required.note && !note) errors.note = { key: required.note };

  let assignTo: Assignment | undefined;
  const assign = /^(wp|init):(\d+)$/.exec(text(data.assignTo));
  const assignId = assign ? parseId(assign[2]) : null;
  if (assign && assignId) assignTo = { kind: assign[1] as "wp" | "init", id: assignId };
  else if (text(data.assignTo)) errors.assignTo = { key: "validation.invalidChoice" };
  else if (required.assignTo) errors.assignTo = { key: required.assignTo };

  const methodValues = text(data.methods).split(",").map((v) => v.trim()).filter(Boolean);
  const methodIds = [...new Set(methodValues.map((v) => parseId(v)))];
  if (methodIds.some((id) => id === null)) errors.methods = { key: "validation.invalidChoice" };
  else if (methodIds.length > MAX_METHODS_ATTACHED) errors.methods = { key: "validation.tooMany", params: { max: MAX_METHODS_ATTACHED } };

  const original = text(data.original);
  const originalId = original ? (parseId(original) ?? undefined) : undefined;
  if (required.original && originalId === undefined) errors.original = { key: required.original };

  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return {
    ...(assignTo ? { assignTo } : {}),
    ...(note ? { note } : {}),
    ...(originalId !== undefined ? { originalId } : {}),
    ...(action === "accept" && methodIds.length ? { methodIds: methodIds as number[] } : {}),
  };
}

/** The version the card was built from; a card without one cannot prove it saw the current state. */
function expectedVersion(data: Record<string, unknown>): number {
  const version = parseId(data.version);
  if (version === null) throw new DomainError("invalid_input", "card carries no version", { detailKey: "triage.error.noVersion" });
  return version;
}

export interface TriageView {
  need: Need;
  events: NeedEvent[];
  workPackages: WorkPackage[];
  initiatives: Initiative[];
  /** Needs this one may be a duplicate of: similar ones first, then the newest open ones. */
  candidates: Need[];
  /** The catalogue's methods, to attach at acceptance. */
  methods: Method[];
}

export interface QueueEntry {
  need: QueuedNeed;
  ageWorkingDays: number;
  overdue: boolean;
}

export interface TriageQueue {
  entries: QueueEntry[];
  total: number;
  awaitingReply: number;
  targetDays: number;
}

/** What became of a need, as its reporter and supporters are told. */
export interface NeedChange {
  action: "accept" | "start" | "done" | "decline" | "duplicate" | "ask";
  note: string | null;
  /** "WP3 Verktyg och metoder", when the need was assigned. */
  assignment?: string;
  original?: { id: number; reference: string; title: string };
  /** Methods attached to the need, named in each reader's language. */
  methods?: Pick<Method, "name" | "nameEn">[];
}

/** The notification cards triage sends, rendered in each reader's language (injected: the domain knows no card layout). */
export interface TriageCards {
  question(locale: Locale, need: Need, question: string, askedBy: string): unknown;
  update(locale: Locale, need: Need, change: NeedChange): unknown;
  answer(locale: Locale, need: Need, answer: string, answeredBy: string): unknown;
}

export function createTriageService(store: Store, clock: Clock, calendar: Calendar, needs: NeedService, zone: string, cards: TriageCards) {
  async function load(needId: unknown): Promise<Need> {
    const id = parseId(needId);
    const need = id ? await store.needs.byId(id) : null;
    if (!need) throw new DomainError("not_found", `need ${String(needId)}`);
    return need;
  }

  async function targetDays(): Promise<number> {
    return store.settings.get("triage.targetWorkingDays");
  }

  async function assignmentPatch(repos: Repositories, assign: Assignment): Promise<{ workPackageId: number | null; initiativeId: number | null; label: string }> {
    if (assign.kind === "wp") {
      const wp = await repos.workPackages.byId(assign.id);
      if (!wp || !wp.active) throw new ValidationError({ assignTo: { key: "validation.invalidChoice" } });
      return { workPackageId: wp.id, initiativeId: null, label: `${wp.code} ${wp.name}` };
    }
    const initiative = await repos.initiatives.byId(assign.id);
    if (!initiative) throw new ValidationError({ assignTo: { key: "validation.invalidChoice" } });
    return { workPackageId: initiative.workPackageId, initiativeId: initiative.id, label: `${initiative.code} ${initiative.title}` };
  }

  /** Queues one notification card per person, each in the person's own language. */
  async function notifyAboutNeed(repos: Repositories, need: Need, personIds: number[], build: (locale: Person["locale"]) => unknown, kind: string): Promise<void> {
    const people = await repos.people.byIds([...new Set(personIds)]);
    for (const person of people) {
      await repos.outbox.enqueue({
        dedupeKey: `need:${need.id}:v${need.version}:person:${person.id}`,
        target: personAddress(person.id),
        kind,
        payload: build(person.locale),
      });
    }
  }

  return {
    load,

    async queue(person: Person): Promise<TriageQueue> {
      requireRole(person, ...TRIAGE_ROLES);
      const [{ items, total, awaitingReply }, target] = await Promise.all([store.needs.triageQueue(QUEUE_SHOWN), targetDays()]);
      const now = clock();
      const entries = items.map((need) => {
        const ageWorkingDays = calendar.workingDaysBetween(need.createdAt, now, zone);
        return { need, ageWorkingDays, overdue: ageWorkingDays > target };
      });
      return { entries, total, awaitingReply, targetDays: target };
    },

    async view(person: Person, needId: unknown): Promise<TriageView> {
      requireRole(person, ...TRIAGE_ROLES);
      const need = await load(needId);
      const [events, workPackages, initiatives, similar, newest, methods] = await Promise.all([
        store.needs.events(need.id),
        store.workPackages.active(),
        store.initiatives.active(),
        needs.similarTo(`${need.title}\n${need.problem}`, DUPLICATE_CANDIDATES, need.id),
        store.needs.newestIds(OPEN_NEED_STATUSES, DUPLICATE_CANDIDATES + 1),
        store.methods.active(),
      ]);
      const ids = [...new Set([...similar, ...newest.filter((id) => id !== need.id)])].slice(0, DUPLICATE_CANDIDATES);
      const candidates = (await Promise.all(ids.map((id) => store.needs.byId(id)))).filter((n): n is Need => n !== null);
      return { need, events, workPackages, initiatives, candidates, methods };
    },

    /**
     * Takes one decision. Refused unless the person may triage, the card saw
     * the current version and the transition is allowed; the change, its
     * history entry and the notifications land in one transaction.
     */
    async decide(person: Person, action: TriageAction, data: Record<string, unknown>): Promise<Need> {
      requireRole(person, ...TRIAGE_ROLES);
      const need = await load(data.needId);
      const version = expectedVersion(data);
      if (need.version !== version) throw new DomainError("conflict", `${need.reference} is at version ${need.version}, card had ${version}`);
      const decision = DECISIONS[action];
      if (!availableActions(need).includes(action)) {
        throw new DomainError("invalid_state", `${action} not allowed from ${need.status}`, {
          detailKey: "triage.error.notAllowed",
          reference: need.reference,
          status: need.status,
        });
      }
      const input = parseTriageInput(action, data);
      const now = clock();
      const firstDecision = need.status === "submitted" && !decision.keepsStatus;

      return store.transaction(async (tx) => {
        const prepared: Prepared = decision.prepare ? await decision.prepare(tx, need, input) : { patch: {}, change: {} };
        const patch: NeedPatch = { status: decision.to, ...prepared.patch };
        let change: NeedChange = { action, note: input.note ?? null, ...prepared.change };
        if (firstDecision) patch.triagedAt = now;
        if (input.assignTo && decision.assigns) {
          const assigned = await assignmentPatch(tx, input.assignTo);
          patch.workPackageId = assigned.workPackageId;
          patch.initiativeId = assigned.initiativeId;
          change = { ...change, assignment: assigned.label };
        }

        const audience = [need.reporterId, ...(await tx.needs.supporterIds(need.id))];
        const updated = await tx.needs.update(need.id, version, patch, {
          actorId: person.id,
          kind: decision.event,
          fromStatus: decision.keepsStatus ? null : need.status,
          toStatus: decision.keepsStatus ? null : decision.to,
          note: input.note ?? prepared.original?.reference ?? null,
        });
        await decision.afterwards?.(tx, need, prepared, { actorId: person.id, audience, now });

        // The methods attached to the need (at acceptance) are named on every card its followers get.
        const attached = await tx.methods.ofNeed(need.id);
        if (attached.length) change = { ...change, methods: attached.map((m) => ({ name: m.name, nameEn: m.nameEn })) };

        if (decision.tells === "reporter") {
          await notifyAboutNeed(tx, updated, [need.reporterId], (locale) => cards.question(locale, updated, input.note ?? "", person.displayName), "need.question");
        } else {
          const recipients = audience.filter((id) => id !== person.id);
          await notifyAboutNeed(tx, updated, recipients, (locale) => cards.update(locale, updated, change), "need.update");
        }
        return updated;
      });
    },

    /** The reporter answers a coordinator's question; the need returns to the triage queue. */
    async reply(person: Person, data: Record<string, unknown>): Promise<Need> {
      const need = await load(data.needId);
      if (need.reporterId !== person.id) throw new DomainError("forbidden", `person ${person.id} is not the reporter of ${need.reference}`);
      if (!need.awaitingReply) {
        throw new DomainError("invalid_state", `${need.reference} awaits no answer`, { detailKey: "triage.error.noQuestion", reference: need.reference });
      }
      const version = expectedVersion(data);
      const answer = text(data.answer);
      if (!answer) throw new ValidationError({ answer: { key: "validation.required" } });
      if (answer.length > MAX_NOTE_LENGTH) throw new ValidationError({ answer: { key: "validation.tooLong", params: { max: MAX_NOTE_LENGTH } } });
      return store.transaction(async (tx) => {
        const asker = await tx.needs.lastActor(need.id, "question");
        const updated = await tx.needs.update(need.id, version, { awaitingReply: false }, { actorId: person.id, kind: "answered", note: answer });
        if (asker !== null && asker !== person.id) {
          await notifyAboutNeed(tx, updated, [asker], (locale) => cards.answer(locale, updated, answer, person.displayName), "need.answer");
        }
        return updated;
      });
    },
  };
}
export type TriageService = ReturnType<typeof createTriageService>;

// Status pings as people and jobs meet them: start the periods that are due,
// remind and escalate, take answers, away and deputy, ping again. Every
// proactive message is written to the outbox in the same transaction as the
// state change that causes it.
import { parseId } from "./ids.ts";
import { auditSubject } from "./auditSubjects.ts";
import { DateTime } from "luxon";
import type { Store } from "../store/index.ts";
import type { StatusRequestView } from "../store/statusRequests.ts";
import type { Calendar } from "./calendar.ts";
import { personAddress } from "./addresses.ts";
import { DomainError } from "./errors.ts";
import type { RenderNotification } from "./notify.ts";
import { requireRole } from "./permissions.ts";
import {
  CadenceError,
  currentPeriod,
  dueDate,
  followUpDue,
  isAway,
  parseAwayUntil,
  parseCadence,
  parseStatusAnswer,
  pingRecipient,
  workingDaysOverdue,
  type PingRules,
  type Period,
  type PingSubject,
  type EscalationInfo,
  type StatusAnswer,
  type StatusFormOptions,
} from "./statusPings.ts";
import type { Locale, Person, StatusUpdate } from "./types.ts";
import { changeWorkPackage } from "./workPackages.ts";

/** The cards the service sends, rendered in the recipient's language (src/cards). */
export interface StatusCards {
  form(locale: Locale, options: StatusFormOptions): unknown;
  escalation(locale: Locale, info: EscalationInfo): unknown;
  notification: RenderNotification;
}

export interface StatusServiceDeps {
  store: Store;
  clock: () => Date;
  calendar: Calendar;
  /** TIMEZONE: for initiatives (which have no zone of their own) and dates in dedupe keys. */
  zone: string;
  cards: StatusCards;
  log: { warn(obj: object, msg: string): void };
}

/**
 * What a tick does for one subject or request, planned from the stored state
 * before anything is written; one executor prints it (`--dry-run`) or applies it.
 */
export type PingStep =
  | { kind: "invalid"; subject: PingSubject; problem: string }
  | { kind: "wait"; subject: PingSubject; period: Period; reason: "away" | "no_lead" }
  | { kind: "ask"; subject: PingSubject; period: Period; person: Person; as: "lead" | "deputy"; dueAt: Date }
  | { kind: "remind"; request: StatusRequestView; number: number; recipient: Person | null }
  | { kind: "escalate"; request: StatusRequestView; coordinators: Person[] };

export interface RunOptions {
  dryRun: boolean;
  out: (line: string) => void;
}

function isValidZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}

function isConflict(err: unknown): boolean {
  return err instanceof DomainError && err.code === "conflict";
}

export function createStatusService(deps: StatusServiceDeps) {
  const { store, clock, calendar, zone, cards, log } = deps;

  async function rules(): Promise<PingRules> {
    return {
      dueWorkingDays: await store.settings.get("statusPings.dueWorkingDays"),
      maxReminders: await store.settings.get("statusPings.maxReminders"),
    };
  }

  async function load(requestId: unknown): Promise<StatusRequestView> {
    const id = parseId(requestId);
    const request = id ? await store.statusRequests.byId(id, zone) : null;
    if (!request) throw new DomainError("not_found", `status request ${String(requestId)}`);
    return request;
  }

  function mayAnswer(person: Person, request: StatusRequestView): boolean {
    const s = request.subject;
    return person.id === s.leadId || person.id === s.deputyId || person.id === request.recipientId;
  }

  function requireOpen(request: StatusRequestView): void {
    if (request.closedAt) {
      throw new DomainError("invalid_state", `${request.subjectKey} ${request.periodKey} is closed`, {
        detailKey: "status.state.closed",
        code: request.subject.code,
        period: request.periodKey.slice(0, 10),
      });
    }
  }

  /** The form for one request, as this person should see it. */
  function formOptions(request: StatusRequestView, previous: StatusUpdate | null, now: Date, occasion: StatusFormOptions["occasion"], recipientId: number): StatusFormOptions {
    return {
      subject: { code: request.subject.code, name: request.subject.name },
      request: { id: request.id, askedAt: request.askedAt, dueAt: request.dueAt },
      occasion,
      asDeputy: recipientId !== request.subject.leadId && recipientId === request.subject.deputyId,
      late: occasion.kind === "form" && now > request.dueAt,
      previous,
    };
  }

  async function previousOf(request: { id: number; subjectKey: string }): Promise<StatusUpdate | null> {
    return (await store.statusRequests.updateOf(request.id)) ?? (await store.statusRequests.latestUpdate(request.subjectKey, { beforeRequestId: request.id }));
  }

  /** Plans the start of one subject's period if it is due and has no request yet. */
  async function planPeriod(subject: PingSubject, now: Date, pingRules: PingRules): Promise<PingStep | null> {
    if (!subject.cadence) return null;
    let period;
    try {
      if (!isValidZone(subject.timezone)) throw new CadenceError(`unknown time zone ${subject.timezone}`);
      period = currentPeriod(parseCadence(subject.cadence), now, subject.timezone, calendar);
    } catch (err) {
      if (!(err instanceof CadenceError)) throw err;
      return { kind: "invalid", subject, problem: err.message };
    }
    if (!period || (await store.statusRequests.find(subject.key, period.key))) return null;
    const people = await store.people.byIds([subject.leadId, subject.deputyId].filter((id): id is number => id !== null));
    const lead = people.find((p) => p.id === subject.leadId) ?? null;
    const deputy = people.find((p) => p.id === subject.deputyId) ?? null;
    const recipient = pingRecipient(lead, deputy, now);
    if (recipient.kind === "wait") return { kind: "wait", subject, period, reason: recipient.reason };
    const person = recipient.kind === "lead" ? lead : deputy;
    if (!person) return { kind: "wait", subject, period, reason: "no_lead" };
    return { kind: "ask", subject, period, person, as: recipient.kind, dueAt: dueDate(now, pingRules, subject.timezone, calendar) };
  }

  /** Plans the reminder or escalation one request is due for, if any. */
  async function planFollowUp(request: StatusRequestView, now: Date, pingRules: PingRules, coordinators: Person[]): Promise<PingStep | null> {
    const due = followUpDue(request, now, pingRules, request.subject.timezone, calendar);
    if (!due) return null;
    if (due.kind === "escalation") return { kind: "escalate", request, coordinators };
    const recipient = request.recipientId ? await store.people.byId(request.recipientId) : null;
    return { kind: "remind", request, number: due.number, recipient };
  }

  /** The line a tick prints for a step, in a dry run or for real. */
  function describeStep(step: PingStep, dryRun: boolean): string {
    switch (step.kind) {
      case "invalid":
        return `${step.subject.code}: invalid cadence, skipped (${step.problem})`;
      case "wait":
        return `${step.subject.code}: period ${step.period.key} waits (${step.reason === "away" ? "lead away, no deputy available" : "no lead"})`;
      case "ask":
        return `${step.subject.code}: ${dryRun ? "would ask" : "asking"} ${step.person.displayName} (${step.as}) for period ${step.period.key}, due ${step.dueAt.toISOString()}`;
      case "remind":
        return `${step.request.subject.code}: ${dryRun ? "would send" : "sending"} reminder ${step.number} to ${step.recipient?.displayName ?? "nobody"}`;
      case "escalate":
        return `${step.request.subject.code}: ${dryRun ? "would escalate" : "escalating"} to ${step.coordinators.length} coordinator(s)`;
    }
  }

  /** Prints a step, and unless it is a dry run applies it; false when another tick got there first. */
  async function execute(step: PingStep, now: Date, options: RunOptions): Promise<boolean> {
    if (step.kind === "invalid") log.warn({ subject: step.subject.key, cadence: step.subject.cadence }, `invalid cadence of ${step.subject.code}, skipped: ${step.problem}`);
    options.out(describeStep(step, options.dryRun));
    if (options.dryRun) return true;
    switch (step.kind) {
      case "invalid":
        return true;
      case "wait":
        // A new period has begun: the previous one closes even if this one has to wait.
        await store.statusRequests.closeEarlier(step.subject.key, step.period.key, now);
        return true;
      case "ask":
        await store.statusRequests.closeEarlier(step.subject.key, step.period.key, now);
        return ask(step, now);
      case "remind":
        return remind(step, now);
      case "escalate":
        return escalate(step, now);
    }
  }

  async function ask({ subject, period, person, dueAt }: Extract<PingStep, { kind: "ask" }>, now: Date): Promise<boolean> {
    try {
      await store.transaction(async (tx) => {
        const created = await tx.statusRequests.create({ subjectKey: subject.key, periodKey: period.key, recipientId: person.id, askedAt: now, dueAt });
        const request = (await tx.statusRequests.byId(created.id, zone))!;
        const previous = await tx.statusRequests.latestUpdate(subject.key, { beforeRequestId: created.id });
        await tx.outbox.enqueue({
          dedupeKey: `status-ping:${created.id}`,
          target: personAddress(person.id),
          kind: "status.ping",
          availableAt: now,
          payload: cards.form(person.locale, formOptions(request, previous, now, { kind: "ping" }, person.id)),
        });
      });
    } catch (err) {
      if (isConflict(err)) return false; // another replica started the same period
      throw err;
    }
    return true;
  }

  async function remind({ request, number, recipient }: Extract<PingStep, { kind: "remind" }>, now: Date): Promise<boolean> {
    const previous = await previousOf(request);
    return store.transaction(async (tx) => {
      if (!(await tx.statusRequests.markReminded(request.id, number, now))) return false;
      if (recipient) {
        await tx.outbox.enqueue({
          dedupeKey: `status-reminder:${request.id}:${number}`,
          target: personAddress(recipient.id),
          kind: "status.reminder",
          availableAt: now,
          payload: cards.form(recipient.locale, formOptions(request, previous, now, { kind: "reminder", number }, recipient.id)),
        });
      }
      return true;
    });
  }

  async function escalate({ request, coordinators }: Extract<PingStep, { kind: "escalate" }>, now: Date): Promise<boolean> {
    const code = request.subject.code;
    if (coordinators.length === 0) log.warn({ request: request.id }, `status of ${code} is overdue but there are no coordinators to tell`);
    const people = await store.people.byIds([request.subject.leadId, request.recipientId].filter((id): id is number => id !== null));
    const lead = people.find((p) => p.id === request.subject.leadId);
    const asked = people.find((p) => p.id === request.recipientId && p.id !== request.subject.leadId);
    const info: EscalationInfo = {
      requestId: request.id,
      subject: { code, name: request.subject.name },
      leadName: lead?.displayName ?? null,
      askedName: asked?.displayName ?? null,
      askedAt: request.askedAt,
      dueAt: request.dueAt,
      workingDaysOverdue: workingDaysOverdue(request.dueAt, now, request.subject.timezone, calendar),
      remindersSent: request.remindersSent,
    };
    return store.transaction(async (tx) => {
      if (!(await tx.statusRequests.markEscalated(request.id, now))) return false;
      for (const c of coordinators) {
        await tx.outbox.enqueue({
          dedupeKey: `status-escalation:${request.id}:person:${c.id}`,
          target: personAddress(c.id),
          kind: "status.escalation",
          availableAt: now,
          payload: cards.escalation(c.locale, info),
        });
      }
      return true;
    });
  }

  async function saveAnswer(person: Person, request: StatusRequestView, answer: StatusAnswer) {
    const now = clock();
    return store.transaction(async (tx) => {
      const saved = await tx.statusRequests.saveUpdate(request.id, answer, person.id, { late: now > request.dueAt, at: now });
      await tx.audit.record({ actorId: person.id, action: saved.first ? "status.answer" : "status.change", subject: auditSubject.statusRequest(request.id), after: answer });
      return saved;
    });
  }

  async function answerable(person: Person, requestId: unknown): Promise<StatusRequestView> {
    const request = await load(requestId);
    if (!mayAnswer(person, request)) throw new DomainError("forbidden", `person ${person.id} may not answer ${request.subjectKey}`);
    requireOpen(request);
    return request;
  }

  return {
    rules,
    load,

    /** Subjects whose cadence or time zone cannot be used (logged at start; their pings are skipped). */
    async cadenceProblems(): Promise<{ code: string; cadence: string; problem: string }[]> {
      const problems: { code: string; cadence: string; problem: string }[] = [];
      for (const s of await store.statusRequests.pingSubjects(zone)) {
        if (!s.cadence) continue;
        try {
          if (!isValidZone(s.timezone)) throw new CadenceError(`unknown time zone ${s.timezone}`);
          parseCadence(s.cadence);
        } catch (err) {
          if (!(err instanceof CadenceError)) throw err;
          problems.push({ code: s.code, cadence: s.cadence, problem: err.message });
        }
      }
      return problems;
    },

    /** One tick of the `status-pings` job: starts every period that is due. */
    async startDuePeriods(now: Date, options: RunOptions) {
      const pingRules = await rules();
      const counts = { created: 0, waiting: 0, invalid: 0 };
      for (const subject of await store.statusRequests.pingSubjects(zone)) {
        const step = await planPeriod(subject, now, pingRules);
        if (!step) continue;
        const applied = await execute(step, now, options);
        if (step.kind === "invalid") counts.invalid++;
        else if (step.kind === "wait") counts.waiting++;
        else if (applied) counts.created++;
      }
      return counts;
    },

    /** One tick of the `reminders` job: reminders and escalations that are due. */
    async sendFollowUps(now: Date, options: RunOptions) {
      const pingRules = await rules();
      const counts = { reminders: 0, escalations: 0 };
      const coordinators = await store.people.withRole("coordinator");
      for (const request of await store.statusRequests.awaitingAnswer(zone)) {
        const step = await planFollowUp(request, now, pingRules, coordinators);
        if (!step || !(await execute(step, now, options))) continue;
        if (step.kind === "remind") counts.reminders++;
        if (step.kind === "escalate") counts.escalations++;
      }
      return counts;
    },

    /** The forms of this person's open requests: asked of them, of the subjects they lead, or as deputy while the lead is away. */
    async openForms(person: Person): Promise<StatusFormOptions[]> {
      const now = clock();
      const candidates = await store.statusRequests.openFor(person.id, zone);
      const leads = await store.people.byIds([...new Set(candidates.map((r) => r.subject.leadId).filter((id): id is number => id !== null))]);
      const leadAway = (r: StatusRequestView) => {
        const lead = leads.find((p) => p.id === r.subject.leadId);
        return !lead || isAway(lead, now);
      };
      const mine = candidates.filter((r) => r.recipientId === person.id || r.subject.leadId === person.id || (r.subject.deputyId === person.id && leadAway(r)));
      return Promise.all(mine.map(async (r) => formOptions(r, await previousOf(r), now, { kind: "form" }, person.id)));
    },

    /** The form of one request, for re-rendering it with errors. */
    async formFor(person: Person, request: StatusRequestView): Promise<StatusFormOptions> {
      return formOptions(request, await previousOf(request), clock(), { kind: "form" }, person.id);
    },

    answerable,

    /** Stores an answer (a second one updates the same period). */
    async answer(person: Person, requestId: unknown, values: Record<string, unknown>) {
      const request = await answerable(person, requestId);
      const answer = parseStatusAnswer(values);
      const saved = await saveAnswer(person, request, answer);
      return { request, ...saved };
    },

    /** "No change since last time": the previous period's answer, repeated. */
    async repeatLast(person: Person, requestId: unknown) {
      const request = await answerable(person, requestId);
      const previous = await store.statusRequests.latestUpdate(request.subjectKey, { beforeRequestId: request.id });
      if (!previous) throw new DomainError("invalid_state", "no earlier status", { detailKey: "status.state.noPrevious" });
      const { health, progress, blockers, nextSteps, helpNeeded } = previous;
      const saved = await saveAnswer(person, request, { health, progress, blockers, nextSteps, helpNeeded });
      return { request, ...saved };
    },

    async setAway(person: Person, dateText: string): Promise<Date> {
      const until = parseAwayUntil(dateText, clock(), zone);
      await store.transaction(async (tx) => {
        await tx.people.setAwayUntil(person.id, until);
        await tx.audit.record({ actorId: person.id, action: "person.away", subject: auditSubject.person(person.id), before: person.awayUntil, after: until });
      });
      return until;
    },

    /** Names (or with "none"/"ingen" clears) the deputy of every work package the person leads. */
    async setDeputy(person: Person, text: string): Promise<{ deputy: Person | null; codes: string[] }> {
      const wps = await store.workPackages.ledBy(person.id);
      if (wps.length === 0) throw new DomainError("invalid_input", `person ${person.id} leads no work package`, { detailKey: "status.deputy.notLead" });
      const arg = text.trim().toLowerCase();
      let deputy: Person | null = null;
      if (!["none", "ingen", "-"].includes(arg)) {
        deputy = await store.people.byEmail(arg);
        if (!deputy) throw new DomainError("invalid_input", `unknown e-mail ${arg}`, { detailKey: "status.deputy.unknown", email: arg.slice(0, 200) });
        if (deputy.id === person.id) throw new DomainError("invalid_input", "own deputy", { detailKey: "status.deputy.self" });
      }
      // The same change as the admin card's: lead roles, audit and notices follow.
      await store.transaction(async (tx) => {
        for (const wp of wps) await changeWorkPackage(tx, cards.notification, person.id, wp, { deputyId: deputy?.id ?? null });
      });
      return { deputy, codes: wps.map((wp) => wp.code) };
    },

    /** A coordinator asks again (from an escalation card): at most once a day per request. */
    async pingAgain(person: Person, requestId: unknown): Promise<{ recipient: Person; request: StatusRequestView; queued: boolean }> {
      requireRole(person, "coordinator");
      const request = await load(requestId);
      requireOpen(request);
      if (request.answeredAt) {
        throw new DomainError("invalid_state", `${request.subjectKey} answered`, { detailKey: "status.state.answered", code: request.subject.code });
      }
      const now = clock();
      const people = await store.people.byIds([request.subject.leadId, request.subject.deputyId, request.recipientId].filter((id): id is number => id !== null));
      const byId = (id: number | null) => people.find((p) => p.id === id) ?? null;
      const current = pingRecipient(byId(request.subject.leadId), byId(request.subject.deputyId), now);
      const recipient = (current.kind === "wait" ? byId(request.recipientId) : byId(current.personId)) ?? byId(request.recipientId);
      if (!recipient) throw new DomainError("invalid_state", "nobody to ask", { detailKey: "status.state.nobody", code: request.subject.code });
      const day = DateTime.fromJSDate(now, { zone }).toISODate();
      const previous = await previousOf(request);
      const queued = await store.transaction(async (tx) => {
        const isNew = await tx.outbox.enqueue({
          dedupeKey: `status-ping:${request.id}:again:${day}`,
          target: personAddress(recipient.id),
          kind: "status.ping",
          availableAt: now,
          payload: cards.form(recipient.locale, formOptions(request, previous, now, { kind: "form" }, recipient.id)),
        });
        if (isNew) await tx.audit.record({ actorId: person.id, action: "status.pingAgain", subject: auditSubject.statusRequest(request.id), after: { recipientId: recipient.id } });
        return isNew;
      });
      return { recipient, request, queued };
    },
  };
}
export type StatusService = ReturnType<typeof createStatusService>;

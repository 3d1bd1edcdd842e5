// The research export (work package 5) as rules: every person becomes a keyed
// pseudonym (HMAC-SHA-256 with RESEARCH_KEY: stable across exports with the
// same key, not reversible without it), names, e-mails and platform ids of
// known people are replaced inside free text, dates may be coarsened, and
// every column is described once here, for the tables and the codebook alike.
import { createHmac } from "node:crypto";
import { DateTime } from "luxon";
import type {
  ResearchDepartment,
  ResearchInitiative,
  ResearchLesson,
  ResearchMethod,
  ResearchNeed,
  ResearchPerson,
  ResearchStatusRequest,
  ResearchWorkPackage,
} from "../store/research.ts";
import { personAddress } from "./addresses.ts";
import type { Calendar } from "./calendar.ts";
import { DECISION_STATUSES, isDecision, isTriage, needTimings } from "./kpis.ts";
import { LESSON_OCCASIONS } from "./lessonTypes.ts";
import { EFFORTS } from "./methods.ts";
import { HEALTHS, INITIATIVE_STAGES, NEED_STATUSES, ROLES, SUSTAINABILITY_AREAS, URGENCIES } from "./types.ts";

export const COARSENINGS = ["week", "month"] as const;
export type Coarsening = (typeof COARSENINGS)[number];

export type ColumnType = "integer" | "number" | "string" | "text" | "boolean" | "date" | "pseudonym" | "list";

export interface Column {
  name: string;
  type: ColumnType;
  meaning: string;
  /** The values the column may take, when it is a closed set. */
  values?: readonly string[];
}

export interface TableSpec {
  name: string;
  description: string;
  columns: Column[];
}

export type Row = Record<string, string | number | boolean | null>;

export interface Dataset {
  tables: { spec: TableSpec; rows: Row[] }[];
}

/** Pseudonyms: "P-" and 16 hex digits of HMAC-SHA-256(key, "person:<id>"). */
export function createPseudonymiser(key: string): (personId: number | null) => string | null {
  const cache = new Map<number, string>();
  return (personId) => {
    if (personId === null) return null;
    let p = cache.get(personId);
    if (!p) {
      p = `P-${createHmac("sha256", key).update(personAddress(personId)).digest("hex").slice(0, 16)}`;
      cache.set(personId, p);
    }
    return p;
  };
}

/** A run of letters, digits or underscores: where a replaced string must start and end. */
const WORD = "[\\p{L}\\p{N}_]+";
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * Replaces every known person's display name, e-mail and platform user ids in
 * free text with their pseudonym (whole words, any case). Strings shorter than
 * three characters and plain numbers are left alone: they would match ordinary
 * words and figures. Candidates are indexed by their first word, so a text is
 * scanned once whatever the number of people (one regular expression with
 * thousands of alternatives took minutes over 100,000 needs).
 */
export function createScrubber(people: Pick<ResearchPerson, "id" | "displayName" | "email" | "userIds">[], pseudonym: (id: number) => string | null): (text: string | null) => string | null {
  const byFirstWord = new Map<string, { text: string; pseudonym: string }[]>();
  for (const p of people) {
    for (const s of [p.displayName, p.email, ...p.userIds]) {
      const lower = s?.trim().toLowerCase();
      if (!lower || lower.length < 3 || /^\d+$/.test(lower)) continue;
      const first = new RegExp(WORD, "u").exec(lower);
      if (!first || first.index !== 0) continue;
      const list = byFirstWord.get(first[0]) ?? [];
      list.push({ text: lower, pseudonym: pseudonym(p.id)! });
      byFirstWord.set(first[0], list);
    }
  }
  for (const list of byFirstWord.values()) list.sort((a, b) => b.text.length - a.text.length);
  return (text) => {
    if (!text || byFirstWord.size === 0) return text;
    const words = new RegExp(WORD, "gu");
    let out = "";
    let done = 0;
    for (let m = words.exec(text); m; m = words.exec(text)) {
      const at = m.index;
      const hit = byFirstWord
        .get(m[0].toLowerCase())
        ?.find((c) => text.slice(at, at + c.text.length).toLowerCase() === c.text && !WORD_CHAR.test(text.charAt(at + c.text.length)));
      if (!hit) continue;
      out += text.slice(done, at) + hit.pseudonym;
      done = at + hit.text.length;
      words.lastIndex = done;
    }
    return out + text.slice(done);
  };
}

/** A date as exported: ISO 8601 in UTC, or the Monday of its week, or its month, in `zone`. */
export function coarsenDate(at: Date | null, coarsen: Coarsening | null, zone: string): string | null {
  if (!at) return null;
  if (!coarsen) return at.toISOString();
  const local = DateTime.fromJSDate(at, { zone });
  return coarsen === "week" ? local.startOf("week").toISODate()! : local.toFormat("yyyy-MM");
}

const dateMeaning = (what: string) => `${what} (ISO 8601 UTC; with --coarsen week: the Monday of the week, YYYY-MM-DD; month: YYYY-MM; in TIMEZONE)`;
const when = (name: string, what: string): Column => ({ name, type: "date", meaning: dateMeaning(what) });
const person = (what: string): Column => ({ name: what.split(" ")[0]!, type: "pseudonym", meaning: `${what}: pseudonym (P- and 16 hex digits), the same person has the same one in every table and in every export with the same key` });
const id = (name: string, meaning: string): Column => ({ name, type: "integer", meaning });
const text = (name: string, meaning: string): Column => ({ name, type: "text", meaning: `${meaning}; free text as written, names, e-mails and platform ids of known people replaced by their pseudonyms` });
const days = (name: string, meaning: string): Column => ({ name, type: "integer", meaning: `${meaning}, in working days (weekends and public holidays of HOLIDAY_COUNTRY excluded), empty when it has not happened` });

export const TABLES = {
  departments: {
    name: "departments",
    description: "The organisation's departments.",
    columns: [
      id("department_id", "department id"),
      { name: "code", type: "string", meaning: "department code" },
      { name: "name", type: "string", meaning: "name (organisation's language)" },
      { name: "name_en", type: "string", meaning: "name in English, when given" },
      { name: "active", type: "boolean", meaning: "still in the organisation file" },
    ],
  },
  people: {
    name: "people",
    description: "Everyone in the data, pseudonymised: roles and department only.",
    columns: [
      person("person"),
      { name: "roles", type: "list", meaning: "roles, separated by ;", values: ROLES },
      id("department_id", "department (departments.department_id), empty when unknown"),
    ],
  },
  needs: {
    name: "needs",
    description: "Innovation needs reported in the period, with the time each step took.",
    columns: [
      id("need_id", "need id"),
      { name: "reference", type: "string", meaning: "reference shown to people, N-YYYY-NNNN" },
      text("title", "title"),
      text("problem", "the problem described"),
      text("affected", "who is affected"),
      text("benefit", "expected benefit"),
      { name: "sustainability", type: "list", meaning: "sustainability areas, separated by ;", values: SUSTAINABILITY_AREAS },
      { name: "urgency", type: "string", meaning: "urgency the reporter chose", values: URGENCIES },
      { name: "status", type: "string", meaning: "status at the export", values: NEED_STATUSES },
      id("department_id", "department the need concerns"),
      person("reporter who reported it"),
      id("reporter_department_id", "the reporter's department"),
      id("work_package_id", "work package it is assigned to"),
      id("initiative_id", "initiative it is part of"),
      id("duplicate_of_id", "need it duplicates"),
      text("outcome", "outcome noted when done"),
      when("reported_at", "when it was reported"),
      when("triaged_at", "first decision, as recorded by triage"),
      days("working_days_to_triage", "from the report to the first triage action (a decision or a question to the reporter)"),
      days("working_days_to_decision", `from the report to the first decision (to ${[...DECISION_STATUSES].join(", ")})`),
      days("working_days_to_done", "from the report to done"),
      { name: "supporter_count", type: "integer", meaning: "supporters (+1) at the export" },
      { name: "supporters_from_other_departments", type: "integer", meaning: "supporters whose department differs from the need's" },
    ],
  },
  needEvents: {
    name: "need_events",
    description: "The history of each need in the period: every change, triage decisions marked.",
    columns: [
      id("event_id", "event id"),
      id("need_id", "need (needs.need_id)"),
      person("actor who made the change (empty: the system)"),
      { name: "kind", type: "string", meaning: "what happened (submitted, accepted, started, done, declined, duplicate, question, answered, supported, merged, edited, withdrawn, initiative, …)" },
      { name: "is_triage_decision", type: "boolean", meaning: "a coordinator's triage action: a decision, or a question to the reporter (kind question)" },
      { name: "is_decision", type: "boolean", meaning: `the need was decided (to ${[...DECISION_STATUSES].join(", ")})` },
      { name: "from_status", type: "string", meaning: "status before", values: NEED_STATUSES },
      { name: "to_status", type: "string", meaning: "status after", values: NEED_STATUSES },
      text("note", "note (reason, question, answer, outcome)"),
      when("at", "when"),
      days("working_days_since_report", "from the need's report to this event"),
    ],
  },
  supports: {
    name: "supports",
    description: "Supporters (+1) of the needs in the period.",
    columns: [
      id("need_id", "need (needs.need_id)"),
      person("supporter who supports it"),
      id("supporter_department_id", "the supporter's department"),
      { name: "other_department", type: "boolean", meaning: "the supporter's department differs from the need's" },
      when("at", "when the support was given"),
    ],
  },
  workPackages: {
    name: "work_packages",
    description: "Work packages.",
    columns: [
      id("work_package_id", "work package id"),
      { name: "code", type: "string", meaning: "code, e.g. WP3" },
      { name: "name", type: "string", meaning: "name" },
      text("description", "description"),
      person("lead of the work package"),
      person("deputy who answers while the lead is away"),
      { name: "cadence", type: "string", meaning: "status ping cadence (cron expression, optionally 'every N weeks')" },
      { name: "active", type: "boolean", meaning: "active" },
    ],
  },
  initiatives: {
    name: "initiatives",
    description: "Initiatives (innovation processes under way).",
    columns: [
      id("initiative_id", "initiative id"),
      { name: "code", type: "string", meaning: "code, e.g. I-2026-01" },
      text("title", "title"),
      { name: "stage", type: "string", meaning: "stage", values: INITIATIVE_STAGES },
      person("owner of the initiative"),
      id("work_package_id", "work package"),
      id("need_id", "the need it started from"),
      { name: "active", type: "boolean", meaning: "active" },
      when("started_at", "when it was created"),
    ],
  },
  methods: {
    name: "methods",
    description: "The catalogue of methods and tools (work package 3).",
    columns: [
      id("method_id", "method id"),
      { name: "code", type: "string", meaning: "method code, e.g. service-design" },
      text("name", "name (organisation's language)"),
      text("name_en", "name in English, when given"),
      id("work_package_id", "work package that owns the method (work_packages.work_package_id), empty when none"),
      { name: "effort", type: "string", meaning: "effort it takes", values: EFFORTS },
      { name: "tags", type: "list", meaning: "tags, separated by ;" },
      { name: "sustainability", type: "list", meaning: "sustainability areas it serves, separated by ;", values: SUSTAINABILITY_AREAS },
      { name: "active", type: "boolean", meaning: "still in the catalogue" },
    ],
  },
  needMethods: {
    name: "need_methods",
    description: "Methods attached to the needs in the period (usually when a need is accepted).",
    columns: [
      id("need_id", "need (needs.need_id)"),
      { name: "method_code", type: "string", meaning: "method (methods.code)" },
      when("attached_at", "when the method was attached"),
    ],
  },
  statusRequests: {
    name: "status_requests",
    description: "Status pings asked in the period, and whether and when they were answered.",
    columns: [
      id("request_id", "status request id"),
      { name: "subject_kind", type: "string", meaning: "asked of a work package or an initiative", values: ["work_package", "initiative"] },
      id("work_package_id", "work package asked"),
      id("initiative_id", "initiative asked"),
      { name: "period", type: "string", meaning: "the ping period (local date and time of the occurrence)" },
      person("recipient who was asked"),
      when("asked_at", "when it was asked"),
      when("due_at", "when the answer was due"),
      when("answered_at", "first answer"),
      { name: "answered_on_time", type: "boolean", meaning: "answered by the due time" },
      days("working_days_to_answer", "from the question to the answer"),
      { name: "reminders_sent", type: "integer", meaning: "reminders sent before the answer" },
      { name: "escalated", type: "boolean", meaning: "coordinators were told it was overdue" },
    ],
  },
  statusUpdates: {
    name: "status_updates",
    description: "The answers to the status requests in the period.",
    columns: [
      id("request_id", "status request (status_requests.request_id)"),
      { name: "health", type: "string", meaning: "health", values: HEALTHS },
      text("progress", "progress"),
      text("blockers", "blockers"),
      text("next_steps", "next steps"),
      text("help_needed", "help needed"),
      person("author who answered"),
      { name: "late", type: "boolean", meaning: "answered after the due time" },
      when("at", "last change of the answer"),
    ],
  },
  lessons: {
    name: "lessons",
    description: "The learning log: questions to owners when a need is done or an initiative ends (and on an initiative's cadence), and their answers.",
    columns: [
      id("lesson_id", "lesson id"),
      { name: "occasion", type: "string", meaning: "why the owner was asked", values: LESSON_OCCASIONS },
      id("need_id", "the need, for need_done"),
      id("initiative_id", "the initiative, otherwise"),
      person("owner who was asked"),
      when("asked_at", "when asked"),
      { name: "reminded", type: "boolean", meaning: "the one reminder was sent" },
      when("answered_at", "when answered (empty: not answered)"),
      text("worked", "what worked"),
      text("did_not_work", "what did not work"),
      text("others_should_know", "what others should know"),
      { name: "shareable", type: "boolean", meaning: "the owner let it be shown to others (digest, portfolio)" },
    ],
  },
} satisfies Record<string, TableSpec>;

export interface RawResearchData {
  people: ResearchPerson[];
  departments: ResearchDepartment[];
  workPackages: ResearchWorkPackage[];
  initiatives: ResearchInitiative[];
  needs: ResearchNeed[];
  methods: ResearchMethod[];
  statusRequests: ResearchStatusRequest[];
  lessons: ResearchLesson[];
}

export interface DatasetOptions {
  key: string;
  coarsen: Coarsening | null;
  calendar: Calendar;
  zone: string;
}

/** A comma-separated stored list as the export's ;-separated one. */
const list = (stored: string) => stored.split(",").filter(Boolean).join(";");

/** The pseudonymised tables, in codebook order. */
export function buildDataset(raw: RawResearchData, options: DatasetOptions): Dataset {
  const { calendar, zone } = options;
  const p = createPseudonymiser(options.key);
  const scrub = createScrubber(raw.people, p);
  const date = (d: Date | null) => coarsenDate(d, options.coarsen, zone);
  const deptOf = new Map(raw.people.map((x) => [x.id, x.departmentId]));
  const between = (from: Date, to: Date | null) => (to ? calendar.workingDaysBetween(from, to, zone) : null);

  const needs = raw.needs.map((n) => {
    const departmentId = n.departmentId ?? deptOf.get(n.reporterId) ?? null;
    const timings = needTimings({ id: n.id, createdAt: n.createdAt, departmentId, supporterDepartmentIds: [], events: n.events }, calendar, zone);
    return {
      need_id: n.id,
      reference: n.reference,
      title: scrub(n.title),
      problem: scrub(n.problem),
      affected: scrub(n.affected),
      benefit: scrub(n.benefit),
      sustainability: list(n.sustainability),
      urgency: n.urgency,
      status: n.status,
      department_id: n.departmentId,
      reporter: p(n.reporterId),
      reporter_department_id: deptOf.get(n.reporterId) ?? null,
      work_package_id: n.workPackageId,
      initiative_id: n.initiativeId,
      duplicate_of_id: n.duplicateOfId,
      outcome: scrub(n.outcome),
      reported_at: date(n.createdAt),
      triaged_at: date(n.triagedAt),
      working_days_to_triage: timings.toTriage,
      working_days_to_decision: timings.toDecision,
      working_days_to_done: timings.toDone,
      supporter_count: n.supporters.length,
      supporters_from_other_departments: n.supporters.filter((s) => s.person.departmentId !== null && s.person.departmentId !== departmentId).length,
    };
  });

  const needEvents = raw.needs.flatMap((n) =>
    n.events.map((e) => ({
      event_id: e.id,
      need_id: n.id,
      actor: p(e.actorId),
      kind: e.kind,
      is_triage_decision: isTriage(e),
      is_decision: isDecision(e),
      from_status: e.fromStatus,
      to_status: e.toStatus,
      note: scrub(e.note),
      at: date(e.createdAt),
      working_days_since_report: calendar.workingDaysBetween(n.createdAt, e.createdAt, zone),
    })),
  );

  const supports = raw.needs.flatMap((n) => {
    const departmentId = n.departmentId ?? deptOf.get(n.reporterId) ?? null;
    return n.supporters.map((s) => ({
      need_id: n.id,
      supporter: p(s.personId),
      supporter_department_id: s.person.departmentId,
      other_department: s.person.departmentId !== null && s.person.departmentId !== departmentId,
      at: date(s.createdAt),
    }));
  });

  const statusRequests = raw.statusRequests.map((r) => ({
    request_id: r.id,
    subject_kind: r.initiativeId !== null ? "initiative" : "work_package",
    work_package_id: r.workPackageId,
    initiative_id: r.initiativeId,
    period: r.periodKey,
    recipient: p(r.recipientId),
    asked_at: date(r.askedAt),
    due_at: date(r.dueAt),
    answered_at: date(r.answeredAt),
    answered_on_time: r.answeredAt !== null && r.answeredAt <= r.dueAt,
    working_days_to_answer: between(r.askedAt, r.answeredAt),
    reminders_sent: r.remindersSent,
    escalated: r.escalatedAt !== null,
  }));

  const statusUpdates = raw.statusRequests
    .filter((r) => r.update)
    .map((r) => ({
      request_id: r.id,
      health: r.update!.health,
      progress: scrub(r.update!.progress),
      blockers: scrub(r.update!.blockers),
      next_steps: scrub(r.update!.nextSteps),
      help_needed: scrub(r.update!.helpNeeded),
      author: p(r.update!.authorId),
      late: r.update!.late,
      at: date(r.update!.updatedAt),
    }));

  const rows: Record<keyof typeof TABLES, Row[]> = {
    departments: raw.departments.map((d) => ({ department_id: d.id, code: d.code, name: d.name, name_en: d.nameEn, active: d.active })),
    people: raw.people.map((x) => ({ person: p(x.id), roles: x.roles.join(";"), department_id: x.departmentId })),
    needs,
    needEvents,
    supports,
    workPackages: raw.workPackages.map((w) => ({
      work_package_id: w.id,
      code: w.code,
      name: w.name,
      description: scrub(w.description),
      lead: p(w.leadId),
      deputy: p(w.deputyId),
      cadence: w.cadence,
      active: w.active,
    })),
    initiatives: raw.initiatives.map((i) => ({
      initiative_id: i.id,
      code: i.code,
      title: scrub(i.title),
      stage: i.stage,
      owner: p(i.ownerId),
      work_package_id: i.workPackageId,
      need_id: i.needId,
      active: i.active,
      started_at: date(i.createdAt),
    })),
    methods: raw.methods.map((m) => ({
      method_id: m.id,
      code: m.code,
      name: scrub(m.name),
      name_en: scrub(m.nameEn),
      work_package_id: m.workPackageId,
      effort: m.effort,
      tags: list(m.tags),
      sustainability: list(m.sustainability),
      active: m.active,
    })),
    needMethods: raw.needs.flatMap((n) => n.methods.map((m) => ({ need_id: n.id, method_code: m.method.code, attached_at: date(m.createdAt) }))),
    statusRequests,
    statusUpdates,
    lessons: raw.lessons.map((l) => ({
      lesson_id: l.id,
      occasion: l.occasion,
      need_id: l.needId,
      initiative_id: l.initiativeId,
      owner: p(l.ownerId),
      asked_at: date(l.askedAt),
      reminded: l.remindedAt !== null,
      answered_at: date(l.answeredAt),
      worked: scrub(l.worked),
      did_not_work: scrub(l.didNotWork),
      others_should_know: scrub(l.othersShouldKnow),
      shareable: l.shareable,
    })),
  };
  return { tables: (Object.keys(TABLES) as (keyof typeof TABLES)[]).map((k) => ({ spec: TABLES[k], rows: rows[k] })) };
}

/** The codebook as data (codebook.json). */
export function codebookJson(dataset: Dataset, coarsen: Coarsening | null) {
  return {
    dates: coarsen ? `coarsened to the ${coarsen}` : "ISO 8601 timestamps in UTC",
    pseudonyms: "P- and 16 hex digits of HMAC-SHA-256(RESEARCH_KEY, 'person:<id>'); the same with the same key, not reversible without it",
    tables: dataset.tables.map(({ spec, rows }) => ({ name: spec.name, file: `${spec.name}.csv`, description: spec.description, rows: rows.length, columns: spec.columns })),
  };
}

/** The codebook for people (codebook.md). */
export function codebookMarkdown(dataset: Dataset, coarsen: Coarsening | null): string {
  const book = codebookJson(dataset, coarsen);
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const out = [
    "# Codebook of the Samordna research export",
    "",
    `Each table is a CSV file (UTF-8, every cell quoted, a header row) and a JSON file (an array of objects) with the same rows. Dates: ${book.dates}. Persons: ${book.pseudonyms}. Empty cell = no value.`,
  ];
  for (const t of book.tables) {
    out.push("", `## ${t.name}`, "", `${t.description} Files: \`${t.name}.csv\`, \`${t.name}.json\`. Rows: ${t.rows}.`, "", "| column | type | meaning | allowed values |", "|---|---|---|---|");
    for (const c of t.columns as Column[]) out.push(`| ${c.name} | ${c.type} | ${cell(c.meaning)} | ${c.values ? c.values.join(", ") : ""} |`);
  }
  return `${out.join("\n")}\n`;
}

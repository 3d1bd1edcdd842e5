// The learning log (work package 5). When a need is done or an initiative
// ends, and for an initiative under way every few months (its owner sets how
// many, default 3), the owner is asked three short questions. The `lessons`
// job is level-triggered like status pings: it finds the occasions that lack a
// question and asks (question row and outbox message in one transaction; the
// occasion key is unique), and sends one reminder for a question unanswered
// after a few working days. Only the owner may answer, once.
import { DateTime } from "luxon";
import type { Store } from "../store/index.ts";
import { personAddress } from "./addresses.ts";
import { auditSubject } from "./auditSubjects.ts";
import type { Calendar } from "./calendar.ts";
import { DomainError, ValidationError, type FieldError } from "./errors.ts";
import { LESSON_FIELDS, type Lesson, type LessonAnswer, type LessonOccasion } from "./lessonTypes.ts";
import type { Locale, Person } from "./types.ts";

/** Needs done and initiatives ended longer ago than this are history: not asked about when the log starts. */
export const LESSON_LOOKBACK_DAYS = 14;
/** Working days after the question before its one reminder. */
export const LESSON_REMINDER_WORKING_DAYS = 5;
export const MAX_LESSON_MONTHS = 24;
export const LESSON_TEXT_LIMIT = 2000;
/** Settings key of an initiative's lesson cadence in months. */
export const lessonMonthsKey = (initiativeId: number) => `lessons.everyMonths:init:${initiativeId}` as const;

export interface LessonFormOptions {
  lessonId: number;
  occasion: LessonOccasion;
  subject: { code: string; title: string };
  reminder: boolean;
  values?: Partial<Record<(typeof LESSON_FIELDS)[number] | "shareable", string>>;
  errors?: Record<string, FieldError>;
}

/** The cards the service sends (src/cards), rendered in the owner's language. */
export interface LessonCards {
  form(locale: Locale, options: LessonFormOptions): unknown;
}

export interface LessonRunOptions {
  dryRun: boolean;
  out: (line: string) => void;
}

interface Occasion {
  key: string;
  occasion: LessonOccasion;
  needId: number | null;
  initiativeId: number | null;
  ownerId: number;
  subject: { code: string; title: string };
}

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/** Reads and checks an answer: at least one of the three, none too long. */
export function parseLessonAnswer(data: Record<string, unknown>): LessonAnswer {
  const errors: Record<string, FieldError> = {};
  const answer = { worked: text(data.worked), didNotWork: text(data.didNotWork), othersShouldKnow: text(data.othersShouldKnow) };
  for (const field of LESSON_FIELDS) if (answer[field].length > LESSON_TEXT_LIMIT) errors[field] = { key: "validation.tooLong", params: { max: LESSON_TEXT_LIMIT } };
  if (LESSON_FIELDS.every((f) => !answer[f])) errors.worked = { key: "lessons.error.empty" };
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { ...answer, shareable: data.shareable === true || data.shareable === "true" };
}

export function createLessonService(deps: { store: Store; clock: () => Date; calendar: Calendar; zone: string; cards: LessonCards }) {
  const { store, clock, calendar, zone, cards } = deps;


  /** Every occasion at `now` that may need a question (those already asked are filtered out by the caller). */
  async function occasions(now: Date): Promise<Occasion[]> {
    const since = new Date(now.getTime() - LESSON_LOOKBACK_DAYS * 86_400_000);
    const [done, ended, underWay] = await Promise.all([
      store.lessons.needsDoneSince(since),
      store.lessons.initiativesEndedSince(since),
      store.lessons.initiativesUnderWay(),
    ]);
    const out: Occasion[] = [];
    for (const n of done) {
      // The one who carried the work: the initiative's owner, else the work package's lead, else who marked it done.
      const ownerId = n.ownerCandidates.find((id): id is number => id !== null);
      if (ownerId !== undefined) out.push({ key: `need:${n.needId}:done`, occasion: "need_done", needId: n.needId, initiativeId: null, ownerId, subject: { code: n.code, title: n.title } });
    }
    for (const i of ended) {
      out.push({ key: `init:${i.id}:end`, occasion: "initiative_end", needId: null, initiativeId: i.id, ownerId: i.ownerId!, subject: { code: i.code, title: i.title } });
    }
    for (const i of underWay) {
      const base = (await store.lessons.lastAskedFor(i.id)) ?? i.createdAt;
      const due = DateTime.fromJSDate(base, { zone }).plus({ months: await store.settings.get(lessonMonthsKey(i.id)) });
      if (due.toJSDate() > now) continue;
      out.push({
        key: `init:${i.id}:${due.toISODate()}`,
        occasion: "initiative_cadence",
        needId: null,
        initiativeId: i.id,
        ownerId: i.ownerId!,
        subject: { code: i.code, title: i.title },
      });
    }
    return out;
  }

  async function load(lessonId: unknown): Promise<Lesson> {
    const id = Number(lessonId);
    const lesson = Number.isInteger(id) && id > 0 ? await store.lessons.byId(id) : null;
    if (!lesson) throw new DomainError("not_found", `lesson ${String(lessonId)}`);
    return lesson;
  }

  async function formOptions(lesson: Lesson, reminder: boolean): Promise<LessonFormOptions> {
    const subject = (await store.lessons.subjectOf(lesson)) ?? { code: "", title: "" };
    return { lessonId: lesson.id, occasion: lesson.occasion, subject, reminder };
  }

  /** The question, if this person may answer it now. */
  async function answerable(person: Person, lessonId: unknown): Promise<Lesson> {
    const lesson = await load(lessonId);
    if (lesson.ownerId !== person.id) throw new DomainError("forbidden", `person ${person.id} does not own lesson ${lesson.id}`);
    if (lesson.answeredAt) throw new DomainError("invalid_state", `lesson ${lesson.id} answered`, { detailKey: "lessons.error.answered" });
    return lesson;
  }

  return {
    load,

    /** One tick of the `lessons` job, first half: asks every occasion that has no question yet. */
    async askDue(now: Date, options: LessonRunOptions): Promise<number> {
      const due = await occasions(now);
      const asked = await store.lessons.existingKeys(due.map((o) => o.key));
      let count = 0;
      for (const o of due.filter((x) => !asked.has(x.key))) {
        const owner = await store.people.byId(o.ownerId);
        if (!owner) continue; // erased
        options.out(`${o.subject.code}: ${options.dryRun ? "would ask" : "asking"} ${owner.displayName} for lessons (${o.occasion})`);
        count++;
        if (options.dryRun) continue;
        await store.transaction(async (tx) => {
          const lesson = await tx.lessons.create({ occasionKey: o.key, occasion: o.occasion, needId: o.needId, initiativeId: o.initiativeId, ownerId: owner.id, askedAt: now });
          if (!lesson) return; // another run asked first
          await tx.outbox.enqueue({
            dedupeKey: `lesson:${lesson.id}`,
            target: personAddress(owner.id),
            kind: "lesson.question",
            availableAt: now,
            payload: cards.form(owner.locale, { lessonId: lesson.id, occasion: o.occasion, subject: o.subject, reminder: false }),
          });
        });
      }
      return count;
    },

    /** Second half: the one reminder of each question unanswered for LESSON_REMINDER_WORKING_DAYS. */
    async remindDue(now: Date, options: LessonRunOptions): Promise<number> {
      let count = 0;
      for (const lesson of await store.lessons.awaitingReminder(now)) {
        if (calendar.addWorkingDays(lesson.askedAt, LESSON_REMINDER_WORKING_DAYS, zone) > now) continue;
        const owner = await store.people.byId(lesson.ownerId);
        const form = await formOptions(lesson, true);
        options.out(`${form.subject.code}: ${options.dryRun ? "would remind" : "reminding"} ${owner?.displayName ?? "nobody"} of the lessons question`);
        count++;
        if (options.dryRun) continue;
        await store.transaction(async (tx) => {
          if (!(await tx.lessons.markReminded(lesson.id, now)) || !owner) return;
          await tx.outbox.enqueue({
            dedupeKey: `lesson-reminder:${lesson.id}`,
            target: personAddress(owner.id),
            kind: "lesson.reminder",
            availableAt: now,
            payload: cards.form(owner.locale, form),
          });
        });
      }
      return count;
    },

    answerable,

    /** The form again, with what the person typed and what is wrong. */
    async formFor(lesson: Lesson, values: LessonFormOptions["values"], errors: Record<string, FieldError>): Promise<LessonFormOptions> {
      return { ...(await formOptions(lesson, false)), values, errors };
    },

    /** Stores the owner's answer; a replayed submission changes nothing. */
    async answer(person: Person, data: Record<string, unknown>): Promise<{ lesson: Lesson; subject: { code: string; title: string } }> {
      const lesson = await answerable(person, data.lessonId);
      const answer = parseLessonAnswer(data);
      const now = clock();
      const saved = await store.transaction(async (tx) => {
        if (!(await tx.lessons.answer(lesson.id, answer, now))) return false;
        await tx.audit.record({ actorId: person.id, action: "lesson.answer", subject: auditSubject.lesson(lesson.id), after: { shareable: answer.shareable } });
        return true;
      });
      if (!saved) throw new DomainError("invalid_state", `lesson ${lesson.id} answered`, { detailKey: "lessons.error.answered" });
      const subject = (await store.lessons.subjectOf(lesson)) ?? { code: "", title: "" };
      return { lesson: { ...lesson, ...answer, answeredAt: now }, subject };
    },

    /** The owner sets how often each initiative they own is asked (in months). */
    async setCadence(person: Person, rest: string): Promise<{ months: number; codes: string[] }> {
      const n = Number(/^\s*(\d{1,3})\b/.exec(rest)?.[1]);
      if (!Number.isInteger(n) || n < 1 || n > MAX_LESSON_MONTHS) {
        throw new DomainError("invalid_input", `bad months ${rest.slice(0, 50)}`, { detailKey: "lessons.cadence.usage", max: MAX_LESSON_MONTHS });
      }
      const owned = await store.initiatives.ownedBy(person.id);
      if (owned.length === 0) throw new DomainError("invalid_input", `person ${person.id} owns no initiative`, { detailKey: "lessons.cadence.notOwner" });
      await store.transaction(async (tx) => {
        for (const i of owned) {
          await tx.settings.set(lessonMonthsKey(i.id), n);
          await tx.audit.record({ actorId: person.id, action: "lesson.cadence", subject: auditSubject.initiative(i.code), after: n });
        }
      });
      return { months: n, codes: owned.map((i) => i.code) };
    },
  };
}
export type LessonService = ReturnType<typeof createLessonService>;

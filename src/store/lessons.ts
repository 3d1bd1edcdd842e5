// The learning log: questions asked of owners and their answers (model Lesson).
import type { Lesson, LessonAnswer, LessonOccasion, SharedLesson } from "../domain/lessonTypes.ts";
import type { Tx } from "./client.ts";

type LessonRow = Omit<Lesson, "occasion"> & { occasion: string };
const toLesson = (row: LessonRow): Lesson => ({ ...row, occasion: row.occasion as LessonOccasion });

/** What each lesson is about (a need's reference or an initiative's code, and its title), in one query per kind. */
async function subjectsOf(db: Tx, rows: Pick<LessonRow, "needId" | "initiativeId">[]) {
  const [needs, inits] = await Promise.all([
    db.need.findMany({ where: { id: { in: rows.flatMap((r) => (r.needId === null ? [] : [r.needId])) } }, select: { id: true, reference: true, title: true } }),
    db.initiative.findMany({ where: { id: { in: rows.flatMap((r) => (r.initiativeId === null ? [] : [r.initiativeId])) } }, select: { id: true, code: true, title: true } }),
  ]);
  const needById = new Map(needs.map((n) => [n.id, { code: n.reference, title: n.title }]));
  const initById = new Map(inits.map((i) => [i.id, { code: i.code, title: i.title }]));
  return (r: Pick<LessonRow, "needId" | "initiativeId">) => (r.needId !== null ? needById.get(r.needId) : r.initiativeId !== null ? initById.get(r.initiativeId) : undefined) ?? null;
}

export function createLessonsRepository(db: Tx) {
  return {
    ...createLessonOccasionsRepository(db),
    /** Creates the question of one occasion; null when it was asked already (the key is unique). */
    async create(input: { occasionKey: string; occasion: LessonOccasion; needId: number | null; initiativeId: number | null; ownerId: number; askedAt: Date }): Promise<Lesson | null> {
      const existing = await db.lesson.findUnique({ where: { occasionKey: input.occasionKey }, select: { id: true } });
      if (existing) return null;
      return toLesson(await db.lesson.create({ data: input }));
    },
    async byId(id: number): Promise<Lesson | null> {
      const row = await db.lesson.findUnique({ where: { id } });
      return row ? toLesson(row) : null;
    },
    async existingKeys(keys: string[]): Promise<Set<string>> {
      const rows = await db.lesson.findMany({ where: { occasionKey: { in: keys } }, select: { occasionKey: true } });
      return new Set(rows.map((r) => r.occasionKey));
    },
    /** Unanswered questions never reminded, asked before `before`. */
    async awaitingReminder(before: Date): Promise<Lesson[]> {
      return (await db.lesson.findMany({ where: { answeredAt: null, remindedAt: null, askedAt: { lt: before } }, orderBy: { id: "asc" } })).map(toLesson);
    },
    /** Marks the one reminder; false when another run has sent it. */
    async markReminded(id: number, at: Date): Promise<boolean> {
      return (await db.lesson.updateMany({ where: { id, remindedAt: null, answeredAt: null }, data: { remindedAt: at } })).count === 1;
    },
    /** Stores the answer; false when it was answered already (a replayed submission). */
    async answer(id: number, answer: LessonAnswer, at: Date): Promise<boolean> {
      return (await db.lesson.updateMany({ where: { id, answeredAt: null }, data: { ...answer, answeredAt: at } })).count === 1;
    },
    /** The latest cadence question of an initiative. */
    async lastAskedFor(initiativeId: number): Promise<Date | null> {
      const row = await db.lesson.findFirst({ where: { initiativeId }, orderBy: { askedAt: "desc" }, select: { askedAt: true } });
      return row?.askedAt ?? null;
    },
    /** Shareable answers given in [from, to), newest first, with what they are about. */
    async sharedBetween(from: Date, to: Date, take: number): Promise<{ items: (Lesson & { subject: string })[]; total: number }> {
      const where = { shareable: true, answeredAt: { gte: from, lt: to } };
      const [rows, total] = await Promise.all([db.lesson.findMany({ where, orderBy: { answeredAt: "desc" }, take }), db.lesson.count({ where })]);
      const about = await subjectsOf(db, rows);
      const subject = (r: LessonRow) => {
        const s = about(r);
        return s ? `${s.code} ${s.title}` : "";
      };
      return { items: rows.map((r) => ({ ...toLesson(r), subject: subject(r) })), total };
    },
    /**
     * Shareable answers for the portfolio, newest first: about one need (and
     * the initiative it is part of), or about any initiative. Never who wrote
     * them: the owner is not selected.
     */
    async shared(about: { needId: number; initiativeId: number | null } | "initiatives", take: number): Promise<SharedLesson[]> {
      const subject =
        about === "initiatives"
          ? { initiativeId: { not: null } }
          : { OR: [{ needId: about.needId }, ...(about.initiativeId !== null ? [{ initiativeId: about.initiativeId }] : [])] };
      const rows = await db.lesson.findMany({
        where: { shareable: true, answeredAt: { not: null }, ...subject },
        orderBy: [{ answeredAt: "desc" }, { id: "desc" }],
        take,
        select: { id: true, occasion: true, needId: true, initiativeId: true, answeredAt: true, worked: true, didNotWork: true, othersShouldKnow: true },
      });
      const subjectOf = await subjectsOf(db, rows);
      return rows.map((r) => ({ ...r, occasion: r.occasion as LessonOccasion, answeredAt: r.answeredAt!, subject: subjectOf(r) }));
    },
    /** Answers given since `since` (or ever): their times, for the evaluation figures. */
    async answeredTimes(since?: Date): Promise<Date[]> {
      const rows = await db.lesson.findMany({ where: { answeredAt: since ? { gte: since } : { not: null } }, select: { answeredAt: true } });
      return rows.map((r) => r.answeredAt!);
    },
  };
}
export type LessonsRepository = ReturnType<typeof createLessonsRepository>;

/** Occasions to ask about: needs done, initiatives ended, initiatives on their cadence. */
export function createLessonOccasionsRepository(db: Tx) {
  return {
    /** Needs marked done since `since`, with who may own the lesson. */
    async needsDoneSince(since: Date) {
      const rows = await db.needEvent.findMany({
        where: { toStatus: "done", createdAt: { gte: since } },
        orderBy: { id: "asc" },
        select: {
          createdAt: true,
          actorId: true,
          need: { select: { id: true, reference: true, title: true, status: true, initiative: { select: { ownerId: true } }, workPackage: { select: { leadId: true } } } },
        },
      });
      return rows
        .filter((r) => r.need.status === "done")
        .map((r) => ({
          needId: r.need.id,
          code: r.need.reference,
          title: r.need.title,
          doneAt: r.createdAt,
          ownerCandidates: [r.need.initiative?.ownerId ?? null, r.need.workPackage?.leadId ?? null, r.actorId],
        }));
    },
    /** Initiatives ended (inactive or at stage done) since `since`, with an owner. */
    async initiativesEndedSince(since: Date) {
      return db.initiative.findMany({
        where: { OR: [{ active: false }, { stage: "done" }], updatedAt: { gte: since }, ownerId: { not: null } },
        orderBy: { id: "asc" },
        select: { id: true, code: true, title: true, ownerId: true, updatedAt: true },
      });
    },
    /** Initiatives under way with an owner (asked on their cadence). */
    async initiativesUnderWay() {
      return db.initiative.findMany({
        where: { active: true, stage: { not: "done" }, ownerId: { not: null } },
        orderBy: { id: "asc" },
        select: { id: true, code: true, title: true, ownerId: true, createdAt: true },
      });
    },
    /** What a lesson is about, for its card. */
    async subjectOf(lesson: { needId: number | null; initiativeId: number | null }): Promise<{ code: string; title: string } | null> {
      if (lesson.needId !== null) {
        const n = await db.need.findUnique({ where: { id: lesson.needId }, select: { reference: true, title: true } });
        return n ? { code: n.reference, title: n.title } : null;
      }
      if (lesson.initiativeId !== null) return db.initiative.findUnique({ where: { id: lesson.initiativeId }, select: { code: true, title: true } });
      return null;
    },
  };
}

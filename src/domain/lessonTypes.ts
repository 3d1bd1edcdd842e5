// The learning log's vocabulary (model Lesson), shared by rules, cards and store.
export const LESSON_OCCASIONS = ["need_done", "initiative_end", "initiative_cadence"] as const;
export type LessonOccasion = (typeof LESSON_OCCASIONS)[number];

export const LESSON_FIELDS = ["worked", "didNotWork", "othersShouldKnow"] as const;
export type LessonField = (typeof LESSON_FIELDS)[number];

export interface LessonAnswer {
  worked: string;
  didNotWork: string;
  othersShouldKnow: string;
  shareable: boolean;
}

export interface Lesson extends LessonAnswer {
  id: number;
  /** "need:<id>:done", "init:<id>:end", "init:<id>:<YYYY-MM-DD>": one question per occasion. */
  occasionKey: string;
  occasion: LessonOccasion;
  needId: number | null;
  initiativeId: number | null;
  ownerId: number;
  askedAt: Date;
  remindedAt: Date | null;
  answeredAt: Date | null;
}

/** A shareable answer as others see it (the portfolio): what it is about, never who wrote it. */
export interface SharedLesson extends Pick<Lesson, "id" | "occasion" | "needId" | "initiativeId" | "worked" | "didNotWork" | "othersShouldKnow"> {
  answeredAt: Date;
  /** The need's reference or the initiative's code, and its title. */
  subject: { code: string; title: string } | null;
}

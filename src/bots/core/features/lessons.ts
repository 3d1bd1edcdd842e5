// The learning log in chat: an owner answers the lessons form (the question
// and its reminder come from the `lessons` job), and sets how often their
// initiatives are asked.
import { lessonForm, lessonSavedCard, LESSON_VERBS } from "../../../cards/lessonForm.ts";
import { noticeCard } from "../../../cards/messages.ts";
import { ValidationError } from "../../../domain/errors.ts";
import type { LessonService } from "../../../domain/lessons.ts";
import { LESSON_FIELDS } from "../../../domain/lessonTypes.ts";
import type { Feature } from "../types.ts";
import { reply } from "../types.ts";

export function createLessonsFeature(lessons: LessonService): Feature {
  return {
    intents: [
      {
        name: "lessons.cadence",
        phrases: ["lessons every", "lärdomar var", "lardomar var"],
        helpKey: "help.lessons",
        roles: ["lead"],
        handle: async (ctx, rest) => {
          const { months, codes } = await lessons.setCadence(ctx.person, rest);
          return reply(noticeCard(ctx.t("lessons.cadence.set", { months, codes: codes.join(", ") })));
        },
      },
    ],
    // The form a submission came from, for the router's input rules (only its owner gets one).
    forms: {
      [LESSON_VERBS.submit]: {
        form: async (ctx, data) => lessonForm(ctx, await lessons.formFor(await lessons.answerable(ctx.person, data.lessonId), {}, {})),
      },
    },
    actions: {
      [LESSON_VERBS.submit]: async (ctx, data) => {
        try {
          const { lesson, subject } = await lessons.answer(ctx.person, data);
          return { cards: [], replace: lessonSavedCard(ctx, subject, lesson) };
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          const lesson = await lessons.answerable(ctx.person, data.lessonId);
          const values = Object.fromEntries([...LESSON_FIELDS, "shareable"].map((f) => [f, typeof data[f] === "string" ? (data[f] as string) : ""]));
          const form = lessonForm(ctx, await lessons.formFor(lesson, values, err.fields));
          const fieldErrors = Object.fromEntries(Object.entries(err.fields).map(([field, e]) => [field, ctx.t(e.key, e.params)]));
          return { cards: [], replace: form, fieldErrors };
        }
      },
    },
  };
}

// Announcements in chat: `announce`/`meddelande` opens the compose form; "count"
// shows the reach, "preview" stores a draft and shows it to the author with
// send/schedule and cancel; the report card refreshes in place. Permissions
// are checked in domain/announcements.ts on every action.
import {
  ANNOUNCE_VERBS,
  announceForm,
  announcementCard,
  announcementControlCard,
  announcementReportCard,
  type AnnounceFormOptions,
} from "../../../cards/announcement.ts";
import { noticeCard } from "../../../cards/messages.ts";
import { ANNOUNCER_ROLES, parseAudience, type AnnouncementService } from "../../../domain/announcements.ts";
import { ValidationError } from "../../../domain/errors.ts";
import { requireRole } from "../../../domain/permissions.ts";
import type { Department, WorkPackage } from "../../../domain/types.ts";
import { formatDateTime } from "../../../i18n/format.ts";
import type { FormDefinition, Feature, HandlerContext, Reply } from "../types.ts";
import { reply } from "../types.ts";
import { invalid } from "./admin.ts";

export interface AnnounceFeatureDeps {
  announcements: AnnouncementService;
  departments: () => Promise<Department[]>;
  workPackages: () => Promise<WorkPackage[]>;
  initiatives: () => Promise<{ id: number; code: string; title: string }[]>;
}

export function createAnnounceFeature(deps: AnnounceFeatureDeps): Feature {
  const { announcements } = deps;

  async function formOptions(ctx: HandlerContext): Promise<Omit<AnnounceFormOptions, "values" | "errors" | "reach">> {
    requireRole(ctx.person, ...ANNOUNCER_ROLES);
    const departments = (await deps.departments()).map((d) => ({ id: d.id, name: ctx.locale === "en" && d.nameEn ? d.nameEn : d.name }));
    return { departments, workPackages: await deps.workPackages(), initiatives: await deps.initiatives(), channels: await announcements.channels() };
  }

  const countForm: FormDefinition = { form: async (ctx, data) => announceForm(ctx, { ...(await formOptions(ctx)), values: data }) };
  const previewForm: FormDefinition = {
    ...countForm,
    // The card's own rules (lengths, choices) and the domain's (https, audience, time) together: every problem at once.
    invalid: async (ctx, data, errors) => {
      const options = await formOptions(ctx);
      const all = { ...(await announcements.formErrors(data)), ...errors };
      return invalid(ctx, new ValidationError(all), (fields) => announceForm(ctx, { ...options, values: data, errors: fields }));
    },
  };

  async function report(ctx: HandlerContext, id: unknown): Promise<Reply> {
    // The report replaces the clicked card; where that message can be updated later (Slack), it is kept current.
    const { message } = ctx.turn;
    const { announcement, report } = await announcements.report(ctx.person, id, message ? `${message.platform}:${message.ref}` : undefined);
    return { cards: [], replace: announcementReportCard(ctx, announcement, report) };
  }

  return {
    intents: [
      {
        name: "announce.new",
        phrases: ["announce", "announcement", "meddelande"],
        helpKey: "help.announce",
        roles: ANNOUNCER_ROLES,
        handle: async (ctx) => reply(announceForm(ctx, await formOptions(ctx))),
      },
    ],
    forms: { [ANNOUNCE_VERBS.count]: countForm, [ANNOUNCE_VERBS.preview]: previewForm },
    once: [ANNOUNCE_VERBS.preview, ANNOUNCE_VERBS.send, ANNOUNCE_VERBS.cancel],
    actions: {
      [ANNOUNCE_VERBS.count]: async (ctx, data) => {
        const options = await formOptions(ctx);
        const reach = await announcements.count(ctx.person, parseAudience(data, options.channels));
        return { cards: [], replace: announceForm(ctx, { ...options, values: data, reach }) };
      },
      [ANNOUNCE_VERBS.preview]: async (ctx, data) => {
        try {
          const announcement = await announcements.draft(ctx.person, data);
          const reach = await announcements.count(ctx.person, announcement.audience);
          return reply([announcementCard(ctx, announcement, { acknowledge: announcement.acknowledge }), announcementControlCard(ctx, announcement, reach)]);
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          const options = await formOptions(ctx);
          return invalid(ctx, err, (errors) => announceForm(ctx, { ...options, values: data, errors }));
        }
      },
      [ANNOUNCE_VERBS.send]: async (ctx, data) => {
        const { announcement } = await announcements.send(ctx.person, data.announcementId);
        if (announcement.state === "scheduled") {
          return { cards: [], replace: noticeCard(ctx.t("announce.scheduled", { at: formatDateTime(ctx, announcement.scheduledAt!) })) };
        }
        return report(ctx, announcement.id);
      },
      [ANNOUNCE_VERBS.cancel]: async (ctx, data) => {
        const { withdrawn } = await announcements.cancel(ctx.person, data.announcementId);
        return { cards: [], replace: noticeCard(ctx.t("announce.cancelled", { withdrawn })) };
      },
      [ANNOUNCE_VERBS.report]: async (ctx, data) => report(ctx, data.announcementId),
      [ANNOUNCE_VERBS.acknowledge]: async (ctx, data) => {
        const first = await announcements.acknowledge(ctx.person, data.announcementId);
        return reply(noticeCard(ctx.t(first ? "announce.acknowledged" : "announce.acknowledgedAlready")));
      },
    },
  };
}

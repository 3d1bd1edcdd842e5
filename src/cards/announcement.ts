// Announcements: the compose form (with the audience's reach), the message a
// recipient gets, the author's preview controls and the report card.
import { ANNOUNCEMENT_LIMITS, announcementText, type Announcement, type AnnouncementReport } from "../domain/announcements.ts";
import type { FieldError } from "../domain/errors.ts";
import { ROLES, type Locale } from "../domain/types.ts";
import { formatDateTime } from "../i18n/format.ts";
import type { CardContext } from "./context.ts";
import { card, choiceInput, clean, execute, facts, heading, openUrl, paragraph, plainText, textInput, type AdaptiveCard, type Element } from "./elements.ts";

export const ANNOUNCE_VERBS = {
  count: "announce.count",
  preview: "announce.preview",
  send: "announce.send",
  cancel: "announce.cancel",
  report: "announce.report",
  acknowledge: "announce.acknowledge",
} as const;

export interface AnnounceFormOptions {
  departments: { id: number; name: string }[];
  workPackages: { id: number; code: string; name: string }[];
  initiatives: { id: number; code: string; title: string }[];
  /** Configured channel targets ("teams:…", "slack:C…"). */
  channels: string[];
  values?: Record<string, unknown>;
  errors?: Record<string, FieldError>;
  /** How many the chosen audience reaches (after "count"). */
  reach?: { people: number; channels: number };
}

const FIELDS = ["title_sv", "text_sv", "title_en", "text_en", "imageUrl", "linkUrl", "acknowledge", "everyone", "departments", "roles", "workPackages", "initiatives", "channels", "sendDate", "sendTime"] as const;

/** The form's values as the card shows them again (only known fields, as strings). */
export function announceFormValues(data: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const f of FIELDS) {
    const v = data[f];
    if (typeof v === "string") values[f] = v;
    else if (Array.isArray(v)) values[f] = v.map(String).join(",");
  }
  return values;
}

export function announceForm(ctx: CardContext, options: AnnounceFormOptions): AdaptiveCard {
  const { t } = ctx;
  const v = announceFormValues(options.values ?? {});
  const err = (field: string) => {
    const e = options.errors?.[field];
    return e ? t(e.key, e.params) : undefined;
  };
  const language = (l: Locale): Element[] => [
    textInput({ id: `title_${l}`, label: t(`announce.field.title.${l}`), value: v[`title_${l}`], maxLength: ANNOUNCEMENT_LIMITS.title, error: err(`title_${l}`) }),
    textInput({ id: `text_${l}`, label: t(`announce.field.text.${l}`), value: v[`text_${l}`], multiline: true, maxLength: ANNOUNCEMENT_LIMITS.text, error: err(`text_${l}`) }),
  ];
  const multi = (id: string, label: string, choices: { title: string; value: string }[]): Element[] =>
    choices.length ? [choiceInput({ id, label, isMultiSelect: true, style: "compact", value: v[id], choices, error: err(id) })] : [];
  const body: Element[] = [
    heading(t("announce.form.title")),
    paragraph(t("announce.form.intro"), { subtle: true }),
    ...(options.errors && Object.keys(options.errors).length ? [paragraph(t("validation.summary"), { color: "Attention" })] : []),
    ...language("sv"),
    ...language("en"),
    textInput({ id: "imageUrl", label: t("announce.field.imageUrl"), value: v.imageUrl, placeholder: "https://", maxLength: ANNOUNCEMENT_LIMITS.url, error: err("imageUrl") }),
    textInput({ id: "linkUrl", label: t("announce.field.linkUrl"), value: v.linkUrl, placeholder: "https://", maxLength: ANNOUNCEMENT_LIMITS.url, error: err("linkUrl") }),
    { type: "Input.Toggle", id: "acknowledge", title: t("announce.field.acknowledge"), value: v.acknowledge === "true" ? "true" : "false", valueOn: "true", valueOff: "false" },
    { type: "Input.Toggle", id: "everyone", title: t("announce.field.everyone"), value: v.everyone === "true" ? "true" : "false", valueOn: "true", valueOff: "false" },
    ...(err("everyone") ? [paragraph(err("everyone")!, { color: "Attention" })] : []),
    ...multi("departments", t("announce.field.departments"), options.departments.map((d) => ({ title: d.name, value: String(d.id) }))),
    ...multi("roles", t("announce.field.roles"), ROLES.map((r) => ({ title: t(`role.${r}`), value: r }))),
    ...multi("workPackages", t("announce.field.workPackages"), options.workPackages.map((w) => ({ title: `${w.code} ${w.name}`, value: String(w.id) }))),
    ...multi("initiatives", t("announce.field.initiatives"), options.initiatives.map((i) => ({ title: `${i.code} ${i.title}`, value: String(i.id) }))),
    ...multi("channels", t("announce.field.channels"), options.channels.map((c) => ({ title: c, value: c }))),
    { type: "Input.Date", id: "sendDate", label: t("announce.field.sendDate"), ...(v.sendDate ? { value: v.sendDate } : {}) },
    ...(err("sendDate") ? [paragraph(err("sendDate")!, { color: "Attention" })] : []),
    { type: "Input.Time", id: "sendTime", label: t("announce.field.sendTime"), ...(v.sendTime ? { value: v.sendTime } : {}) },
    ...(options.reach ? [paragraph(t("announce.form.reach", options.reach), { color: "Accent" })] : []),
  ];
  return clean(card(body, [execute(t("announce.count"), ANNOUNCE_VERBS.count), execute(t("announce.preview"), ANNOUNCE_VERBS.preview, {}, { style: "positive" })]));
}

/** The announcement as a recipient sees it, in `ctx`'s language (or the other when that one is empty). */
export function announcementCard(ctx: CardContext, a: Announcement, options: { acknowledge: boolean }): AdaptiveCard {
  const { title, text } = announcementText(a, ctx.locale);
  const body: Element[] = [
    heading(plainText(title)),
    // The text is the organisation's own markdown, written by a communicator: shown as formatted.
    paragraph(text),
    ...(a.imageUrl ? [{ type: "Image", url: a.imageUrl, altText: plainText(title) }] : []),
  ];
  const actions = [
    ...(a.linkUrl ? [openUrl(ctx.t("announce.link"), a.linkUrl)] : []),
    ...(options.acknowledge ? [execute(ctx.t("announce.acknowledge"), ANNOUNCE_VERBS.acknowledge, { announcementId: a.id }, { style: "positive" })] : []),
  ];
  return clean(card(body, actions));
}

/** Below the preview: what happens when the author sends it. */
export function announcementControlCard(ctx: CardContext, a: Announcement, reach: { people: number; channels: number }): AdaptiveCard {
  const { t, locale } = ctx;
  const when = a.scheduledAt ? t("announce.control.scheduled", { at: formatDateTime(ctx, a.scheduledAt) }) : t("announce.control.now");
  return clean(
    card(
      [heading(t("announce.control.title")), paragraph(t("announce.form.reach", reach)), paragraph(when)],
      [
        execute(t(a.scheduledAt ? "announce.schedule" : "announce.send"), ANNOUNCE_VERBS.send, { announcementId: a.id }, { style: "positive" }),
        execute(t("announce.cancel"), ANNOUNCE_VERBS.cancel, { announcementId: a.id }, { style: "destructive" }),
      ],
    ),
  );
}

/**
 * The author's report: counts per outcome, kept current in place. Teams asks
 * for it again whenever the author looks at it (the card's refresh); a Slack
 * message is updated by the announcements job; the button refreshes anywhere.
 */
export function announcementReportCard(ctx: CardContext, a: Announcement, report: AnnouncementReport): AdaptiveCard {
  const { t } = ctx;
  const { title } = announcementText(a, ctx.locale);
  const rows: [string, string][] = [
    [t("announce.report.state"), t(`announce.state.${a.state}`)],
    [t("announce.outcome.queued"), String(report.queued)],
    [t("announce.outcome.sent"), String(report.sent)],
    [t("announce.outcome.failed"), String(report.failed)],
    [t("announce.outcome.unreachable"), String(report.unreachable)],
    [t("announce.outcome.acknowledged"), String(report.acknowledged)],
    ...(report.cancelled ? [[t("announce.outcome.cancelled"), String(report.cancelled)] as [string, string]] : []),
  ];
  const open = a.state === "draft" || a.state === "scheduled" || a.state === "sending" || (a.state === "sent" && report.queued > 0);
  const refresh = execute(t("announce.report.refresh"), ANNOUNCE_VERBS.report, { announcementId: a.id });
  return clean({
    ...card(
      [heading(t("announce.report.title", { id: a.id, title: plainText(title) })), facts(rows)],
      [refresh, ...(open ? [execute(t("announce.cancel"), ANNOUNCE_VERBS.cancel, { announcementId: a.id }, { style: "destructive" })] : [])],
    ),
    refresh: { action: refresh },
  });
}

// Announcements (work package 4): communicators, coordinators and admins write
// one message in Swedish and/or English to an audience; each recipient gets it
// in their language through the outbox. States: draft → scheduled → sending →
// sent, or cancelled before sent. Every move is one conditional update, so a
// second "send" of the same announcement is refused, not queued again.
import { DateTime } from "luxon";
import { personAddress } from "./addresses.ts";
import { DomainError, ValidationError, type FieldError } from "./errors.ts";
import { requireRole } from "./permissions.ts";
import { LOCALES, ROLES, type Locale, type Person, type Role } from "./types.ts";
import type { Store } from "../store/index.ts";

export const ANNOUNCEMENT_STATES = ["draft", "scheduled", "sending", "sent", "cancelled"] as const;
export type AnnouncementState = (typeof ANNOUNCEMENT_STATES)[number];
export const ANNOUNCEMENT_OUTCOMES = ["queued", "sent", "failed", "unreachable", "acknowledged", "cancelled"] as const;
export type AnnouncementOutcome = (typeof ANNOUNCEMENT_OUTCOMES)[number];

/** Who may announce (admins always may, see hasRole). */
export const ANNOUNCER_ROLES: Role[] = ["communicator", "coordinator"];
/** Settings key: the Teams and Slack channels an announcement may go to ("teams:<conversation id>", "slack:C123"). */
export const ANNOUNCEMENT_CHANNELS_SETTING = "announcements.channels" as const;
export const ANNOUNCEMENT_LIMITS = { title: 150, text: 2500, url: 500 } as const;
/** Recipients written per transaction: big enough to be fast, small enough not to hold SQLite's one writer for long. */
const QUEUE_CHUNK = 1000;
/** A "sending" announcement untouched this long was left half-queued (its run died): the job finishes it. */
const STALLED_MS = 2 * 60_000;
/** How long after sending (or cancelling) the author's report message is still kept current. */
const REPORT_FOLLOW_MS = 7 * 86_400_000;

/** The outbox dedupe key of one recipient; the prefix selects a whole announcement's messages. */
export function announcementDedupeKey(announcementId: number, target: string): string {
  return `${announcementDedupePrefix(announcementId)}${target}`;
}
export function announcementDedupePrefix(announcementId: number): string {
  return `announcement:${announcementId}:`;
}

export interface AnnouncementAudience {
  everyone: boolean;
  departments: number[];
  roles: Role[];
  workPackages: number[];
  initiatives: number[];
  channels: string[];
}

export interface AnnouncementContent {
  sv: { title: string; text: string };
  en: { title: string; text: string };
  imageUrl: string | null;
  linkUrl: string | null;
  acknowledge: boolean;
  audience: AnnouncementAudience;
}

export interface Announcement extends AnnouncementContent {
  id: number;
  authorId: number;
  state: AnnouncementState;
  scheduledAt: Date | null;
  sentAt: Date | null;
}

/** One recipient as stored, with its outbox row (null before it was queued). */
export interface RecipientRow {
  target: string;
  locale: Locale;
  recorded: string;
  acknowledged: boolean;
  outbox: { status: string; lastError: string | null } | null;
}

export type AnnouncementReport = Record<AnnouncementOutcome, number> & { total: number };

/** The text in `locale`, or the other language's when that one is empty. */
export function announcementText(a: Pick<AnnouncementContent, "sv" | "en">, locale: Locale): { title: string; text: string } {
  const own = a[locale];
  const other = a[locale === "sv" ? "en" : "sv"];
  return own.title.trim() ? own : other;
}

/** What happened to one recipient: acknowledged beats sent; delivery comes from the outbox row. */
export function recipientOutcome(row: RecipientRow): AnnouncementOutcome {
  if (row.acknowledged) return "acknowledged";
  const status = row.outbox?.status;
  if (status === "sent") return "sent";
  if (status === "failed") return row.outbox?.lastError?.startsWith("unreachable") ? "unreachable" : "failed";
  if (status === "cancelled" || row.recorded === "cancelled") return "cancelled";
  return "queued";
}

export function reportOf(rows: RecipientRow[]): AnnouncementReport {
  const report = Object.fromEntries(ANNOUNCEMENT_OUTCOMES.map((o) => [o, 0])) as AnnouncementReport;
  for (const row of rows) report[recipientOutcome(row)]++;
  report.total = rows.length;
  return report;
}

function str(v: unknown): string {
  return typeof v === "string" ? v.trim() : "";
}
/** A multi-select's "a,b,c" (Adaptive Cards) or an array (Slack). */
function stringList(v: unknown): string[] {
  const items = Array.isArray(v) ? v : typeof v === "string" ? v.split(",") : [];
  return items.map((x) => String(x).trim()).filter(Boolean);
}
function ids(v: unknown): number[] {
  return [...new Set(stringList(v).map(Number).filter((n) => Number.isInteger(n) && n > 0))];
}
function httpsUrl(v: string): boolean {
  try {
    return new URL(v).protocol === "https:" && !/\s/.test(v);
  } catch {
    return false;
  }
}

/** The audience a form chose; only configured channels count (a forged target is dropped, not sent to). */
export function parseAudience(data: Record<string, unknown>, configuredChannels: string[]): AnnouncementAudience {
  return {
    everyone: str(data.everyone) === "true",
    departments: ids(data.departments),
    roles: stringList(data.roles).filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    workPackages: ids(data.workPackages),
    initiatives: ids(data.initiatives),
    channels: stringList(data.channels).filter((c) => configuredChannels.includes(c)),
  };
}

export function isEmptyAudience(audience: AnnouncementAudience): boolean {
  const { everyone, ...groups } = audience;
  return !everyone && Object.values(groups).every((g) => g.length === 0);
}

export interface AnnouncementInput {
  content: AnnouncementContent;
  scheduledAt: Date | null;
}

/** Reads the compose form; every invalid field at once (ValidationError), nothing stored. */
export function parseAnnouncementForm(data: Record<string, unknown>, options: { channels: string[]; zone: string; now: Date }): AnnouncementInput {
  const errors: Record<string, FieldError> = {};
  const lang = (l: Locale) => ({ title: str(data[`title_${l}`]), text: str(data[`text_${l}`]) });
  const sv = lang("sv");
  const en = lang("en");
  for (const l of LOCALES) {
    const v = l === "sv" ? sv : en;
    if (v.title.length > ANNOUNCEMENT_LIMITS.title) errors[`title_${l}`] = { key: "validation.tooLong", params: { max: ANNOUNCEMENT_LIMITS.title } };
    if (v.text.length > ANNOUNCEMENT_LIMITS.text) errors[`text_${l}`] = { key: "validation.tooLong", params: { max: ANNOUNCEMENT_LIMITS.text } };
    if (v.title && !v.text) errors[`text_${l}`] ??= { key: "validation.required" };
    if (v.text && !v.title) errors[`title_${l}`] ??= { key: "validation.required" };
  }
  if (!sv.title && !sv.text && !en.title && !en.text) errors.title_sv = { key: "announce.error.empty" };
  const url = (field: "imageUrl" | "linkUrl") => {
    const v = str(data[field]);
    if (!v) return null;
    if (v.length > ANNOUNCEMENT_LIMITS.url) errors[field] = { key: "validation.tooLong", params: { max: ANNOUNCEMENT_LIMITS.url } };
    else if (!httpsUrl(v)) errors[field] = { key: "announce.error.https" };
    return v;
  };
  const imageUrl = url("imageUrl");
  const linkUrl = url("linkUrl");
  const audience = parseAudience(data, options.channels);
  if (isEmptyAudience(audience)) errors.everyone = { key: "announce.error.audience" };
  let scheduledAt: Date | null = null;
  const date = str(data.sendDate);
  const time = str(data.sendTime);
  if (date || time) {
    const at = DateTime.fromISO(`${date}T${time || "00:00"}`, { zone: options.zone });
    if (!date || !at.isValid) errors.sendDate = { key: "announce.error.when" };
    else if (at.toJSDate() <= options.now) errors.sendDate = { key: "announce.error.past" };
    else scheduledAt = at.toJSDate();
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { content: { sv, en, imageUrl, linkUrl, acknowledge: str(data.acknowledge) === "true", audience }, scheduledAt };
}

export interface AnnouncementServiceDeps {
  store: Store;
  clock: () => Date;
  zone: string;
  defaultLocale: Locale;
  /** The announcement as a recipient sees it; channels get no "I have read it" button (a channel cannot read). */
  render: (locale: Locale, announcement: Announcement, options: { acknowledge: boolean }) => unknown;
  /** Shows the current report in the author's message `ref` ("<platform>:<platform's message ref>"). */
  showReport?: (ref: string, announcement: Announcement, report: AnnouncementReport) => Promise<void>;
}

/** What a report message shows, to tell whether it needs updating. */
function shownOf(announcement: Announcement, report: AnnouncementReport): string {
  return JSON.stringify({ state: announcement.state, ...report });
}

export function createAnnouncementService(deps: AnnouncementServiceDeps) {
  const { store, clock } = deps;

  async function owned(person: Person, id: unknown): Promise<Announcement> {
    requireRole(person, ...ANNOUNCER_ROLES);
    const announcement = typeof id === "number" || typeof id === "string" ? await store.announcements.byId(Number(id)) : null;
    if (!announcement) throw new DomainError("not_found", `announcement ${String(id)}`);
    return announcement;
  }

  async function channels(): Promise<string[]> {
    return store.settings.get(ANNOUNCEMENT_CHANNELS_SETTING);
  }

  /**
   * Writes the recipients not yet recorded and their outbox messages, a chunk
   * per transaction; stops when the announcement was cancelled meanwhile.
   * Safe to run again (resume after a crash): recorded targets are skipped and
   * the dedupe keys make a repeated message a no-op.
   */
  async function queue(announcement: Announcement): Promise<number> {
    const people = await store.announcements.audiencePeople(announcement.audience);
    const done = await store.announcements.recipientTargets(announcement.id);
    const all = [
      ...people.map((p) => ({ target: personAddress(p.id), personId: p.id, locale: p.locale })),
      ...announcement.audience.channels.map((c) => ({ target: c, personId: null, locale: deps.defaultLocale })),
    ].filter((r) => !done.has(r.target));
    const cards = new Map<string, unknown>();
    const cardFor = (locale: Locale, acknowledge: boolean) => {
      const key = `${locale}:${acknowledge}`;
      if (!cards.has(key)) cards.set(key, deps.render(locale, announcement, { acknowledge }));
      return cards.get(key);
    };
    let queued = 0;
    for (let i = 0; i < all.length; i += QUEUE_CHUNK) {
      const chunk = all.slice(i, i + QUEUE_CHUNK);
      const now = clock();
      const going = await store.transaction(async (repos) => {
        if (!(await repos.announcements.continueSending(announcement.id, now))) return false;
        await repos.announcements.addRecipients(announcement.id, chunk);
        // Recipients and their messages land together, so a resumed run skips exactly what was queued.
        await repos.outbox.enqueueMany(
          chunk.map((r) => ({
            dedupeKey: announcementDedupeKey(announcement.id, r.target),
            target: r.target,
            kind: "announcement",
            payload: cardFor(r.locale, announcement.acknowledge && r.personId !== null),
            availableAt: now,
          })),
        );
        return true;
      });
      if (!going) return queued;
      queued += chunk.length;
    }
    await store.announcements.transition(announcement.id, ["sending"], "sent", clock());
    return queued;
  }

  return {
    channels,

    /** How many people and channels an audience reaches right now. */
    async count(person: Person, audience: AnnouncementAudience): Promise<{ people: number; channels: number }> {
      requireRole(person, ...ANNOUNCER_ROLES);
      return { people: (await store.announcements.audiencePeople(audience)).length, channels: audience.channels.length };
    },

    /** Stores the form as a draft (to preview, then send or schedule). */
    async draft(person: Person, data: Record<string, unknown>): Promise<Announcement> {
      requireRole(person, ...ANNOUNCER_ROLES);
      const input = parseAnnouncementForm(data, { channels: await channels(), zone: deps.zone, now: clock() });
      return store.announcements.create({ ...input.content, authorId: person.id, scheduledAt: input.scheduledAt });
    },

    get: owned,

    /** The domain's objections to a form (https, audience, time), for showing with the card's own. */
    async formErrors(data: Record<string, unknown>): Promise<Record<string, FieldError>> {
      try {
        parseAnnouncementForm(data, { channels: await channels(), zone: deps.zone, now: clock() });
        return {};
      } catch (err) {
        if (err instanceof ValidationError) return err.fields;
        throw err;
      }
    },

    /** Sends now, or schedules when the draft has a time; a second send is refused. */
    async send(person: Person, id: unknown): Promise<{ announcement: Announcement; queued: number | null }> {
      const announcement = await owned(person, id);
      const now = clock();
      const to = announcement.scheduledAt && announcement.scheduledAt > now ? "scheduled" : "sending";
      if (!(await store.announcements.transition(announcement.id, ["draft"], to, now))) {
        throw new DomainError("invalid_state", `announcement ${announcement.id} is ${announcement.state}`, { detailKey: "announce.state.notDraft" });
      }
      const moved = { ...announcement, state: to } as Announcement;
      return { announcement: moved, queued: to === "sending" ? await queue(moved) : null };
    },

    /** Stops what is not yet sent; sent messages stay sent. */
    async cancel(person: Person, id: unknown): Promise<{ withdrawn: number }> {
      const announcement = await owned(person, id);
      return store.transaction(async (repos) => {
        // "sent" means every message is queued: those still waiting in the outbox can be stopped.
        if (!(await repos.announcements.transition(announcement.id, ["draft", "scheduled", "sending", "sent"], "cancelled", clock()))) {
          throw new DomainError("invalid_state", `announcement ${announcement.id} is ${announcement.state}`, { detailKey: "announce.state.alreadyCancelled" });
        }
        return { withdrawn: await repos.announcements.withdrawPending(announcement.id) };
      });
    },

    /**
     * The counts now. `shownIn`: the message the report is shown in, where the
     * platform can update it later (refreshReports keeps it current).
     */
    async report(person: Person, id: unknown, shownIn?: string): Promise<{ announcement: Announcement; report: AnnouncementReport }> {
      const announcement = await owned(person, id);
      const report = reportOf(await store.announcements.recipientRows(announcement.id));
      if (shownIn) await store.announcements.setReport(announcement.id, shownIn, shownOf(announcement, report));
      return { announcement, report };
    },

    /**
     * The job's tick: updates every followed report message whose counts
     * changed since it was last shown. Level-triggered: it compares with what
     * the message shows, so a missed or repeated tick does no harm. Returns how
     * many were updated and how many could not be (message gone: tried again next tick).
     */
    async refreshReports(now: Date): Promise<{ updated: number; failed: number }> {
      const result = { updated: 0, failed: 0 };
      if (!deps.showReport) return result;
      for (const announcement of await store.announcements.followedReports(new Date(now.getTime() - REPORT_FOLLOW_MS))) {
        const report = reportOf(await store.announcements.recipientRows(announcement.id));
        const shown = shownOf(announcement, report);
        if (shown === announcement.reportShown) continue;
        try {
          await deps.showReport(announcement.reportRef, announcement, report);
        } catch {
          result.failed++;
          continue;
        }
        await store.announcements.setReport(announcement.id, undefined, shown);
        result.updated++;
      }
      return result;
    },

    /** "I have read it": recorded once, only for a person the announcement went to. */
    async acknowledge(person: Person, id: unknown): Promise<boolean> {
      const announcementId = Number(id);
      if (!Number.isInteger(announcementId)) throw new DomainError("not_found", `announcement ${String(id)}`);
      return store.announcements.acknowledge(announcementId, person.id, clock());
    },

    /** The job's tick: queues scheduled announcements that are due and resumes half-queued ones. */
    async runDue(now: Date, options: { dryRun?: boolean } = {}): Promise<{ queued: number; announcements: number }> {
      let queued = 0;
      // A run still queuing touches its announcement every chunk: only one silent for a while was interrupted.
      const ids = await store.announcements.due(now, new Date(clock().getTime() - STALLED_MS));
      if (options.dryRun) return { queued, announcements: ids.length };
      for (const id of ids) {
        await store.announcements.transition(id, ["scheduled"], "sending", now);
        const announcement = await store.announcements.byId(id);
        if (announcement?.state === "sending") queued += await queue(announcement);
      }
      return { queued, announcements: ids.length };
    },
  };
}
export type AnnouncementService = ReturnType<typeof createAnnouncementService>;

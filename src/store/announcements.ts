// Announcements and their recipients. Recipients are written in chunks with
// createMany; each recipient's delivery is its outbox row (same dedupe key),
// so the report reads outcomes with one join instead of a hook in the worker.
import { personAddress } from "../domain/addresses.ts";
import type { Tx } from "./client.ts";
import { Prisma } from "./generated/client.ts";
import { announcementDedupeKey, announcementDedupePrefix, type Announcement, type AnnouncementAudience, type AnnouncementContent, type AnnouncementState, type RecipientRow } from "../domain/announcements.ts";
import type { Locale } from "../domain/types.ts";

type Row = {
  id: number;
  authorId: number;
  titleSv: string;
  textSv: string;
  titleEn: string;
  textEn: string;
  imageUrl: string | null;
  linkUrl: string | null;
  acknowledge: boolean;
  audience: string;
  state: string;
  scheduledAt: Date | null;
  sentAt: Date | null;
  reportRef?: string | null;
  reportShown?: string | null;
};

function toAnnouncement(r: Row): Announcement {
  return {
    id: r.id,
    authorId: r.authorId,
    sv: { title: r.titleSv, text: r.textSv },
    en: { title: r.titleEn, text: r.textEn },
    imageUrl: r.imageUrl,
    linkUrl: r.linkUrl,
    acknowledge: r.acknowledge,
    audience: JSON.parse(r.audience) as AnnouncementAudience,
    state: r.state as AnnouncementState,
    scheduledAt: r.scheduledAt,
    sentAt: r.sentAt,
  };
}

export function createAnnouncementsRepository(db: Tx) {
  return {
    async create(input: AnnouncementContent & { authorId: number; scheduledAt: Date | null }): Promise<Announcement> {
      const row = await db.announcement.create({
        data: {
          authorId: input.authorId,
          titleSv: input.sv.title,
          textSv: input.sv.text,
          titleEn: input.en.title,
          textEn: input.en.text,
          imageUrl: input.imageUrl,
          linkUrl: input.linkUrl,
          acknowledge: input.acknowledge,
          audience: JSON.stringify(input.audience),
          scheduledAt: input.scheduledAt,
        },
      });
      return toAnnouncement(row);
    },

    async byId(id: number): Promise<Announcement | null> {
      const row = await db.announcement.findUnique({ where: { id } });
      return row ? toAnnouncement(row) : null;
    },

    /** Moves from one of `from` to `to`; false when another request moved it first (the one transition that counts). */
    async transition(id: number, from: AnnouncementState[], to: AnnouncementState, at: Date): Promise<boolean> {
      const stamp = to === "sent" ? { sentAt: at } : to === "cancelled" ? { cancelledAt: at } : {};
      const { count } = await db.announcement.updateMany({ where: { id, state: { in: from } }, data: { state: to, ...stamp } });
      return count === 1;
    },

    /**
     * Marks a chunk of queuing under way (and locks the row on PostgreSQL, so two
     * runs queue one after the other); false when it is no longer sending (cancelled).
     */
    async continueSending(id: number, at: Date): Promise<boolean> {
      const { count } = await db.announcement.updateMany({ where: { id, state: "sending" }, data: { updatedAt: at } });
      return count === 1;
    },

    /**
     * Remembers where the author's report is shown and what it shows. Raw SQL:
     * Prisma's @updatedAt would touch updatedAt, which tells a stalled queuing run apart.
     */
    async setReport(id: number, ref: string | undefined, shown: string): Promise<void> {
      if (ref === undefined) await db.$executeRaw`UPDATE "Announcement" SET "reportShown" = ${shown} WHERE "id" = ${id}`;
      else await db.$executeRaw`UPDATE "Announcement" SET "reportRef" = ${ref}, "reportShown" = ${shown} WHERE "id" = ${id}`;
    },

    /** Announcements whose report message is still followed: queuing, or sent or cancelled since `since`. */
    async followedReports(since: Date): Promise<(Announcement & { reportRef: string; reportShown: string | null })[]> {
      const rows = await db.announcement.findMany({
        where: {
          reportRef: { not: null },
          OR: [{ state: "sending" }, { state: "sent", sentAt: { gte: since } }, { state: "cancelled", cancelledAt: { gte: since } }],
        },
        orderBy: { id: "asc" },
      });
      return rows.map((r) => ({ ...toAnnouncement(r), reportRef: r.reportRef!, reportShown: r.reportShown }));
    },

    /** Scheduled ones whose time has come, and ones left half-queued: sending, untouched since `stalledBefore` (a crash while sending). */
    async due(now: Date, stalledBefore: Date): Promise<number[]> {
      const rows = await db.announcement.findMany({
        where: { OR: [{ state: "scheduled", scheduledAt: { lte: now } }, { state: "sending", updatedAt: { lt: stalledBefore } }] },
        orderBy: { id: "asc" },
        select: { id: true },
      });
      return rows.map((r) => r.id);
    },

    /** People the audience reaches: ids and languages, each once, erased people left out. */
    async audiencePeople(audience: AnnouncementAudience): Promise<{ id: number; locale: Locale }[]> {
      const or: object[] = [];
      if (audience.everyone) or.push({});
      if (audience.departments.length) or.push({ departmentId: { in: audience.departments } });
      if (audience.roles.length) or.push({ roles: { some: { role: { in: audience.roles } } } });
      if (audience.workPackages.length) {
        const wp = { in: audience.workPackages };
        or.push({ leads: { some: { id: wp } } }, { deputyFor: { some: { id: wp } } }, { initiatives: { some: { workPackageId: wp } } });
      }
      if (audience.initiatives.length) or.push({ initiatives: { some: { id: { in: audience.initiatives } } } });
      if (!or.length) return [];
      const rows = await db.person.findMany({ where: { erasedAt: null, OR: or }, select: { id: true, locale: true }, orderBy: { id: "asc" } });
      return rows.map((r) => ({ id: r.id, locale: r.locale as Locale }));
    },

    /** Targets already recorded (resuming after a crash queues only the rest). */
    async recipientTargets(announcementId: number): Promise<Set<string>> {
      const rows = await db.announcementRecipient.findMany({ where: { announcementId }, select: { target: true } });
      return new Set(rows.map((r) => r.target));
    },

    /** Records recipients, 500 rows per INSERT (createMany through the driver adapter goes row by row). */
    async addRecipients(announcementId: number, recipients: { target: string; personId: number | null; locale: Locale }[]): Promise<void> {
      for (let i = 0; i < recipients.length; i += 500) {
        const rows = recipients
          .slice(i, i + 500)
          .map((r) => Prisma.sql`(${announcementId}, ${r.target}, ${r.personId}, ${r.locale}, ${announcementDedupeKey(announcementId, r.target)})`);
        await db.$executeRaw`INSERT INTO "AnnouncementRecipient" ("announcementId", "target", "personId", "locale", "dedupeKey") VALUES ${Prisma.join(rows)}`;
      }
    },

    /** Withdraws the messages not yet claimed by a worker; returns how many. */
    async withdrawPending(announcementId: number): Promise<number> {
      const prefix = `${announcementDedupePrefix(announcementId)}%`;
      const withdrawn = await db.$executeRaw`UPDATE "OutboxMessage" SET "status" = 'cancelled'
        WHERE "status" = 'pending' AND "leaseOwner" IS NULL AND "dedupeKey" LIKE ${prefix}`;
      await db.announcementRecipient.updateMany({ where: { announcementId, outcome: "queued", acknowledgedAt: null }, data: { outcome: "cancelled" } });
      return withdrawn;
    },

    async acknowledge(announcementId: number, personId: number, at: Date): Promise<boolean> {
      const { count } = await db.announcementRecipient.updateMany({
        where: { announcementId, target: personAddress(personId), acknowledgedAt: null },
        data: { acknowledgedAt: at, outcome: "acknowledged" },
      });
      return count === 1;
    },

    /** Every recipient with its outbox row's state (one join, any size). */
    async recipientRows(announcementId: number): Promise<RecipientRow[]> {
      const rows = await db.$queryRaw<{ target: string; locale: string; outcome: string; acked: number | bigint; status: string | null; lastError: string | null }[]>`
        SELECT r."target", r."locale", r."outcome", CASE WHEN r."acknowledgedAt" IS NULL THEN 0 ELSE 1 END AS "acked", o."status", o."lastError"
        FROM "AnnouncementRecipient" r LEFT JOIN "OutboxMessage" o ON o."dedupeKey" = r."dedupeKey"
        WHERE r."announcementId" = ${announcementId} ORDER BY r."id"`;
      return rows.map((r) => ({
        target: r.target,
        locale: r.locale as Locale,
        recorded: r.outcome,
        acknowledged: Number(r.acked) === 1,
        outbox: r.status === null ? null : { status: r.status, lastError: r.lastError },
      }));
    },
  };
}

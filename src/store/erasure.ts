// Erasing a person (GDPR): every place their name, e-mail or platform ids may
// have been copied to is found and pseudonymised, not only the Person row:
// settings (a Teams channel reference holds who spoke last), audit rows,
// outbox payloads and web chat cards that quote them, digests, need texts.
import type { ReadCache } from "./cache.ts";
import { personAddress } from "../domain/addresses.ts";
import { auditSubject } from "../domain/auditSubjects.ts";
import type { Tx } from "./client.ts";
import { erasePerson } from "./people.ts";

/** Text columns that can hold a copy of a person's identifiers, by model and key. */
const TEXT_COLUMNS = {
  setting: { key: "key", columns: ["value"] },
  auditLog: { key: "id", columns: ["subject", "before", "after"] },
  outboxMessage: { key: "id", columns: ["payload", "lastError", "sentRef"] },
  webChatMessage: { key: "id", columns: ["card"] },
  digest: { key: "id", columns: ["content"] },
  needEvent: { key: "id", columns: ["note"] },
  need: { key: "id", columns: ["title", "problem", "affected", "benefit", "outcome", "sourceUrl"] },
  statusUpdate: { key: "id", columns: ["progress", "blockers", "nextSteps", "helpNeeded"] },
  jobRun: { key: "id", columns: ["result"] },
  workPackage: { key: "id", columns: ["name", "description"] },
  initiative: { key: "id", columns: ["title"] },
} as const;

const PAGE = 500;

/** Shorter strings would match inside unrelated words. */
const MIN_IDENTIFIER = 3;

export interface ErasedRoles {
  workPackages: { code: string; as: "lead" | "deputy" }[];
}

/** What identifies a person outside their own rows: name, e-mail, platform user and conversation ids. */
async function identifiersOf(db: Tx, personId: number): Promise<string[]> {
  const person = await db.person.findUniqueOrThrow({ where: { id: personId }, include: { accounts: true } });
  const ids = new Set<string>([person.displayName, ...(person.email ? [person.email, person.email.toLowerCase()] : [])]);
  for (const account of person.accounts) {
    ids.add(account.userId);
    if (!account.conversationRef) continue;
    try {
      const ref = JSON.parse(account.conversationRef) as { user?: { id?: unknown; aadObjectId?: unknown; name?: unknown }; conversation?: { id?: unknown } };
      for (const v of [ref.user?.id, ref.user?.aadObjectId, ref.user?.name, ref.conversation?.id]) if (typeof v === "string") ids.add(v);
    } catch {
      ids.add(account.conversationRef); // Slack: the DM channel id
    }
  }
  return [...ids].filter((s) => s.length >= MIN_IDENTIFIER);
}

export function createErasureRepository(db: Tx, cache: ReadCache) {
  return {
    identifiersOf: (personId: number) => identifiersOf(db, personId),

    /** Everything stored about a person (right of access), as plain data. */
    async personalData(personId: number) {
      const person = await db.person.findUniqueOrThrow({ where: { id: personId }, include: { roles: true, accounts: true, department: true } });
      const target = personAddress(personId);
      const [reported, supported, events, statusUpdates, leads, deputyFor, initiatives, audit, outbox, webChat] = await Promise.all([
        db.need.findMany({ where: { reporterId: personId }, orderBy: { id: "asc" } }),
        db.needSupporter.findMany({ where: { personId }, include: { need: { select: { reference: true, title: true } } } }),
        db.needEvent.findMany({ where: { actorId: personId }, include: { need: { select: { reference: true } } }, orderBy: { id: "asc" } }),
        db.statusUpdate.findMany({ where: { authorId: personId }, orderBy: { id: "asc" } }),
        db.workPackage.findMany({ where: { leadId: personId }, select: { code: true, name: true } }),
        db.workPackage.findMany({ where: { deputyId: personId }, select: { code: true, name: true } }),
        db.initiative.findMany({ where: { ownerId: personId }, select: { code: true, title: true } }),
        db.auditLog.findMany({ where: { OR: [{ actorId: personId }, { subject: auditSubject.person(personId) }] }, orderBy: { id: "asc" } }),
        db.outboxMessage.findMany({ where: { target }, orderBy: { id: "asc" } }),
        db.webChatMessage.findMany({ where: { personId }, orderBy: { id: "asc" } }),
      ]);
      const { roles, accounts, department, ...row } = person;
      return {
        person: { ...row, roles: roles.map((r) => r.role), department: department?.name ?? null },
        accounts,
        needsReported: reported,
        needsSupported: supported.map((s) => ({ reference: s.need.reference, title: s.need.title, since: s.createdAt })),
        needHistory: events.map(({ need, ...e }) => ({ ...e, reference: need.reference })),
        statusUpdates,
        workPackages: { lead: leads, deputy: deputyFor },
        initiatives,
        auditLog: audit,
        messages: { outbox, webChat },
      };
    },

    /**
     * Erases `personId`: roles in work packages and initiatives cleared (returned, so the
     * coordinators can be told), messages to them deleted, and every text that quotes one
     * of `forms` (their identifiers as stored: raw, JSON-escaped, markdown-escaped)
     * rewritten with `pseudonym`. Run it in a transaction.
     */
    async erase(personId: number, at: Date, forms: string[], pseudonym: string): Promise<ErasedRoles> {
      const wps = await db.workPackage.findMany({ where: { OR: [{ leadId: personId }, { deputyId: personId }] }, orderBy: { code: "asc" } });
      await db.workPackage.updateMany({ where: { leadId: personId }, data: { leadId: null } });
      await db.workPackage.updateMany({ where: { deputyId: personId }, data: { deputyId: null } });
      await db.initiative.updateMany({ where: { ownerId: personId }, data: { ownerId: null } });
      await db.outboxMessage.deleteMany({ where: { target: personAddress(personId) } });
      await erasePerson(db, personId, at);
      // The person, their accounts and settings that quoted them: cached reads go.
      cache.invalidate();
      // Longest first, so a name is not half-replaced by a shorter identifier inside it.
      const sorted = [...new Set(forms)].filter((f) => f.length >= MIN_IDENTIFIER).sort((a, b) => b.length - a.length);
      for (const [model, { key, columns }] of Object.entries(TEXT_COLUMNS)) {
        // Prisma's delegates share this shape; the table above names only real models and columns.
        const delegate = (db as unknown as Record<string, { findMany(a: unknown): Promise<Record<string, unknown>[]>; update(a: unknown): Promise<unknown> }>)[model]!;
        const select = Object.fromEntries([key, ...columns].map((c) => [c, true]));
        // Scanned in pages and matched here, case-sensitively on both databases (SQLite's LIKE ignores case).
        for (let after: unknown = undefined; ; ) {
          const rows = await delegate.findMany({ select, orderBy: { [key]: "asc" }, take: PAGE, ...(after === undefined ? {} : { cursor: { [key]: after }, skip: 1 }) });
          for (const row of rows) {
            const data: Record<string, string> = {};
            for (const column of columns) {
              const text = row[column];
              if (typeof text !== "string" || !sorted.some((f) => text.includes(f))) continue;
              data[column] = sorted.reduce((t, f) => t.split(f).join(pseudonym), text);
            }
            if (Object.keys(data).length > 0) await delegate.update({ where: { [key]: row[key] }, data });
          }
          if (rows.length < PAGE) break;
          after = rows.at(-1)![key];
        }
      }
      return { workPackages: wps.map((wp) => ({ code: wp.code, as: wp.leadId === personId ? ("lead" as const) : ("deputy" as const) })) };
    },
  };
}
export type ErasureRepository = ReturnType<typeof createErasureRepository>;

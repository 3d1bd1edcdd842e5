// People, their roles and their chat accounts.
import { personAddress } from "../domain/addresses.ts";
import type { Locale, Person, Platform, Role } from "../domain/types.ts";
import { cached, type ReadCache } from "./cache.ts";
import type { Tx } from "./client.ts";

const withRoles = { roles: true } as const;

type PersonRow = {
  id: number;
  displayName: string;
  email: string | null;
  locale: string;
  departmentId: number | null;
  awayUntil: Date | null;
  roles: { role: string }[];
};

export function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    displayName: row.displayName,
    email: row.email,
    locale: row.locale === "en" ? "en" : "sv",
    departmentId: row.departmentId,
    awayUntil: row.awayUntil,
    roles: row.roles.map((r) => r.role as Role).sort(),
  };
}

export interface AccountIdentity {
  platform: Platform;
  tenantId?: string;
  userId: string;
  displayName: string;
  email?: string | null;
  locale?: Locale;
  conversationRef?: string | null;
}

export interface ChatAccount {
  id: number;
  personId: number;
  platform: Platform;
  tenantId: string;
  userId: string;
  conversationRef: string | null;
  unreachableAt: Date | null;
}

/** `cache` holds people by id and by chat account (src/store/cache.ts); every write here drops it. */
export function createPeopleRepository(db: Tx, cache: ReadCache) {
  async function accountsOfMany(personIds: number[]): Promise<Map<number, ChatAccount[]>> {
    const byPerson = new Map(personIds.map((id) => [id, [] as ChatAccount[]]));
    const rows = await db.chatAccount.findMany({ where: { personId: { in: personIds } }, orderBy: { updatedAt: "desc" } });
    for (const row of rows) byPerson.get(row.personId)?.push(row as ChatAccount);
    return byPerson;
  }

  return {
    /** Cached: every web chat turn asks. Do not change the person returned. */
    async byId(id: number): Promise<Person | null> {
      return cached(cache, "people", `id:${id}`, async () => {
        const row = await db.person.findFirst({ where: { id, erasedAt: null }, include: withRoles });
        return row ? toPerson(row) : null;
      });
    },

    /**
     * The chat account and the person behind it, or null before first contact.
     * Cached: every Teams and Slack request asks. Do not change what is returned.
     */
    async accountPerson(platform: Platform, tenantId: string, userId: string): Promise<{ account: ChatAccount; person: Person } | null> {
      return cached(cache, "people", `account:${platform}:${tenantId}:${userId}`, async () => {
        const row = await db.chatAccount.findUnique({
          where: { platform_tenantId_userId: { platform, tenantId, userId } },
          include: { person: { include: withRoles } },
        });
        if (!row || row.person.erasedAt) return null;
        const { person, ...account } = row;
        return { account: account as ChatAccount, person: toPerson(person) };
      });
    },

    async byEmail(email: string): Promise<Person | null> {
      const row = await db.person.findFirst({ where: { email: email.toLowerCase(), erasedAt: null }, include: withRoles });
      return row ? toPerson(row) : null;
    },

    async byIds(ids: number[]): Promise<Person[]> {
      const rows = await db.person.findMany({ where: { id: { in: ids }, erasedAt: null }, include: withRoles });
      return rows.map(toPerson);
    },

    async withRole(role: Role): Promise<Person[]> {
      const rows = await db.person.findMany({
        where: { erasedAt: null, roles: { some: { role } } },
        include: withRoles,
        orderBy: { id: "asc" },
      });
      return rows.map(toPerson);
    },

    /** Everyone, for the web chat's person picker. */
    async all(): Promise<Person[]> {
      const rows = await db.person.findMany({ where: { erasedAt: null }, include: withRoles, orderBy: { id: "asc" } });
      return rows.map(toPerson);
    },

    async create(input: {
      displayName: string;
      email?: string | null;
      locale: Locale;
      departmentId?: number | null;
      roles: Role[];
    }): Promise<Person> {
      const row = await db.person.create({
        data: {
          displayName: input.displayName,
          email: input.email?.toLowerCase() ?? null,
          locale: input.locale,
          departmentId: input.departmentId ?? null,
          roles: { create: [...new Set(input.roles)].map((role) => ({ role })) },
        },
        include: withRoles,
      });
      cache.invalidate();
      return toPerson(row);
    },

    /** Adds a role; false when the person has it already. */
    async addRole(personId: number, role: Role): Promise<boolean> {
      const existing = await db.personRole.findUnique({ where: { personId_role: { personId, role } } });
      if (existing) return false;
      await db.personRole.create({ data: { personId, role } });
      cache.invalidate();
      return true;
    },

    /** Removes a role; false when the person did not have it. */
    async removeRole(personId: number, role: Role): Promise<boolean> {
      const { count } = await db.personRole.deleteMany({ where: { personId, role } });
      cache.invalidate();
      return count > 0;
    },

    /**
     * Gives or takes the lead role by what the person leads: an active work
     * package (as lead or deputy) or an active initiative (the rule of
     * domain/orgModel.ts leadEmails, here for one person).
     */
    async syncLeadRole(personId: number): Promise<void> {
      const [wps, initiatives] = await Promise.all([
        db.workPackage.count({ where: { active: true, OR: [{ leadId: personId }, { deputyId: personId }] } }),
        db.initiative.count({ where: { active: true, ownerId: personId } }),
      ]);
      if (wps + initiatives === 0) await db.personRole.deleteMany({ where: { personId, role: "lead" } });
      else if (!(await db.personRole.findUnique({ where: { personId_role: { personId, role: "lead" } } }))) {
        await db.personRole.create({ data: { personId, role: "lead" } });
      }
      cache.invalidate();
    },

    /** What is stored about a person, for their settings card. */
    async storedData(personId: number) {
      const row = await db.person.findUniqueOrThrow({
        where: { id: personId },
        include: { department: { select: { name: true, nameEn: true } }, _count: { select: { reported: true, supports: true } } },
      });
      return {
        createdAt: row.createdAt,
        department: row.department,
        needsReported: row._count.reported,
        needsSupported: row._count.supports,
      };
    },

    async setLocale(personId: number, locale: Locale): Promise<void> {
      await db.person.update({ where: { id: personId }, data: { locale } });
      cache.invalidate();
    },

    async account(platform: Platform, tenantId: string, userId: string): Promise<ChatAccount | null> {
      const row = await db.chatAccount.findUnique({ where: { platform_tenantId_userId: { platform, tenantId, userId } } });
      return row ? (row as ChatAccount) : null;
    },

    /** Names of people with a chat account that cannot be reached and none that can (the coordinators' digest). */
    async unreachable(): Promise<string[]> {
      const people = await db.person.findMany({
        where: { erasedAt: null, accounts: { some: { unreachableAt: { not: null } }, none: { unreachableAt: null } } },
        select: { displayName: true },
        orderBy: { displayName: "asc" },
      });
      return people.map((p) => p.displayName);
    },

    async accountsOf(personId: number): Promise<ChatAccount[]> {
      return (await accountsOfMany([personId])).get(personId)!;
    },

    /** accountsOf for many people in one statement (the outbox's targets of a claim), by person id. */
    accountsOfMany,

    /**
     * The person behind a chat account, created on first contact. An account on
     * another platform with the same e-mail is the same person.
     */
    async ensureFromAccount(id: AccountIdentity, defaults: { locale: Locale }): Promise<Person> {
      const tenantId = id.tenantId ?? "";
      const existing = await db.chatAccount.findUnique({
        where: { platform_tenantId_userId: { platform: id.platform, tenantId, userId: id.userId } },
        include: { person: { include: withRoles } },
      });
      if (existing) {
        if (id.conversationRef && id.conversationRef !== existing.conversationRef) {
          await db.chatAccount.update({
            where: { id: existing.id },
            data: { conversationRef: id.conversationRef, unreachableAt: null },
          });
          cache.invalidate();
        }
        if (id.email && !existing.person.email) {
          const taken = await db.person.findFirst({ where: { email: id.email.toLowerCase() } });
          if (!taken) await db.person.update({ where: { id: existing.personId }, data: { email: id.email.toLowerCase() } });
          cache.invalidate();
        }
        return toPerson(existing.person);
      }
      const email = id.email?.toLowerCase() ?? null;
      const byEmail = email ? await db.person.findFirst({ where: { email, erasedAt: null } }) : null;
      const personId =
        byEmail?.id ??
        (
          await db.person.create({
            data: {
              displayName: id.displayName,
              email,
              locale: id.locale ?? defaults.locale,
              roles: { create: [{ role: "employee" }] },
            },
          })
        ).id;
      await db.chatAccount.create({
        data: { personId, platform: id.platform, tenantId, userId: id.userId, conversationRef: id.conversationRef ?? null },
      });
      cache.invalidate();
      const row = await db.person.findUniqueOrThrow({ where: { id: personId }, include: withRoles });
      return toPerson(row);
    },

    async setAwayUntil(personId: number, awayUntil: Date | null): Promise<void> {
      await db.person.update({ where: { id: personId }, data: { awayUntil } });
      cache.invalidate();
    },

    async markUnreachable(accountId: number, at: Date): Promise<void> {
      await db.chatAccount.update({ where: { id: accountId }, data: { unreachableAt: at } });
      cache.invalidate();
    },

    async setConversationRef(accountId: number, conversationRef: string): Promise<void> {
      await db.chatAccount.update({ where: { id: accountId }, data: { conversationRef, unreachableAt: null } });
      cache.invalidate();
    },
  };
}
export type PeopleRepository = ReturnType<typeof createPeopleRepository>;

/**
 * The person's own rows in an erasure (store/erasure.ts does the rest): name
 * and e-mail are replaced, chat accounts, roles, support marks and web chat
 * messages deleted. Needs they
 * reported stay, attributed to "erased person", so the organisation keeps its
 * record of the problem.
 */
export async function erasePerson(db: Tx, personId: number, at: Date): Promise<void> {
  await db.chatAccount.deleteMany({ where: { personId } });
  await db.personRole.deleteMany({ where: { personId } });
  await db.webChatMessage.deleteMany({ where: { personId } });
  await db.needSupporter.deleteMany({ where: { personId } });
  await db.outboxMessage.deleteMany({ where: { target: personAddress(personId), status: "pending" } });
  await db.person.update({
    where: { id: personId },
    data: { displayName: `Erased person ${personId}`, email: null, awayUntil: null, erasedAt: at },
  });
}

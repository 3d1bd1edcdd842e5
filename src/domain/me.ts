// What a person can learn about themselves: their roles, what they lead, what
// the bot will ask of them, what is stored about them, and their language.
import type { ChatAccount } from "../store/people.ts";
import type { Store } from "../store/index.ts";
import type { Calendar } from "./calendar.ts";
import { nextFire } from "./cadence.ts";
import type { Clock } from "./needs.ts";
import { LOCALES, type Initiative, type Locale, type Person, type WorkPackage } from "./types.ts";
import { DomainError } from "./errors.ts";

export interface LedWorkPackage extends WorkPackage {
  as: "lead" | "deputy";
  nextPing: Date | null;
}

/** A department's name in both languages; the card picks the reader's. */
export type DepartmentName = { name: string; nameEn: string | null } | null;

export interface WhoAmI {
  person: Person;
  department: DepartmentName;
  workPackages: LedWorkPackage[];
  initiatives: Initiative[];
}

export interface StoredAboutMe {
  person: Person;
  department: DepartmentName;
  createdAt: Date;
  accounts: Pick<ChatAccount, "platform" | "unreachableAt">[];
  needsReported: number;
  needsSupported: number;
  /** Work packages they lead or deputise for. */
  roles: { code: string; as: "lead" | "deputy" }[];
  historyEntries: number;
  statusUpdates: number;
  auditEntries: number;
  messages: number;
}

export function createMeService(store: Store, clock: Clock, calendar: Calendar) {
  return {
    async whoAmI(person: Person): Promise<WhoAmI> {
      const [wps, initiatives, department] = await Promise.all([
        store.workPackages.ledOrDeputisedBy(person.id),
        store.initiatives.ownedBy(person.id),
        person.departmentId ? store.departments.byId(person.departmentId) : null,
      ]);
      return {
        person,
        department: department ? { name: department.name, nameEn: department.nameEn } : null,
        workPackages: wps.map((wp) => ({
          ...wp,
          as: wp.leadId === person.id ? "lead" : "deputy",
          nextPing: wp.pingsPaused ? null : nextFire(wp.cadence, wp.timezone, clock(), calendar),
        })),
        initiatives,
      };
    },

    async stored(person: Person): Promise<StoredAboutMe> {
      const [data, accounts, all] = await Promise.all([
        store.people.storedData(person.id),
        store.people.accountsOf(person.id),
        store.erasure.personalData(person.id),
      ]);
      return {
        roles: [...all.workPackages.lead.map((w) => ({ code: w.code, as: "lead" as const })), ...all.workPackages.deputy.map((w) => ({ code: w.code, as: "deputy" as const }))],
        historyEntries: all.needHistory.length,
        statusUpdates: all.statusUpdates.length,
        auditEntries: all.auditLog.length,
        messages: all.messages.outbox.length + all.messages.webChat.length,
        person,
        department: data.department,
        createdAt: data.createdAt,
        accounts: accounts.map((a) => ({ platform: a.platform, unreachableAt: a.unreachableAt })),
        needsReported: data.needsReported,
        needsSupported: data.needsSupported,
      };
    },

    /** Sets the person's language; returns the person as they are now. */
    async setLocale(person: Person, locale: unknown): Promise<Person> {
      if (typeof locale !== "string" || !(LOCALES as readonly string[]).includes(locale)) {
        throw new DomainError("invalid_input", `locale ${String(locale).slice(0, 20)}`, { detailKey: "me.error.locale" });
      }
      if (locale !== person.locale) await store.people.setLocale(person.id, locale as Locale);
      return (await store.people.byId(person.id))!;
    },
  };
}
export type MeService = ReturnType<typeof createMeService>;

// Demo data: a city administration with the five IPHS work packages, its
// departments, coordinators, leads (all from examples/samordna.org.yaml),
// employees and needs in several states, in Swedish and English. Loaded by
// `cli seed` and at first start on an empty database.
import { readFileSync } from "node:fs";
import path from "node:path";
import { notificationCard } from "../cards/notification.ts";
import { applyOrganisationIn } from "../domain/organisation.ts";
import { parseOrgFile } from "../domain/orgFile.ts";
import type { Db } from "./client.ts";
import { createRepositories, type Store } from "./index.ts";
import { createNeedsRepository } from "./needs.ts";

export const DEMO_DOMAIN = "stockholm.example";

/** The organisation (departments, coordinators, leads, work packages) comes from the example file. */
export const EXAMPLE_ORG_FILE = path.resolve(import.meta.dirname, "../../examples/samordna.org.yaml");

/** Employees who report and support the demo needs. */
const employees: { key: string; name: string; locale: "sv" | "en"; department: string }[] = [
  { key: "lars.andersson", name: "Lars Andersson", locale: "sv", department: "TK" },
  { key: "fatima.ali", name: "Fatima Ali", locale: "sv", department: "UTB" },
  { key: "peter.holm", name: "Peter Holm", locale: "en", department: "MF" },
  { key: "karin.ek", name: "Karin Ek", locale: "sv", department: "ALF" },
];

interface SeedNeed {
  reporter: string;
  department: string;
  title: string;
  problem: string;
  affected?: string;
  benefit?: string;
  sustainability: string[];
  urgency: "low" | "medium" | "high";
  status: "submitted" | "accepted" | "in_progress" | "done" | "declined";
  workPackage?: string;
  /** The initiative (from the example file) the need became. */
  initiative?: string;
  daysAgo: number;
  supporters?: string[];
  note?: string;
  /** The reporter chose to show their name in the portfolio. */
  showName?: boolean;
}

const needs: SeedNeed[] = [
  {
    reporter: "lars.andersson",
    department: "TK",
    title: "Felanmälningar om gatubelysning hamnar i tre olika system",
    problem:
      "Invånare anmäler trasig gatubelysning via appen, telefon och e-post. Ärendena hamnar i tre system och handläggare dubbelarbetar.",
    affected: "Invånare och handläggare på trafikkontoret",
    benefit: "Snabbare åtgärd och mindre dubbelarbete",
    sustainability: ["social", "economic"],
    urgency: "medium",
    status: "submitted",
    daysAgo: 16,
    supporters: ["karin.ek"],
  },
  {
    reporter: "fatima.ali",
    department: "UTB",
    title: "Schemaläggning av vikarier tar för lång tid",
    problem:
      "Varje morgon ringer rektorer runt för att hitta vikarier. Det tar ofta över en timme och elever står utan lärare första lektionen.",
    affected: "Elever, lärare och skolledare",
    benefit: "Färre inställda lektioner",
    sustainability: ["social"],
    urgency: "high",
    status: "submitted",
    daysAgo: 4,
  },
  {
    reporter: "peter.holm",
    department: "MF",
    title: "Air quality sensor data is not shared with schools",
    problem:
      "We collect air quality data from 40 sensors, but schools near busy roads cannot see it when planning outdoor activities.",
    affected: "Pupils with asthma, teachers",
    benefit: "Healthier outdoor planning; reuse of data we already have",
    sustainability: ["environmental", "social"],
    urgency: "medium",
    status: "accepted",
    workPackage: "WP3",
    daysAgo: 30,
    supporters: ["fatima.ali", "lars.andersson"],
    showName: true,
  },
  {
    reporter: "karin.ek",
    department: "ALF",
    title: "Digital tillsyn nattetid i hemtjänsten",
    problem: "Nattliga tillsynsbesök väcker brukare som sover. Många vill hellre ha digital tillsyn men processen för att ansöka är otydlig.",
    affected: "Äldre med hemtjänst och nattpersonal",
    benefit: "Bättre sömn för brukare, färre resor nattetid",
    sustainability: ["social", "environmental", "economic"],
    urgency: "medium",
    status: "in_progress",
    workPackage: "WP3",
    initiative: "I-2026-01",
    daysAgo: 60,
  },
  {
    reporter: "lars.andersson",
    department: "TK",
    title: "Gemensam mall för innovationsupphandling",
    problem: "Varje förvaltning skriver egna underlag för innovationsupphandling från början, vilket tar tid och ger olika kvalitet.",
    sustainability: ["economic"],
    urgency: "low",
    status: "done",
    workPackage: "WP2",
    daysAgo: 120,
    note: "Mallen finns nu på intranätet.",
  },
  {
    reporter: "peter.holm",
    department: "MF",
    title: "A chatbot for every department",
    problem: "Each department should build its own chatbot for residents' questions.",
    sustainability: ["economic"],
    urgency: "low",
    status: "declined",
    daysAgo: 45,
    note: "Covered by the city's common e-service platform.",
  },
];

/** True when the database holds no people yet (first start). */
export async function isEmpty(db: Db): Promise<boolean> {
  return (await db.person.count()) === 0;
}

/** Loads the demo data. Idempotent: an already seeded database is left as it is. */
export async function seedDemo(store: Pick<Store, "db" | "kind">, now = new Date()): Promise<{ seeded: boolean }> {
  const { db } = store;
  if (!(await isEmpty(db))) return { seeded: false };
  try {
    await seedEmpty(store, now);
  } catch (err) {
    // Another process (a replica starting at the same moment) seeded first:
    // its rows collide with ours on a unique key and our transaction rolls back.
    if ((err as { code?: string }).code === "P2002" && !(await isEmpty(db))) return { seeded: false };
    throw err;
  }
  return { seeded: true };
}

async function seedEmpty({ db, kind }: Pick<Store, "db" | "kind">, now: Date): Promise<void> {
  await db.$transaction(
    async (tx) => {
      const parsed = parseOrgFile(readFileSync(EXAMPLE_ORG_FILE, "utf8"), EXAMPLE_ORG_FILE, { defaultTimezone: "Europe/Stockholm" });
      await applyOrganisationIn(createRepositories(tx, kind), parsed, {
        now,
        defaults: { timezone: "Europe/Stockholm", locale: "sv" },
        render: notificationCard,
      });
      const deptIds = new Map((await tx.department.findMany()).map((d) => [d.code, d.id]));
      for (const p of employees) {
        await tx.person.create({
          data: {
            displayName: p.name,
            email: `${p.key}@${DEMO_DOMAIN}`,
            locale: p.locale,
            departmentId: deptIds.get(p.department),
            roles: { create: [{ role: "employee" }] },
          },
        });
      }
      const personIds = new Map(
        (await tx.person.findMany({ select: { id: true, email: true } })).map((p) => [p.email!.replace(`@${DEMO_DOMAIN}`, ""), p.id]),
      );
      const wpIds = new Map((await tx.workPackage.findMany()).map((w) => [w.code, w.id]));
      const initiativeIds = new Map((await tx.initiative.findMany()).map((i) => [i.code, i.id]));
      const repo = createNeedsRepository(tx);
      const coordinator = personIds.get("anna.lindqvist")!;
      for (const n of needs) {
        const createdAt = new Date(now.getTime() - n.daysAgo * 86_400_000);
        const need = await repo.create({
          reporterId: personIds.get(n.reporter)!,
          year: createdAt.getUTCFullYear(),
          createdAt,
          draft: {
            title: n.title,
            problem: n.problem,
            affected: n.affected ?? "",
            benefit: n.benefit ?? "",
            sustainability: n.sustainability as never,
            urgency: n.urgency,
            departmentId: deptIds.get(n.department)!,
            showReporterName: n.showName ?? false,
          },
        });
        for (const s of n.supporters ?? []) {
          await tx.needSupporter.create({ data: { needId: need.id, personId: personIds.get(s)! } });
        }
        if (n.status !== "submitted") {
          const triagedAt = new Date(createdAt.getTime() + 3 * 86_400_000);
          await tx.need.update({
            where: { id: need.id },
            data: {
              status: n.status,
              workPackageId: n.workPackage ? wpIds.get(n.workPackage) : null,
              initiativeId: n.initiative ? initiativeIds.get(n.initiative) : null,
              outcome: n.status === "done" ? (n.note ?? null) : null,
              triagedAt,
              version: { increment: 1 },
            },
          });
          await tx.needEvent.create({
            data: { needId: need.id, actorId: coordinator, kind: "status", fromStatus: "submitted", toStatus: n.status, note: n.note ?? null, createdAt: triagedAt },
          });
          if (n.initiative) await tx.initiative.update({ where: { id: initiativeIds.get(n.initiative) }, data: { needId: need.id } });
        }
      }
    },
    { timeout: 60_000 },
  );
}

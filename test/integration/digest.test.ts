// The coordinators' digest built from seeded data on a real SQLite file: a
// busy week, a quiet one, 10,000 needs; sent once per recipient and period;
// the dry run prints it and writes nothing; on demand in chat.
import { afterEach, describe, expect, it } from "vitest";
import { cardContext } from "../../src/cards/context.ts";
import { digestCard } from "../../src/cards/digestCard.ts";
import type { AdaptiveCard } from "../../src/cards/elements.ts";
import { cardProblems, MAX_CARD_BYTES } from "../../src/cards/validate.ts";
import { createDigestJob } from "../../src/jobs/digest.ts";
import { allJobs } from "../../src/jobs/index.ts";
import { personByEmail } from "../helpers/db.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { cardText } from "../helpers/server.ts";

const FRIDAY_2PM = new Date("2026-11-27T13:00:00Z"); // 14:00 in Stockholm
const TICK = new Date("2026-11-27T13:05:00Z");
const DAY = 86_400_000;
const daysBefore = (d: number) => new Date(FRIDAY_2PM.getTime() - d * DAY);

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

async function runDigest(app: TestApp, at: Date, dryRun = false) {
  const lines: string[] = [];
  const result = await createDigestJob().run({ app: app.app, now: at, dryRun, out: (l) => lines.push(l) });
  return { result, text: lines.join("\n") };
}

async function digestRows(app: TestApp) {
  const rows = await app.store.db.outboxMessage.findMany({ where: { kind: "digest" }, orderBy: { id: "asc" } });
  return rows.map((r) => ({ ...r, card: JSON.parse(r.payload) as AdaptiveCard, text: cardText(JSON.parse(r.payload)) }));
}

/** A busy week on top of the demo data: new needs, status updates with trends, an overdue ping, a silent initiative. */
async function busyWeek(app: TestApp) {
  const db = app.store.db;
  const lars = await personByEmail(app.store, "lars.andersson");
  for (let i = 0; i < 7; i++) {
    await app.store.needs.create({
      reporterId: lars.id,
      year: 2026,
      createdAt: daysBefore(1 + i * 0.5),
      draft: { title: `Veckans behov ${i + 1}`, problem: "Ett nytt problem som rapporterats den här veckan.", affected: "", benefit: "", sustainability: ["environmental"], urgency: "low", departmentId: lars.departmentId },
    });
  }
  const wp = async (code: string) => (await app.store.workPackages.byCode(code))!;
  const update = async (code: string, period: string, askedDaysAgo: number, health: string) => {
    const w = await wp(code);
    const askedAt = daysBefore(askedDaysAgo);
    await db.statusRequest.create({
      data: {
        subjectKey: `wp:${w.id}`,
        periodKey: period,
        workPackageId: w.id,
        recipientId: w.leadId,
        askedAt,
        dueAt: new Date(askedAt.getTime() + 2 * DAY),
        answeredAt: new Date(askedAt.getTime() + DAY),
        update: { create: { health, authorId: w.leadId!, progress: "ok", createdAt: new Date(askedAt.getTime() + DAY) } },
      },
    });
  };
  await update("WP1", "2026-W46", 11, "at_risk");
  await update("WP1", "2026-W47", 4, "on_track");
  await update("WP2", "2026-W46", 11, "on_track");
  await update("WP2", "2026-W47", 4, "blocked");
  const wp4 = await wp("WP4");
  await db.statusRequest.create({
    data: { subjectKey: `wp:${wp4.id}`, periodKey: "2026-W47", workPackageId: wp4.id, recipientId: wp4.leadId, askedAt: daysBefore(4), dueAt: daysBefore(2) },
  });
  const wp3 = await wp("WP3");
  await db.initiative.create({ data: { code: "I-1", title: "Digital tillsyn i hemtjänsten", workPackageId: wp3.id, createdAt: daysBefore(60) } });
  await app.store.settings.set("digest.channels", ["teams:19:coordinators@thread.tacv2", "slack:C123", "not a target"]);
}

describe("digest job", () => {
  it("is the 'digest' job in the job list", () => {
    expect(allJobs().map((j) => j.name)).toContain("digest");
  });

  it("sends a busy week's digest once to every coordinator and configured channel, in their language", async () => {
    t = await createTestApp({ now: FRIDAY_2PM });
    await busyWeek(t);
    const first = await runDigest(t, TICK);
    expect(first.result.counts).toEqual({ sent: 5, already: 0 });

    const [anna, james] = await Promise.all([personByEmail(t.store, "anna.lindqvist"), personByEmail(t.store, "james.carter")]);
    const rows = await digestRows(t);
    expect(rows.map((r) => r.target)).toEqual(expect.arrayContaining([`person:${anna.id}`, `person:${james.id}`, "teams:19:coordinators@thread.tacv2", "slack:C123"]));
    expect(rows).toHaveLength(5);
    expect(await t.store.db.digest.count()).toBe(5);

    const sv = rows.find((r) => r.target === `person:${anna.id}`)!.text;
    expect(sv).toContain("Nya behov (8)"); // seven this week plus the demo need from Monday
    expect(sv).toContain("… och 3 till");
    expect(sv).toContain("Väntar på triage (9)");
    expect(sv).toContain("⚠ 1 över målet på 10 arbetsdagar");
    expect(sv).toMatch(/🟢 \*\*WP1\*\* Styrning: enligt plan ↗ \(var 🟡 risk\)/);
    expect(sv).toMatch(/🔴 \*\*WP2\*\* Samordning: blockerat ↘ \(var 🟢 enligt plan\)/);
    expect(sv).toContain("⚪ **WP5** Följeforskning · ingen lägesrapport än");
    expect(sv).toContain("Obesvarade lägesförfrågningar (1)");
    expect(sv).toContain("WP4 Strategisk kommunikation · Oskar Karlsson");
    expect(sv).toContain("Initiativ utan uppdatering på 4 veckor (1)");
    expect(sv).toContain("**I-1** Digital tillsyn i hemtjänsten · aldrig uppdaterat");
    expect(sv).toContain("80 % av 5"); // four of the five pings due in the last four weeks were answered
    expect(sv).toMatch(/Trafikkontoret 8/);
    expect(rows.find((r) => r.target === `person:${james.id}`)!.text).toContain("New needs (8)");
    for (const row of rows) expect(cardProblems(row.card)).toEqual([]);

    // The same tick again, or a later one in the same period: nothing more is sent.
    expect((await runDigest(t, TICK)).result.counts).toEqual({ sent: 0, already: 5 });
    expect((await runDigest(t, new Date("2026-12-02T09:00:00Z"))).result.counts).toEqual({ sent: 0, already: 5 });
    expect(await digestRows(t)).toHaveLength(5);
    // The next Friday at 14:00 is a new period.
    expect((await runDigest(t, new Date("2026-12-04T13:00:00Z"))).result.counts).toEqual({ sent: 5, already: 0 });
  });

  it("shows the key figures as a chart image at a signed https URL when PUBLIC_URL is set", async () => {
    t = await createTestApp({ now: FRIDAY_2PM, env: { PUBLIC_URL: "https://samordna.example.org" } });
    await runDigest(t, TICK);
    const rows = await digestRows(t);
    const images = rows.map((r) => (r.card.body as { type: string; url?: string; altText?: string }[]).find((e) => e.type === "Image"));
    expect(images.every((i) => i?.url?.startsWith("https://samordna.example.org/charts/open-by-department.png?locale="))).toBe(true);
    expect(images[0]!.altText).toBeTruthy();
    for (const r of rows) expect(cardProblems(r.card)).toEqual([]);
    // The URL's signature is the server's own and lasts beyond the week.
    const url = new URL(images[0]!.url!);
    expect(t.app.charts.verify("open-by-department", Object.fromEntries(url.searchParams))).toBe(true);
    expect(Number(url.searchParams.get("exp")) * 1000).toBeGreaterThan(TICK.getTime() + 7 * DAY);
    // Without a public https address there is no picture (Slack fetches only https images).
    const plain = await createTestApp({ now: FRIDAY_2PM });
    try {
      await runDigest(plain, TICK);
      expect((await digestRows(plain)).some((r) => JSON.stringify(r.card).includes('"Image"'))).toBe(false);
    } finally {
      await plain.cleanup();
    }
  });

  it("two replicas ticking at once send each digest once", async () => {
    t = await createTestApp({ now: FRIDAY_2PM });
    const results = await Promise.all([runDigest(t, TICK), runDigest(t, TICK)]);
    expect(results.reduce((n, r) => n + r.result.counts!.sent, 0)).toBe(3);
    expect(await digestRows(t)).toHaveLength(3);
  });

  it("follows the cadence setting", async () => {
    t = await createTestApp({ now: FRIDAY_2PM });
    await t.store.settings.set("digest.cadence", "0 8 * * 1"); // Mondays 08:00
    const { result } = await runDigest(t, TICK);
    expect(result.summary).toContain("2026-11-23T07:00:00.000Z");
  });

  it("prints the digest in a dry run and writes nothing", async () => {
    t = await createTestApp({ now: FRIDAY_2PM });
    await busyWeek(t);
    const { text } = await runDigest(t, TICK, true);
    expect(text).toMatch(/^Sammanfattning /);
    expect(text).toContain("Nya behov (8)");
    expect(text).toContain("  - ⚠ N-");
    expect(text).toContain("Nothing was sent");
    expect(await t.store.db.digest.count()).toBe(0);
    expect(await t.store.db.outboxMessage.count()).toBe(0);
  });

  it("keeps an empty week short and friendly", async () => {
    t = await createTestApp({ now: FRIDAY_2PM, seed: false });
    await t.store.people.create({ displayName: "Ensam Samordnare", email: "ensam@example.org", locale: "sv", roles: ["coordinator"] });
    await runDigest(t, TICK);
    const [row] = await digestRows(t);
    expect(row.text).toContain("En lugn vecka");
    expect(row.card.body.length).toBeLessThanOrEqual(3);
    expect(row.text).not.toContain("Nyckeltal");
  });
});

describe("digest with 10,000 needs", () => {
  it("builds in well under a second and stays within the card limits", async () => {
    t = await createTestApp({ now: FRIDAY_2PM });
    const people = await t.store.people.all();
    const departments = await t.store.departments.active();
    const areas = ["", "social", "economic", "environmental", "social,economic", "environmental,social,economic"];
    const statuses = ["submitted", "submitted", "accepted", "in_progress", "done", "declined"];
    const rows = Array.from({ length: 10_000 }, (_, i) => {
      const createdAt = daysBefore((i * 37) % 365 + (i % 24) / 24);
      const status = statuses[i % statuses.length];
      return {
        reference: `N-2025-${String(i + 1).padStart(5, "0")}`,
        title: `Behov ${i} ${"med en lång rubrik ".repeat(5)}`,
        problem: "P".repeat(2000),
        urgency: "medium",
        sustainability: areas[i % areas.length],
        departmentId: departments[i % departments.length].id,
        reporterId: people[i % people.length].id,
        status,
        createdAt,
        triagedAt: status === "submitted" ? null : new Date(createdAt.getTime() + ((i % 20) + 1) * DAY),
      };
    });
    for (let i = 0; i < rows.length; i += 2000) await t.store.db.need.createMany({ data: rows.slice(i, i + 2000) });

    const period = await t.app.digests.duePeriod(TICK);
    await t.app.digests.build(period); // warm up (holiday tables, prepared statements)
    // Best of three, in CPU time as well as wall time: the machine is shared (load far above its two
    // cores while the suite runs), and SQLite works synchronously in this process, so on an idle
    // machine the wall time is the CPU time.
    const runs: { wall: number; cpu: number }[] = [];
    let data = await t.app.digests.build(period);
    for (let i = 0; i < 3; i++) {
      const wall = performance.now();
      const cpu = process.cpuUsage();
      data = await t.app.digests.build(period);
      const used = process.cpuUsage(cpu);
      runs.push({ wall: performance.now() - wall, cpu: (used.user + used.system) / 1000 });
    }
    console.log(`digest built from 10,000 needs in ${runs.map((r) => `${r.wall.toFixed(0)} ms (CPU ${r.cpu.toFixed(0)} ms)`).join(", ")}`);
    // CPU time only: wall time on a shared machine measures the neighbours (bench/digest.ts tracks it).
    expect(Math.min(...runs.map((r) => r.cpu))).toBeLessThan(300);

    expect(data.waiting.total).toBeGreaterThan(3000);
    expect(data.waiting.items).toHaveLength(5);
    for (const locale of ["sv", "en"] as const) {
      const card = digestCard(cardContext(locale, "Europe/Stockholm"), data);
      expect(cardProblems(card)).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(MAX_CARD_BYTES / 4);
      // Each element becomes at most one Slack block; Slack allows 50 per message.
      const elements = (nodes: { type: string; items?: unknown[] }[]): number =>
        nodes.reduce((n, node) => n + 1 + (Array.isArray(node.items) ? elements(node.items as never) : 0), 0);
      expect(elements(card.body as never)).toBeLessThan(50);
      expect(cardText(card)).toMatch(/… (and|och) \d+ (more|till)/);
    }
  }, 60_000);
});

describe("digest on demand", () => {
  it("answers 'sammanfattning' with the digest card for coordinators only", async () => {
    t = await createTestApp({ now: FRIDAY_2PM });
    const [anna, lars] = await Promise.all([personByEmail(t.store, "anna.lindqvist"), personByEmail(t.store, "lars.andersson")]);
    const reply = await t.say(anna, "sammanfattning");
    const text = cardText(reply.cards[0]);
    expect(text).toContain("Väntar på triage (2)");
    expect(text).toContain("Schemaläggning av vikarier");
    expect(await t.store.db.outboxMessage.count()).toBe(0);
    expect(cardText((await t.say(lars, "digest")).cards[0])).toContain("Du har inte behörighet");
  });
});

// Status pings end to end in the web chat over HTTP: a lead receives a ping in
// the inbox, answers it, and a coordinator sees the escalation for a work
// package that was not answered (and may ping again; nobody else may).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobByName } from "../../src/jobs/index.ts";
import { runJob } from "../../src/jobs/scheduler.ts";
import { cardText, findAction, startTestServer, webChat, type Card, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let now = new Date("2026-03-30T07:00:00Z");
let people: { id: number; displayName: string }[];
const idOf = (name: string) => people.find((p) => p.displayName.startsWith(name))!.id;

beforeAll(async () => {
  server = await startTestServer({}, undefined, { clock: () => now });
  people = await (await fetch(`${server.url}/web/api/people`)).json();
});
afterAll(async () => {
  await server.cleanup();
});

async function tick(job: string, iso: string) {
  now = new Date(iso);
  return (await runJob(server.app, jobByName(job)!, { now })).summary;
}

async function inbox(personId: number): Promise<Card[]> {
  const res = await fetch(`${server.url}/web/api/inbox?personId=${personId}&after=0`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: { card: Card }[] }).messages.map((m) => m.card);
}

describe("status pings in the web chat", () => {
  it("pings a lead, takes the answer, and escalates the unanswered ones to coordinators", async () => {
    expect(await tick("status-pings", "2026-03-30T07:00:00Z")).toMatch(/^asked 5/);
    expect(await inbox(idOf("Maria"))).toEqual([]); // queued, not yet delivered
    expect(await tick("outbox", "2026-03-30T07:00:02Z")).toBe("5 sent, 0 retried, 0 failed");

    const [ping] = await inbox(idOf("Maria"));
    expect(cardText(ping)).toContain("Dags för en lägesrapport för WP1");
    const submit = findAction(ping, "status.submit")!;
    const maria = webChat(server.url, idOf("Maria"));

    now = new Date("2026-03-30T09:15:00Z");
    const invalid = await maria.click("status.submit", { ...submit.data, progress: "Steering group met" });
    expect(invalid.fieldErrors).toEqual({ health: "Fältet är obligatoriskt." });
    const saved = await maria.click("status.submit", { ...submit.data, health: "on_track", progress: "Steering group met", nextSteps: "Budget in April" });
    expect(cardText(saved.replace)).toContain("Tack! Lägesrapporten för WP1 är sparad");
    expect(cardText(saved.replace)).toContain("Enligt plan");
    expect(cardText((await maria.say("status")).cards[0])).toContain("Steering group met");

    // Someone else clicking Maria's form is refused.
    const forged = await webChat(server.url, idOf("Lars")).click("status.submit", { ...submit.data, health: "blocked" });
    expect(cardText(forged.cards[0])).toContain("Du har inte behörighet");

    for (const iso of ["2026-04-01T07:00:00Z", "2026-04-02T07:00:00Z", "2026-04-03T07:00:00Z", "2026-04-06T07:00:00Z", "2026-04-07T07:00:00Z"]) {
      await tick("reminders", iso);
      await tick("outbox", iso);
    }
    const sara = await inbox(idOf("Sara"));
    expect(sara.map((c) => cardText(c).split("\n")[1])).toEqual([
      expect.stringContaining("Dags för en lägesrapport för WP3"),
      expect.stringContaining("Påminnelse 1"),
      expect.stringContaining("Påminnelse 2"),
    ]);
    expect((await inbox(idOf("Maria"))).length).toBe(1); // answered: no reminders

    const anna = await inbox(idOf("Anna"));
    const titles = anna.map((c) => cardText(c).split("\n")[0]);
    expect(titles).toEqual(["Ingen lägesrapport från WP2 Samordning", "Ingen lägesrapport från WP3 Verktyg och metoder", "Ingen lägesrapport från WP4 Strategisk kommunikation", "Ingen lägesrapport från WP5 Följeforskning"]);
    const wp3 = anna[1];
    expect(cardText(wp3)).toContain("Sara Nilsson");
    expect(cardText(wp3)).toContain("2 arbetsdag(ar)");
    expect(cardText((await inbox(idOf("James")))[0])).toContain("No status from WP2");

    const pingAgain = findAction(wp3, "status.pingAgain")!;
    const refused = await webChat(server.url, idOf("Lars")).click("status.pingAgain", pingAgain.data);
    expect(cardText(refused.cards[0])).toContain("Du har inte behörighet");
    const done = await webChat(server.url, idOf("Anna")).click("status.pingAgain", pingAgain.data);
    expect(cardText(done.cards[0])).toContain("Sara Nilsson har fått en ny fråga om läget för WP3");
    expect(await tick("outbox", "2026-04-07T08:00:00Z")).toBe("1 sent, 0 retried, 0 failed");
    expect(cardText((await inbox(idOf("Sara"))).at(-1))).toContain("Läget för WP3 Verktyg och metoder");

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/samordna_outbox_sent_total\{platform="web",kind="status.escalation"\} 12/);
  });
});

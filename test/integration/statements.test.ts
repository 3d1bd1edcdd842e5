// What a request costs in SQL statements, counted through Prisma's query
// events (PRISMA_COUNT_QUERIES): a need submission stays at four or fewer, so
// a change that adds a read-back or a lookup per request fails here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, webChat, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let baseUrl: string;

async function statements(): Promise<number> {
  const res = await fetch(`${baseUrl}/debug/statements`);
  return ((await res.json()) as { statements: number }).statements;
}

/** Statements sent while `request` ran (the test sends one request at a time; jobs are off). */
async function cost(request: () => Promise<unknown>): Promise<number> {
  const before = await statements();
  await request();
  return (await statements()) - before;
}

beforeAll(async () => {
  server = await startTestServer({ PRISMA_COUNT_QUERIES: "1" });
  baseUrl = server.url;
});
afterAll(async () => server?.cleanup());

describe("statements per request", () => {
  it("a need submission costs at most 4 statements, and the need is stored", async () => {
    const [lars] = await server.app.store.people.all();
    const chat = webChat(baseUrl, lars!.id);
    const submit = (i: number) => chat.click("need.submit", { title: `Cost test ${i}`, problem: `Counting statements, run ${i}.`, urgency: "low", skipSimilar: true });
    await submit(0); // first contact: caches fill
    const spent = await cost(() => submit(1));
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(4);
    const stored = (await server.app.store.needs.reportedBy(lars!.id)).find((n) => n.title === "Cost test 1");
    expect(stored).toMatchObject({ status: "submitted", reporterId: lars!.id, urgency: "low" });
    expect(stored!.reference).toMatch(/^N-\d{4}-\d{4}$/);
    expect(await server.app.store.needs.events(stored!.id)).toMatchObject([{ kind: "created", toStatus: "submitted" }]);
  });

  it("a submission from a rendered card adds only its double-click guard (issue 17): one insert", async () => {
    const [lars] = await server.app.store.people.all();
    const chat = webChat(baseUrl, lars!.id);
    const data = { title: "Cost test from a card", problem: "Counting statements with a turn id.", urgency: "low", skipSimilar: true };
    const spent = await cost(() => chat.post({ personId: lars!.id, turnId: "turn-cost-1", action: { verb: "need.submit", data } }));
    expect(spent).toBeLessThanOrEqual(5);
    expect((await server.app.store.needs.reportedBy(lars!.id)).filter((n) => n.title === data.title)).toHaveLength(1);
  });

  it("is not served unless asked for", async () => {
    const plain = await startTestServer();
    try {
      expect(plain.app.store.statements()).toBeNull();
      expect((await fetch(`${plain.url}/debug/statements`)).status).toBe(404);
    } finally {
      await plain.cleanup();
    }
  });
});

describe("cached reads", () => {
  it("a role granted or a department closed through the store is seen by the next request", async () => {
    const store = server.app.store;
    const fatima = (await store.people.all()).find((p) => !p.roles.includes("coordinator"));
    expect((await store.people.byId(fatima!.id))!.roles).not.toContain("coordinator");
    await store.transaction((tx) => tx.people.addRole(fatima!.id, "coordinator"));
    expect((await store.people.byId(fatima!.id))!.roles).toContain("coordinator");

    const before = await store.departments.active();
    await store.db.department.update({ where: { id: before[0]!.id }, data: { active: false } });
    // Written behind the Store's back (as another replica would): seen once the cache expires or any write drops it.
    await store.settings.set("statusPings.maxReminders", 2);
    expect((await store.departments.active()).map((d) => d.id)).not.toContain(before[0]!.id);
  });
});

// The loop from reported need to outcome, over the web chat's HTTP API: an
// employee reports a need, a coordinator accepts it into WP3, the employee is
// told (outbox → web chat inbox), and the coordinator's digest shows it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebDeliverer } from "../../src/bots/web/deliver.ts";
import { openStore, type Store } from "../../src/store/index.ts";
import { cardText, findAction, startTestServer, webChat, type Card, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let store: Store;
let people: { id: number; displayName: string }[];
const idOf = (name: string) => people.find((p) => p.displayName.startsWith(name))!.id;

beforeAll(async () => {
  server = await startTestServer();
  store = await openStore(server.databaseUrl, { migrate: false });
  people = await (await fetch(`${server.url}/web/api/people`)).json();
});
afterAll(async () => {
  await store.close();
  await server.cleanup();
});

/** Every Action.Execute on a card with `verb`. */
function actions(card: Card, verb: string): { data: Record<string, unknown> }[] {
  const found: { data: Record<string, unknown> }[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(walk);
    const o = node as Record<string, unknown>;
    if (o.type === "Action.Execute" && o.verb === verb) found.push({ data: o.data as Record<string, unknown> });
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}

function choiceValue(card: Card, inputId: string, titlePrefix: string): string {
  let value: string | undefined;
  const walk = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(walk);
    const o = node as Record<string, unknown>;
    if (o.type === "Input.ChoiceSet" && o.id === inputId) value = (o.choices as { title: string; value: string }[]).find((c) => c.title.startsWith(titlePrefix))?.value;
    Object.values(o).forEach(walk);
  };
  walk(card);
  if (!value) throw new Error(`no choice ${titlePrefix} in ${inputId}`);
  return value;
}

describe("from reported need to outcome in the web chat", () => {
  it("reports, accepts into WP3, tells the reporter, and shows it in the coordinator's digest", async () => {
    const fatima = webChat(server.url, idOf("Fatima"));
    const anna = webChat(server.url, idOf("Anna"));
    const fatimaId = idOf("Fatima");

    // The employee reports a need.
    const form = (await fatima.say("nytt behov")).cards[0];
    let sent = await fatima.click("need.submit", {
      ...findAction(form, "need.submit")!.data,
      title: "Elevernas skåp går inte att boka digitalt",
      problem: "Skåpen i skolorna delas ut på papperslistor varje höst, och listorna kommer bort mellan terminerna.",
      sustainability: "social",
      urgency: "low",
    });
    const different = findAction(sent.replace, "need.submit");
    if (different?.data.skipSimilar) sent = await fatima.click("need.submit", different.data);
    const reference = /N-\d{4}-\d{4}/.exec(cardText(sent.replace))![0];
    const need = (await store.needs.byReference(reference))!;

    // The coordinator finds it in the triage queue and accepts it into WP3.
    const queue = (await anna.say("triage")).cards[0];
    expect(cardText(queue)).toContain(reference);
    const open = actions(queue, "triage.view").find((a) => a.data.needId === need.id)!;
    const view = await anna.click("triage.view", open.data);
    const triageCard = view.cards[0];
    const accept = findAction(triageCard, "triage.accept")!;
    expect(accept.data).toMatchObject({ needId: need.id, version: need.version });
    const accepted = await anna.click("triage.accept", { ...accept.data, assignTo: choiceValue(triageCard, "assignTo", "WP3"), note: "Passar i verktygsarbetet." });
    expect(cardText(accepted.cards[0])).toContain(`${reference} är nu Accepterat`);

    // The employee is told: the notification waits in the outbox, the web deliverer puts it in her inbox.
    const rows = await store.db.outboxMessage.findMany({ where: { target: `person:${fatimaId}`, dedupeKey: { startsWith: `need:${need.id}:` } } });
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe("pending");
    const person = (await store.people.byId(fatimaId))!;
    await createWebDeliverer(store).deliver({ kind: "person", person, account: null }, JSON.parse(rows[0].payload));
    const inbox = await (await fetch(`${server.url}/web/api/inbox?personId=${fatimaId}&after=0`)).json();
    const told = inbox.messages.map((m: { card: Card }) => cardText(m.card)).join("\n");
    expect(told).toContain(`${reference} har accepterats`);
    expect(told).toContain("Det tas vidare i WP3 Verktyg och metoder.");
    expect(told).toContain("Passar i verktygsarbetet.");

    // Her own view of the need shows the decision.
    const mine = await fatima.click("need.view", { needId: need.id });
    expect(cardText(mine.cards[0])).toContain("status Inskickat → Accepterat av Anna Lindqvist");

    // The coordinator's digest shows the new need.
    const digest = (await anna.say("sammanfattning")).cards[0];
    expect(cardText(digest)).toContain("Nya behov");
    expect(cardText(digest)).toContain(reference);

    // An employee's forged accept of another need changes nothing.
    const other = (await store.needs.withStatus(["submitted"]))[0];
    const forged = await fatima.click("triage.accept", { needId: other.id, version: other.version, assignTo: "wp:1" });
    expect(cardText(forged.cards[0])).toContain("Du har inte behörighet");
    expect((await store.needs.byId(other.id))!.status).toBe("submitted");
  });
});

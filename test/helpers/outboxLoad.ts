// Outbox load for multi-process tests: people with a Teams 1:1 chat at a
// Bot Connector stand-in, many queued messages each carrying a marker, and
// what the stand-in received of them.
import type { Store } from "../../src/store/index.ts";
import type { BotConnector } from "./botConnector.ts";
import type { TestDb } from "./db.ts";
import type { Replica } from "./replicas.ts";
import { BOT } from "./teams.ts";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; fails after `timeoutMs` (a bound for a hung test, not a measurement). */
export async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** People with a Teams 1:1 chat whose serviceUrl is the stand-in, person i in tenant `tenant-load-${i % tenants}`. */
export async function teamsPeople(store: Store, serviceUrl: string, count: number, tenants: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const tenantId = `tenant-load-${i % tenants}`;
    const user = { id: `29:load-${i}`, name: `Last Testperson ${i}`, aadObjectId: `aad-load-${i}` };
    const ref = { channelId: "msteams", serviceUrl, tenantId, bot: BOT, user, conversation: { id: `a:load-${i}`, conversationType: "personal", isGroup: false, tenantId } };
    const person = await store.db.person.create({
      data: {
        displayName: user.name,
        email: `load.${i}@stockholm.example`,
        accounts: { create: { platform: "teams", tenantId, userId: user.id, conversationRef: JSON.stringify(ref) } },
      },
    });
    ids.push(person.id);
  }
  return ids;
}

/** Messages numbered from `first`, message i to `people[i % people.length]`, each card carrying "load:i". */
export async function queueLoad(store: Store, people: number[], count: number, options: { first?: number; kind?: string } = {}): Promise<void> {
  const now = new Date();
  const first = options.first ?? 0;
  for (let from = 0; from < count; from += 2000) {
    await store.db.outboxMessage.createMany({
      data: Array.from({ length: Math.min(2000, count - from) }, (_, k) => {
        const i = first + from + k;
        return {
          dedupeKey: `load:${i}`,
          target: `person:${people[i % people.length]}`,
          kind: options.kind ?? "load.notice",
          payload: JSON.stringify({ type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: `load:${i}`, wrap: true }] }),
          availableAt: now,
          createdAt: now,
        };
      }),
    });
  }
}

/** How often the stand-in received (answered or not) each load message. */
export function received(connector: BotConnector): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of connector.calls) {
    if (call.kind !== "send") continue;
    const key = /load:\d+/.exec(JSON.stringify(call.body))?.[0];
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Conversations whose load messages (answered 201) arrived out of queue order. */
export function outOfOrder(connector: BotConnector): number[][] {
  const arrivals = new Map<string, number[]>();
  for (const call of connector.calls) {
    const i = /load:(\d+)/.exec(JSON.stringify(call.body))?.[1];
    if (call.kind !== "send" || call.status !== 201 || i === undefined) continue;
    arrivals.set(call.conversationId, [...(arrivals.get(call.conversationId) ?? []), Number(i)]);
  }
  return [...arrivals.values()].filter((seq) => seq.some((n, k) => k > 0 && n < seq[k - 1]!));
}

export const pendingLoad = (store: Store, kind = "load.notice") => store.db.outboxMessage.count({ where: { kind, status: "pending" } });

/** What a multi-process test leaves behind (afterEach): its servers killed, the stand-in closed, the database dropped. */
export async function endProcessTest(left: { servers: Replica[]; connector?: BotConnector; db?: TestDb }): Promise<void> {
  for (const r of left.servers) r.process.kill("SIGKILL");
  await Promise.all(left.servers.map((r) => r.exited));
  await left.connector?.close();
  await left.db?.cleanup();
}

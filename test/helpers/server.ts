// Starts the real server (HTTP on a free loopback port, a real database of
// the run's kind: see test/helpers/db.ts).
import { loadConfig } from "../../src/config.ts";
import { start, type Running } from "../../src/main.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";

export interface TestServer extends Running {
  databaseUrl: string;
  /** Stops the server and deletes the database it created (not one passed in). */
  cleanup(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}, databaseUrl?: string, options: { clock?: () => Date } = {}): Promise<TestServer> {
  const own: TestDatabase | undefined = databaseUrl ? undefined : await createTestDatabase();
  const url = databaseUrl ?? own!.url;
  const config = loadConfig({ PORT: "0", LOG_LEVEL: "silent", DATABASE_URL: url, JOBS: "false", ...env }, "/nonexistent/.env");
  const running = await start(config, options);
  return {
    ...running,
    databaseUrl: url,
    async cleanup() {
      await running.stop();
      await own?.drop();
    },
  };
}

/** A web-chat client: POSTs turns as the page does. */
export function webChat(baseUrl: string, personId: number) {
  async function post(body: unknown) {
    const res = await fetch(`${baseUrl}/web/api/turn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as WebReply };
  }
  return {
    say: async (text: string) => (await post({ personId, text })).body,
    click: async (verb: string, data: Record<string, unknown> = {}) => (await post({ personId, action: { verb, data } })).body,
    post,
  };
}

export interface WebReply {
  cards: Card[];
  replace?: Card;
  fieldErrors?: Record<string, string>;
  error?: string;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Card = any;

/** All text a person would read on a card (TextBlocks, facts, labels, button titles). */
export function cardText(card: Card): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    for (const key of ["text", "title", "value", "label", "errorMessage"]) if (typeof o[key] === "string") out.push(o[key] as string);
    for (const v of Object.values(o)) if (typeof v === "object") walk(v);
  };
  walk(card);
  return out.join("\n");
}

/** Finds the action (anywhere on the card) whose verb is `verb`. */
export function findAction(card: Card, verb: string): { verb: string; data: Record<string, unknown>; title: string } | undefined {
  let found: { verb: string; data: Record<string, unknown>; title: string } | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(walk);
    const o = node as Record<string, unknown>;
    if (o.type === "Action.Execute" && o.verb === verb) {
      const { verb: _v, ...data } = (o.data ?? {}) as Record<string, unknown>;
      found = { verb, data, title: String(o.title) };
      return;
    }
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}

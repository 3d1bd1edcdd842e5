// A loopback stand-in for the Bot Connector service: records what the bot
// sends (as Teams would receive it), answers the member roster, and behaves
// like the real service on demand: a round trip of 100-300 ms, strict
// sliding-window rate limits per tenant and conversation (429 with
// Retry-After), failures per conversation (403 for a removed app, 5xx),
// bursts of failures, outages (503, or 401 for an expired secret) and
// connections that never answer.
import type { AddressInfo } from "node:net";
import http from "node:http";
import express from "express";
import { createBehaviour, createRateWindows, type StrictWindow } from "./rateWindows.ts";

export interface ConnectorCall {
  method: string;
  /** "send" (new message or reply), "update", "create" (a new conversation), "member". */
  kind: "send" | "update" | "create" | "member";
  conversationId: string;
  activityId?: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  authorization?: string;
  /** The HTTP status it was answered with (unset while unanswered). */
  status?: number;
  /** When it arrived (Date.now(): comparable with other processes' clocks on this machine). */
  at: number;
}

export interface Failure {
  status: number;
  headers?: Record<string, string>;
  /** The error code in the body, e.g. "ConversationBlockedByUser", "BotDisabledByAdmin". */
  code?: string;
}

export interface BotConnector {
  /** The serviceUrl to put on activities. */
  url: string;
  calls: ConnectorCall[];
  /** Activities the bot sent (new messages and replies) to one conversation, typing indicators left out unless asked. */
  sent(conversationId: string, options?: { typing?: boolean }): any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Member roster entries, by the user's Teams id. */
  members: Map<string, Record<string, unknown>>;
  /** Answers every call for this conversation with this failure. */
  failures: Map<string, Failure>;
  /** Answers the roster lookup of this user (Teams id) only after this many milliseconds. */
  slowMembers: Map<string, number>;
  /** Milliseconds before each answer: fixed, or uniform in [min, max]. */
  roundTripMs: number | [number, number];
  /** Strict limits, counted as requests arrive; beyond them 429 with Retry-After: 1. */
  limits: { tenant?: readonly StrictWindow[]; conversation?: readonly StrictWindow[] } | null;
  /** 429s answered because of `limits`. */
  refused(): number;
  /** Every call answered with this failure while set (an outage: 503; an expired secret: 401). */
  outage: Failure | null;
  /** The next `count` sends fail this way (a burst of 5xx). */
  failNext(count: number, failure: Failure): void;
  /** Conversations whose sends never get an answer (a stalled connection). */
  stalled: Set<string>;
  /**
   * Holds the sends to this conversation until released: `arrived` resolves when the first one is
   * here, so a test can act while a send is in flight without guessing how long it takes.
   */
  hold(conversationId: string): { arrived: Promise<void>; release(): void };
  /** Activities answered 2xx, per marker found by `marker` in the body (to count deliveries). */
  delivered(marker: RegExp): Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

export async function startBotConnector(): Promise<BotConnector> {
  const calls: ConnectorCall[] = [];
  const members = new Map<string, Record<string, unknown>>();
  const failures = new Map<string, Failure>();
  const slowMembers = new Map<string, number>();
  let next = 1;
  const server = express();
  server.use(express.json({ limit: "1mb" }));

  const windows = createRateWindows();
  const burst: Failure[] = [];
  const stalled = new Set<string>();
  const holds = new Map<string, { arrive(): void; released: Promise<void>; release(): void }>();
  const behaviour = createBehaviour<NonNullable<BotConnector["limits"]>, Failure>();
  const self = behaviour.state;
  const delay = behaviour.delay;
  const fail = (res: express.Response, call: ConnectorCall, failure: Failure) => {
    call.status = failure.status;
    res.status(failure.status).set(failure.headers ?? {}).json({ error: { code: failure.code ?? "Failure", message: `stand-in failure ${failure.status}` } });
  };

  const record = (kind: ConnectorCall["kind"]): express.RequestHandler => async (req, res) => {
    const conversationId = String(req.params.conversationId ?? "");
    const call: ConnectorCall = {
      method: req.method,
      kind,
      conversationId,
      activityId: req.params.activityId ? String(req.params.activityId) : undefined,
      body: req.body,
      authorization: req.headers.authorization,
      at: Date.now(),
    };
    calls.push(call);
    // Limits count on arrival, as the service does; the answer comes a round trip later.
    const arrived = performance.now();
    const tenant = String(req.body?.conversation?.tenantId ?? req.body?.channelData?.tenant?.id ?? "unknown");
    const overLimit =
      kind === "send" &&
      self.limits !== null &&
      ((self.limits.tenant && !windows.admit(`tenant:${tenant}`, self.limits.tenant, arrived)) ||
        (self.limits.conversation && !windows.admit(`conversation:${conversationId}`, self.limits.conversation, arrived)));
    if (kind === "send" && stalled.has(conversationId)) return; // never answered
    const held = kind === "send" ? holds.get(conversationId) : undefined;
    if (held) {
      held.arrive();
      await held.released;
    }
    await delay();
    const failure = self.outage ?? failures.get(conversationId) ?? (kind === "send" ? burst.shift() : undefined);
    if (failure) return fail(res, call, failure);
    if (overLimit) return fail(res, call, { status: 429, headers: { "retry-after": "1" }, code: "Throttled" });
    if (kind === "member") {
      const delay = slowMembers.get(String(req.params.memberId));
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      const member = members.get(String(req.params.memberId));
      call.status = member ? 200 : 404;
      if (!member) res.status(404).json({ error: { code: "MemberNotFoundInConversation", message: "not found" } });
      else res.json(member);
      return;
    }
    if (kind === "create") {
      const created = `a:created-${next++}`;
      call.status = 201;
      res.status(201).json({ id: created });
      return;
    }
    call.status = kind === "update" ? 200 : 201;
    res.status(call.status).json({ id: kind === "update" ? req.params.activityId : `sent-${next++}` });
  };

  server.post("/v3/conversations", record("create"));
  server.post("/v3/conversations/:conversationId/activities", record("send"));
  server.post("/v3/conversations/:conversationId/activities/:activityId", record("send"));
  server.put("/v3/conversations/:conversationId/activities/:activityId", record("update"));
  server.get("/v3/conversations/:conversationId/members/:memberId", record("member"));
  server.use((req, res) => {
    calls.push({ method: req.method, kind: "send", conversationId: `unhandled ${req.path}`, body: req.body, at: Date.now() });
    res.status(404).json({ error: { code: "NotFound", message: req.path } });
  });

  const httpServer = http.createServer(server);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  return behaviour.expose<Omit<BotConnector, "roundTripMs" | "limits" | "outage">>({
    url: `http://127.0.0.1:${port}/`,
    calls,
    members,
    failures,
    slowMembers,
    refused: () => windows.refused,
    failNext(count, failure) {
      for (let i = 0; i < count; i++) burst.push(failure);
    },
    stalled,
    hold(conversationId) {
      let arrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(conversationId, { arrive, released, release });
      return {
        arrived,
        release() {
          holds.delete(conversationId);
          release();
        },
      };
    },
    sent: (conversationId, options = {}) =>
      calls
        .filter((c) => c.kind === "send" && c.conversationId === conversationId && (options.typing || c.body?.type !== "typing"))
        .map((c) => c.body),
    delivered(marker) {
      const counts = new Map<string, number>();
      for (const c of calls) {
        if (c.kind !== "send" || !c.status || c.status >= 300) continue;
        const m = marker.exec(JSON.stringify(c.body))?.[0];
        if (m) counts.set(m, (counts.get(m) ?? 0) + 1);
      }
      return counts;
    },
    reset() {
      calls.length = 0;
      failures.clear();
      slowMembers.clear();
      stalled.clear();
      for (const held of holds.values()) held.release();
      holds.clear();
      burst.length = 0;
      self.outage = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      }),
  });
}

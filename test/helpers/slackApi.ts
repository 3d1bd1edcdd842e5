// A loopback stand-in for the Slack Web API: records every call (form or JSON
// body, nested JSON fields parsed) and answers like Slack, or with a 429 /
// `{ok:false,error}` on demand; like the real service, optionally after a
// round trip, with strict per-channel limits for chat.postMessage (429 with
// Retry-After), outages and channels whose posts never get an answer. Also
// signs requests to /slack/events the way Slack does (v0 HMAC-SHA256 over
// "v0:timestamp:body").
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createBehaviour, createRateWindows, type StrictWindow } from "./rateWindows.ts";
import type { Block } from "../../src/bots/slack/blockKit.ts";
import { blockKitProblems } from "./blockKitLimits.ts";

export interface SlackCall {
  method: string;
  body: Record<string, unknown>;
  authorization?: string;
  /** Answered ok (set when answered). */
  ok?: boolean;
}

export interface SlackUserFixture {
  id: string;
  name: string;
  email?: string;
  locale?: string;
}

type Failure = { status: 429; retryAfter: number } | { error: string } | { httpStatus: number };

export interface SlackApiStandIn {
  url: string;
  calls: SlackCall[];
  /** Calls whose blocks Slack would reject (answered `invalid_blocks`, as Slack does), with the limits broken. */
  invalid: { method: string; problems: string[] }[];
  users: Map<string, SlackUserFixture>;
  /** The next call of `method` fails this way (once). */
  failNext(method: string, failure: Failure): void;
  callsTo(method: string): SlackCall[];
  /** Milliseconds before each answer: fixed, or uniform in [min, max]. */
  roundTripMs: number | [number, number];
  /** Strict limits counted on arrival: chat.postMessage per channel, other methods per workspace. */
  limits: { channel?: readonly StrictWindow[]; workspace?: readonly StrictWindow[] } | null;
  /** 429s answered because of `limits`. */
  refused(): number;
  /** Every call answered this way while set (an outage or a revoked token). */
  outage: Failure | null;
  /** Channels whose posts never get an answer. */
  stalled: Set<string>;
  /** Calls of `method` are recorded but not answered until the returned function is called. */
  hold(method: string): () => void;
  /** Successful chat.postMessage calls per marker found in the body. */
  delivered(marker: RegExp): Map<string, number>;
  /** Waits until `count` calls to `method` (matching `where`) were recorded. */
  waitFor(method: string, where?: (c: SlackCall) => boolean, count?: number): Promise<SlackCall[]>;
  close(): Promise<void>;
}

const JSON_FIELDS = ["blocks", "view", "attachments", "options", "metadata"];

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes("application/json")) return JSON.parse(raw || "{}") as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = JSON_FIELDS.includes(k) ? JSON.parse(v) : v;
  }
  return out;
}

/** What Slack would reject in a call's blocks: 50 per message, 100 per view, and every element limit. */
function blocksRejected(method: string, body: Record<string, unknown>): string[] {
  if (method.startsWith("chat.") && Array.isArray(body.blocks)) return blockKitProblems(body.blocks as Block[], 50);
  const view = body.view as { blocks?: Block[] } | undefined;
  if (method.startsWith("views.") && Array.isArray(view?.blocks)) return blockKitProblems(view.blocks, 100);
  return [];
}

export const TEAM_ID = "T0SAMORDNA";
export const BOT_USER_ID = "UBOT";

export async function startSlackApi(): Promise<SlackApiStandIn> {
  const calls: SlackCall[] = [];
  const invalid: { method: string; problems: string[] }[] = [];
  const users = new Map<string, SlackUserFixture>();
  const failures = new Map<string, Failure[]>();
  let ts = 1_700_000_000;
  let viewSeq = 0;
  const waiters = new Set<() => void>();

  function answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return { ok: true, team_id: TEAM_ID, user_id: BOT_USER_ID, bot_id: "BBOT", team: "Stockholm", user: "samordna" };
      case "users.info": {
        const u = users.get(String(body.user));
        if (!u) return { ok: false, error: "user_not_found" };
        return {
          ok: true,
          user: {
            id: u.id,
            team_id: TEAM_ID,
            name: u.name.toLowerCase().replace(/\s+/g, "."),
            real_name: u.name,
            ...(body.include_locale === "true" || body.include_locale === true ? { locale: u.locale ?? "en-US" } : {}),
            profile: { real_name: u.name, display_name: u.name, ...(u.email ? { email: u.email } : {}) },
          },
        };
      }
      case "conversations.open":
        return { ok: true, channel: { id: `D${String(body.users)}` } };
      case "chat.postMessage":
        return { ok: true, channel: body.channel, ts: `${ts++}.000100`, message: { text: body.text } };
      case "chat.update":
        return { ok: true, channel: body.channel, ts: body.ts };
      case "chat.postEphemeral":
        return { ok: true, message_ts: `${ts++}.000200` };
      case "chat.getPermalink":
        return { ok: true, channel: body.channel, permalink: `https://stockholm.slack.com/archives/${String(body.channel)}/p${String(body.message_ts).replace(".", "")}` };
      case "views.open":
      case "views.push":
        return { ok: true, view: { id: `V${++viewSeq}`, ...(body.view as object) } };
      case "views.update":
        return { ok: true, view: { id: body.view_id, ...(body.view as object) } };
      case "views.publish":
        return { ok: true, view: { id: `VHOME${++viewSeq}`, ...(body.view as object) } };
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  const windows = createRateWindows();
  const stalled = new Set<string>();
  const holds = new Map<string, Promise<void>>();
  const behaviour = createBehaviour<NonNullable<SlackApiStandIn["limits"]>, Failure>();
  const self = behaviour.state;
  const delay = behaviour.delay;
  const overLimit = (method: string, body: Record<string, unknown>, now: number) => {
    const limits = self.limits;
    if (!limits) return false;
    if (method === "chat.postMessage") return limits.channel !== undefined && !windows.admit(`channel:${String(body.channel)}`, limits.channel, now);
    return limits.workspace !== undefined && !windows.admit(`workspace:${method}`, limits.workspace, now);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const method = (req.url ?? "").replace(/^\/(api\/)?/, "").split("?")[0]!;
      let body: Record<string, unknown>;
      try {
        body = parseBody(Buffer.concat(chunks).toString("utf8"), String(req.headers["content-type"] ?? ""));
      } catch {
        res.writeHead(400).end();
        return;
      }
      const call: SlackCall = { method, body, authorization: req.headers.authorization };
      calls.push(call);
      for (const w of waiters) w();
      const problems = blocksRejected(method, body);
      if (problems.length > 0) {
        invalid.push({ method, problems });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: false, error: "invalid_blocks", response_metadata: { messages: problems } }));
        return;
      }
      const limited = overLimit(method, body, performance.now());
      if (method === "chat.postMessage" && stalled.has(String(body.channel))) return; // never answered
      await holds.get(method);
      await delay();
      const failure = self.outage ?? failures.get(method)?.shift();
      if ((failure && "status" in failure) || limited) {
        res.writeHead(429, { "retry-after": String(failure && "status" in failure ? failure.retryAfter : 1), "content-type": "application/json" });
        res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
        return;
      }
      if (failure && "httpStatus" in failure) {
        res.writeHead(failure.httpStatus, { "content-type": "text/plain" }).end("stand-in failure");
        return;
      }
      const answer_ = failure ? { ok: false, error: failure.error } : answer(method, body);
      call.ok = answer_.ok === true;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer_));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const callsTo = (method: string) => calls.filter((c) => c.method === method);
  return behaviour.expose<Omit<SlackApiStandIn, "roundTripMs" | "limits" | "outage">>({
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    invalid,
    users,
    refused: () => windows.refused,
    stalled,
    hold(method) {
      let release!: () => void;
      holds.set(method, new Promise<void>((resolve) => (release = resolve)));
      return () => {
        holds.delete(method);
        release();
      };
    },
    delivered(marker) {
      const counts = new Map<string, number>();
      for (const c of calls) {
        if (c.method !== "chat.postMessage" || !c.ok) continue;
        const m = marker.exec(JSON.stringify(c.body))?.[0];
        if (m) counts.set(m, (counts.get(m) ?? 0) + 1);
      }
      return counts;
    },
    failNext(method, failure) {
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
    callsTo,
    waitFor(method, where = () => true, count = 1) {
      const found = () => callsTo(method).filter(where);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (found().length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found());
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${count}× ${method}; calls: ${calls.map((c) => c.method).join(", ")}`));
        }, 5000);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/** POSTs a signed request to /slack/events, as Slack does. `body` is sent as JSON (events) or form (commands, payload=…). */
export async function slackRequest(
  baseUrl: string,
  secret: string,
  body: string,
  options: { contentType?: string; timestamp?: number; signature?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; json: () => unknown }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": options.contentType ?? "application/json",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signature,
      ...options.headers,
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
export const payload = (p: unknown) => form({ payload: JSON.stringify(p) });

let interactions = 0;

/** `/samordna <text>` from `userId`, form-encoded as Slack sends it; replies go to the stand-in's response URL. */
export function slashCommand(apiUrl: string, userId: string, text: string): { triggerId: string; body: string } {
  const n = ++interactions;
  const triggerId = `trigger-c${n}`;
  return {
    triggerId,
    body: form({
      token: "legacy",
      team_id: TEAM_ID,
      team_domain: "stockholm",
      channel_id: "C0GENERAL",
      channel_name: "general",
      user_id: userId,
      user_name: userId.toLowerCase(),
      command: "/samordna",
      text,
      api_app_id: "A0SAMORDNA",
      response_url: `${apiUrl}response/c${n}`,
      trigger_id: triggerId,
    }),
  };
}

/** A Slack interactivity payload from `user` (block_actions, view_submission, …), form-encoded as Slack sends it. */
export function interaction(type: string, user: string, fields: Record<string, unknown>): string {
  return payload({ type, team: { id: TEAM_ID, domain: "stockholm" }, user: { id: user, team_id: TEAM_ID }, api_app_id: "A0SAMORDNA", trigger_id: `trigger-i${++interactions}`, ...fields });
}

/** A modal submitted with text inputs (and one radio choice per `choices` key), as Slack sends its state. */
export function modalSubmission(user: string, view: { id: string; hash: string; verb: string; data?: Record<string, unknown> }, texts: Record<string, string>, choices: Record<string, string> = {}): string {
  const values = {
    ...Object.fromEntries(Object.entries(texts).map(([k, v]) => [k, { v: { type: "plain_text_input", value: v } }])),
    ...Object.fromEntries(Object.entries(choices).map(([k, v]) => [k, { v: { type: "radio_buttons", selected_option: { value: v } } }])),
  };
  return interaction("view_submission", user, {
    view: { id: view.id, hash: view.hash, type: "modal", callback_id: view.verb, private_metadata: JSON.stringify({ data: view.data ?? {} }), blocks: [], state: { values } },
  });
}

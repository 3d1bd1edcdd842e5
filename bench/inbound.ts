// Inbound: need-form submissions over HTTP at rising concurrency, request to
// reply, on all three channels: the web chat turn, a Teams adaptiveCard/action
// invoke (verb need.submit; dev mode without credentials, the Bot Connector a
// loopback stand-in) and a signed Slack view_submission of the need modal.
// Baseline in the same run: bare express, a bare CloudAdapter echo bot and a
// bare Bolt app that only acks (bench/baselines.ts), in a process of their own.
import { spawn } from "node:child_process";
import { startBotConnector } from "../test/helpers/botConnector.ts";
import { payload, slackRequest, startSlackApi, TEAM_ID } from "../test/helpers/slackApi.ts";
import { teamsClient, teamsUser, TENANT } from "../test/helpers/teams.ts";
import { closedLoop, openLoop, startServerProcess, tempDbUrl, type LatencyStats } from "./lib.ts";

const SECRET = "bench-signing-secret-0123456789ab";
const PEOPLE = [
  { key: "lars.andersson", name: "Lars Andersson" },
  { key: "fatima.ali", name: "Fatima Ali" },
  { key: "peter.holm", name: "Peter Holm" },
  { key: "karin.ek", name: "Karin Ek" },
];

/** The bare frameworks of bench/baselines.ts in a process of their own. */
export async function startBaselines(port: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/baselines.ts", String(port), SECRET], { stdio: ["ignore", "ignore", "inherit"] });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`baselines exited with ${child.exitCode}`);
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const need = (i: number) => ({ title: `Benchmark need ${i}`, problem: `A problem described for benchmark run number ${i}.`, urgency: "low" });

type Submitter = (baseUrl: string) => (i: number) => Promise<boolean>;

function webSubmitter(personIds: number[]): Submitter {
  return (baseUrl) => async (i) => {
    const res = await fetch(`${baseUrl}/web/api/turn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ personId: personIds[i % personIds.length], action: { verb: "need.submit", data: { ...need(i), skipSimilar: true } } }),
    });
    const body = (await res.json()) as { replace?: unknown };
    return res.ok && body.replace !== undefined;
  };
}

function teamsSubmitter(serviceUrl: string): Submitter {
  const users = PEOPLE.map((p) => teamsUser(p.key.split(".")[0]!, p.name));
  return (baseUrl) => {
    const chats = users.map((u) => teamsClient(baseUrl, serviceUrl, u));
    return async (i) => {
      const reply = await chats[i % chats.length]!.execute("need.submit", { ...need(i), skipSimilar: true });
      return reply.status === 200 && reply.body?.statusCode === 200 && reply.body?.value !== undefined;
    };
  };
}

const slackUserId = (key: string) => `U${key.split(".")[0]!.toUpperCase()}`;

function slackSubmitter(): Submitter {
  return (baseUrl) => async (i) => {
    const p = PEOPLE[i % PEOPLE.length]!;
    const n = need(i);
    const body = payload({
      type: "view_submission",
      team: { id: TEAM_ID, domain: "stockholm" },
      user: { id: slackUserId(p.key), team_id: TEAM_ID },
      api_app_id: "A0SAMORDNA",
      trigger_id: `trigger-${i}`,
      view: {
        id: `VBENCH${i}`,
        type: "modal",
        team_id: TEAM_ID,
        callback_id: "need.submit",
        private_metadata: JSON.stringify({ data: { skipSimilar: true } }),
        blocks: ["title", "problem", "urgency"].map((id) => ({ type: "input", block_id: id })),
        state: {
          values: {
            title: { v: { type: "plain_text_input", value: n.title } },
            problem: { v: { type: "plain_text_input", value: n.problem } },
            urgency: { v: { type: "static_select", selected_option: { value: n.urgency } } },
          },
        },
      },
    });
    const res = await slackRequest(baseUrl, SECRET, body, { contentType: "application/x-www-form-urlencoded" });
    if (res.status !== 200) return false;
    const answer = res.text ? (JSON.parse(res.text) as { response_action?: string }) : {};
    // Samordna answers with the confirmation view; the bare app clears the modal.
    return answer.response_action === "update" || answer.response_action === "clear";
  };
}

export async function run() {
  const connector = await startBotConnector();
  const slackApi = await startSlackApi();
  for (const p of PEOPLE) {
    const user = teamsUser(p.key.split(".")[0]!, p.name);
    connector.members.set(user.id, { ...user, email: `${p.key}@stockholm.example`, userPrincipalName: `${p.key}@stockholm.example`, tenantId: TENANT });
    slackApi.users.set(slackUserId(p.key), { id: slackUserId(p.key), name: p.name, email: `${p.key}@stockholm.example`, locale: "sv-SE" });
  }
  const server = await startServerProcess({ DATABASE_URL: tempDbUrl(), SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: "xoxb-bench", SLACK_API_URL: slackApi.url }, 39_201);
  const bare = await startBaselines(39_202);
  const all = (await (await fetch(`${server.url}/web/api/people`)).json()) as { id: number; email?: string }[];
  const channels: { name: string; bareName: string; submit: Submitter }[] = [
    { name: "web chat", bareName: "bare express", submit: webSubmitter(all.map((p) => p.id)) },
    { name: "Teams invoke", bareName: "bare CloudAdapter echo", submit: teamsSubmitter(connector.url) },
    { name: "Slack view_submission", bareName: "bare Bolt ack", submit: slackSubmitter() },
  ];
  const rows = [];
  const raw: Record<string, { samordna: LatencyStats; bare: LatencyStats }> = {};
  try {
    for (const channel of channels) {
      const ours = channel.submit(server.url);
      const theirs = channel.submit(bare.url);
      // Warm-up: JIT, connection pools, first-contact person lookups.
      await closedLoop(100, 5, ours);
      await closedLoop(100, 5, theirs);
      for (const concurrency of [1, 10, 50]) {
        const total = concurrency === 1 ? 150 : 600;
        const samordna = await closedLoop(total, concurrency, ours);
        const baseline = await closedLoop(total, concurrency, theirs);
        raw[`${channel.name} closed-${concurrency}`] = { samordna, bare: baseline };
        rows.push({
          benchmark: `${channel.name} need submit, ${concurrency} concurrent: p50 / p99, throughput`,
          value: `${samordna.p50} / ${samordna.p99} ms, ${samordna.throughput}/s${samordna.errors ? ` (${samordna.errors} errors)` : ""}`,
          baseline: `${baseline.p50} / ${baseline.p99} ms, ${baseline.throughput}/s (${channel.bareName})`,
          ratio: +(samordna.p50 / baseline.p50).toFixed(2),
          ...(concurrency === 1 ? { target: "p50 <= 1.5x bare", met: samordna.p50 <= 1.5 * baseline.p50 } : {}),
        });
      }
      const samordna = await openLoop(100, 10, ours);
      const baseline = await openLoop(100, 10, theirs);
      raw[`${channel.name} open-100rps`] = { samordna, bare: baseline };
      rows.push({
        benchmark: `${channel.name} need submit at 100 req/s for 10 s: p50 / p95 / p99`,
        value: `${samordna.p50} / ${samordna.p95} / ${samordna.p99} ms (${samordna.errors} errors)`,
        baseline: `${baseline.p50} / ${baseline.p95} / ${baseline.p99} ms (${channel.bareName})`,
        ratio: +(samordna.p99 / baseline.p99).toFixed(2),
        target: channel.name.startsWith("Slack") ? "p99 < 100 ms (ack far inside 3 s)" : "p99 < 100 ms",
        met: samordna.p99 < 100 && samordna.errors === 0,
      });
    }
  } finally {
    bare.stop();
    await server.stop();
    await connector.close();
    await slackApi.close();
  }
  return { rows, raw };
}

// The whole bot in Slack: signed requests to POST /slack/events of the real
// server, and assertions on the calls it makes to a stand-in of the Slack Web
// API and on what the database holds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/index.ts";
import { boltAccepted, boltSettled, trackBolt } from "../helpers/boltSettled.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { form, payload, slackRequest, slashCommand as slashCommandOf, startSlackApi, TEAM_ID, type SlackApiStandIn, type SlackCall } from "../helpers/slackApi.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
let api: SlackApiStandIn;
let server: TestServer;
let store: Store;
let seq = 0;

type Block = { type: string; block_id?: string; text?: { text: string }; element?: Record<string, unknown>; elements?: Record<string, unknown>[]; accessory?: Record<string, unknown> };
type View = { callback_id: string; private_metadata: string; blocks: Block[]; title: { text: string }; submit?: { text: string } };

beforeAll(async () => {
  trackBolt();
  api = await startSlackApi();
  api.users.set("ULARS", { id: "ULARS", name: "Lars Andersson", email: "lars.andersson@stockholm.example", locale: "sv-SE" });
  api.users.set("UNORA", { id: "UNORA", name: "Nora Nyberg", email: "nora.nyberg@stockholm.example", locale: "en-GB" });
  api.users.set("UANNA", { id: "UANNA", name: "Anna Lindqvist", email: "anna.lindqvist@stockholm.example", locale: "sv-SE" });
  server = await startTestServer({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_API_URL: api.url });
  store = await openStore(server.databaseUrl, { migrate: false });
});
afterAll(async () => {
  // Every message and view the bot sent was one Slack accepts.
  expect(api.invalid).toEqual([]);
  await store.close();
  await server.cleanup();
  await api.close();
});

const post = (body: string, options?: Parameters<typeof slackRequest>[3]) =>
  slackRequest(server.url, SECRET, body, { contentType: "application/x-www-form-urlencoded", ...options });

const slashCommand = (userId: string, text: string) => slashCommandOf(api.url, userId, text);

function event(e: Record<string, unknown>, eventId = `Ev${++seq}`) {
  return JSON.stringify({ token: "legacy", team_id: TEAM_ID, api_app_id: "A0SAMORDNA", type: "event_callback", event_id: eventId, event_time: 1, event: e });
}

/** view.state.values as Slack sends them for the inputs of `view`, filled with `values`. */
function stateFor(view: View, values: Record<string, string>) {
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of view.blocks.filter((b) => b.type === "input")) {
    const el = block.element!;
    const id = block.block_id!;
    const v = values[id];
    const actionId = String(el.action_id);
    const options = (el.options ?? []) as { value: string }[];
    const pick = (value: string) => options.find((o) => o.value === value) ?? null;
    let value: Record<string, unknown>;
    switch (el.type) {
      case "plain_text_input":
        value = { type: el.type, value: v ?? null };
        break;
      case "checkboxes":
      case "multi_static_select":
        value = { type: el.type, selected_options: (v ?? "").split(",").filter(Boolean).map(pick) };
        break;
      default:
        value = { type: el.type, selected_option: v ? pick(v) : null };
    }
    state[id] = { [actionId]: value };
  }
  return state;
}

function viewSubmission(userId: string, view: View, values: Record<string, string>, viewId = "V1") {
  return payload({
    type: "view_submission",
    team: { id: TEAM_ID, domain: "stockholm" },
    user: { id: userId, team_id: TEAM_ID },
    api_app_id: "A0SAMORDNA",
    trigger_id: `trigger-${++seq}`,
    view: { ...view, id: viewId, type: "modal", team_id: TEAM_ID, state: { values: stateFor(view, values) } },
  });
}

function blockAction(userId: string, button: Record<string, unknown>, where: { channel?: string; ts?: string; viewId?: string } = {}) {
  return payload({
    type: "block_actions",
    team: { id: TEAM_ID, domain: "stockholm" },
    user: { id: userId, team_id: TEAM_ID },
    api_app_id: "A0SAMORDNA",
    trigger_id: `trigger-${++seq}`,
    container: where.viewId ? { type: "view", view_id: where.viewId } : { type: "message", channel_id: where.channel, message_ts: where.ts },
    ...(where.channel ? { channel: { id: where.channel, name: "directmessage" } } : {}),
    ...(where.viewId ? { view: { id: where.viewId, type: "modal", blocks: [], state: { values: {} } } } : {}),
    // Slack gives every click its own action_ts; a replay repeats it.
    actions: [{ type: "button", block_id: "b", action_ts: `1700000000.${++seq}`, ...button }],
  });
}

const text = (x: unknown) => JSON.stringify(x) ?? "";
const inputBlock = (view: View, id: string) => view.blocks.find((b) => b.type === "input" && b.block_id === id);
const buttons = (blocks: Block[]) =>
  blocks.flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]).filter((e) => e.type === "button") as {
    action_id: string;
    value?: string;
    text: { text: string };
  }[];

const validNeed = {
  title: "Snöröjningen av cykelbanor på Essingeleden",
  problem: "Cykelbanorna längs Essingeleden plogas sist av alla, så pendlare tar bilen hela vintern.",
  affected: "Cykelpendlare",
  benefit: "Fler cyklar året runt",
  sustainability: "environmental,social",
  urgency: "high",
  department: "",
};

describe("Slack", () => {
  it("calls auth.test against SLACK_API_URL with the bot token", async () => {
    await post(slashCommand("ULARS", "help").body);
    const auth = await api.waitFor("auth.test");
    expect(auth[0].authorization).toBe("Bearer xoxb-test-token");
  });

  it("reports a need from /samordna need: modal prefilled, validation errors, then created", async () => {
    const { body, triggerId } = slashCommand("ULARS", "need Snöröjningen av cykelbanor på Essingeleden");
    // Slack wants the ack within 3 s: it must not wait for the modal. With views.open held
    // unanswered, the 200 can only arrive if the ack came first (latency: bench/inbound.ts).
    const release = api.hold("views.open");
    const res = await post(body);
    expect(res.status).toBe(200);
    release();

    const [open] = await api.waitFor("views.open", (c) => c.body.trigger_id === triggerId);
    const view = open.body.view as View;
    expect(view.callback_id).toBe("need.submit");
    expect(view.title.text).toBeTruthy();
    expect(inputBlock(view, "title")!.element!.initial_value).toBe("Snöröjningen av cykelbanor på Essingeleden");
    expect(inputBlock(view, "sustainability")!.element!.type).toBe("checkboxes");
    expect(inputBlock(view, "urgency")!.element!.type).toBe("radio_buttons");
    expect(inputBlock(view, "department")!.element!.type).toBe("static_select");
    // First contact: the Slack user was looked up (with locale) and linked to the seeded Lars by e-mail.
    const info = api.callsTo("users.info").find((c) => c.body.user === "ULARS")!;
    expect(info.body.include_locale).toBe("true");
    const lars = (await store.people.byEmail("lars.andersson@stockholm.example"))!;
    expect((await store.people.account("slack", TEAM_ID, "ULARS"))!.personId).toBe(lars.id);

    const needsBefore = (await store.needs.reportedBy(lars.id)).length;
    const invalid = await post(viewSubmission("ULARS", view, { title: "ab", problem: "", urgency: "high" }));
    expect(invalid.status).toBe(200);
    const errors = invalid.json() as { response_action: string; errors: Record<string, string> };
    expect(errors.response_action).toBe("errors");
    expect(errors.errors.title).toBe("Skriv minst 3 tecken.");
    expect(errors.errors.problem).toBe("Fältet är obligatoriskt.");
    expect(await store.needs.reportedBy(lars.id)).toHaveLength(needsBefore);

    const valid = await post(viewSubmission("ULARS", view, validNeed));
    const update = valid.json() as { response_action: string; view: View };
    expect(update.response_action).toBe("update");
    const reference = /N-\d{4}-\d{4}/.exec(text(update.view.blocks))![0];
    expect(text(update.view.blocks)).toContain(`Tack! Ditt behov har nummer ${reference}`);
    const need = (await store.needs.byReference(reference))!;
    expect(need).toMatchObject({ title: validNeed.title, reporterId: lars.id, urgency: "high", status: "submitted" });
    expect(need.sustainability.sort()).toEqual(["environmental", "social"]);
  });

  it("offers similar needs in the modal: support one there, or send anyway", async () => {
    const { body, triggerId } = slashCommand("UNORA", "need");
    await post(body);
    const [open] = await api.waitFor("views.open", (c) => c.body.trigger_id === triggerId);
    const similar = (await post(viewSubmission("UNORA", open.body.view as View, { ...validNeed, title: "Snöröjning av cykelbanor på Essingeleden" }))).json() as {
      response_action: string;
      view: View;
    };
    expect(similar.response_action).toBe("update");
    expect(text(similar.view.blocks)).toContain("Snöröjningen av cykelbanor på Essingeleden");
    // "Mine is different" is the modal's submit; its draft travels in private_metadata.
    expect(similar.view.callback_id).toBe("need.submit");
    expect(similar.view.submit?.text).toBeTruthy();

    const support = buttons(similar.view.blocks).find((b) => b.value?.includes("need.support"))!;
    await post(blockAction("UNORA", support, { viewId: "V77" }));
    const [updated] = await api.waitFor("views.update", (c) => c.body.view_id === "V77");
    expect(text(updated.body.view)).toMatch(/supported|support/i);

    const nora = (await store.people.byEmail("nora.nyberg@stockholm.example"))!;
    const anyway = (await post(viewSubmission("UNORA", similar.view, {}))).json() as { response_action: string; view: View };
    expect(anyway.response_action).toBe("update");
    const reference = /N-\d{4}-\d{4}/.exec(text(anyway.view.blocks))![0];
    expect((await store.needs.byReference(reference))!).toMatchObject({ reporterId: nora.id, title: "Snöröjning av cykelbanor på Essingeleden" });
  });

  it("answers /samordna mine in the person's DM", async () => {
    await post(slashCommand("ULARS", "mine").body);
    const [msg] = await api.waitFor("chat.postMessage", (c) => c.body.channel === "DULARS" && (c.body.blocks as Block[])[0]?.text?.text === "Mina behov");
    expect(text(msg.body.blocks)).toContain("Snöröjningen av cykelbanor");
  });

  it("answers /samordna find with open needs like the words, to support", async () => {
    await post(slashCommand("ULARS", "find snöröjning cykelbanorna Essingeleden").body);
    const [msg] = await api.waitFor("chat.postMessage", (c) => c.body.channel === "DULARS" && (c.body.blocks as Block[])[0]?.text?.text === "Behov att stödja");
    expect(text(msg.body.blocks)).toContain("Snöröjningen av cykelbanor på Essingeleden");
    expect(buttons(msg.body.blocks as Block[]).some((b) => b.value?.includes("need.support"))).toBe(true);
  });

  it("reports a need from the message shortcut, linked to the message", async () => {
    const triggerId = `trigger-${++seq}`;
    const res = await post(
      payload({
        type: "message_action",
        callback_id: "report_need",
        trigger_id: triggerId,
        team: { id: TEAM_ID, domain: "stockholm" },
        user: { id: "ULARS", team_id: TEAM_ID },
        channel: { id: "C0FORUM", name: "innovation" },
        message_ts: "1700000123.000200",
        message: { type: "message", user: "UOTHER", ts: "1700000123.000200", text: "Laddstolparna vid Medborgarplatsen är alltid upptagna av taxibilar" },
        response_url: `${api.url}response/x`,
      }),
    );
    expect(res.status).toBe(200);
    const [permalink] = await api.waitFor("chat.getPermalink");
    expect(permalink.body).toMatchObject({ channel: "C0FORUM", message_ts: "1700000123.000200" });
    const [open] = await api.waitFor("views.open", (c) => c.body.trigger_id === triggerId);
    const view = open.body.view as View;
    expect(inputBlock(view, "problem")!.element!.initial_value).toContain("Laddstolparna vid Medborgarplatsen");

    const valid = await post(
      viewSubmission("ULARS", view, { ...validNeed, title: "Laddstolpar blockeras av taxi", problem: "Laddstolparna vid Medborgarplatsen är alltid upptagna av taxibilar som står parkerade." }),
    );
    const update = valid.json() as { response_action: string; view: View };
    expect(update.response_action).toBe("update");
    const reference = /N-\d{4}-\d{4}/.exec(text(update.view.blocks))![0];
    const need = (await store.needs.byReference(reference))!;
    expect(need.sourceUrl).toBe("https://stockholm.slack.com/archives/C0FORUM/p1700000123000200");
  });

  const noraDm = (body: string, ts: string, eventId?: string) => event({ type: "message", channel_type: "im", channel: "DNORA", user: "UNORA", text: body, ts }, eventId);
  const repliesToNora = () => api.callsTo("chat.postMessage").filter((c) => c.body.channel === "DNORA");

  it("answers DMs like Teams text, and creates a new person from users.info", async () => {
    expect((await slackRequest(server.url, SECRET, noraDm("my needs", "1700000200.000100"))).status).toBe(200);
    const [mine] = await api.waitFor("chat.postMessage", (c) => c.body.channel === "DNORA");
    expect(text(mine.body.blocks)).toContain("My needs");
    expect(mine.body.text).toContain("My needs");
    // Nora is new: created from users.info, in English, with her DM kept for proactive messages.
    const nora = (await store.people.byEmail("nora.nyberg@stockholm.example"))!;
    expect(nora).toMatchObject({ displayName: "Nora Nyberg", locale: "en", roles: ["employee"] });
    expect((await store.people.account("slack", TEAM_ID, "UNORA"))!.conversationRef).toBe("DNORA");
  });

  it("handles an event Slack retries only once", async () => {
    const dm = noraDm("my needs", "1700000250.000100", `EvDM${++seq}`);
    const before = repliesToNora().length;
    expect((await slackRequest(server.url, SECRET, dm)).status).toBe(200);
    await api.waitFor("chat.postMessage", (c) => c.body.channel === "DNORA", before + 1);
    // The retry is accepted (so Bolt ran its listeners), and once they have finished nothing more was sent.
    const accepted = boltAccepted();
    const retried = await slackRequest(server.url, SECRET, dm, { headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } });
    expect(retried.status).toBe(200);
    expect(boltAccepted()).toBe(accepted + 1);
    await boltSettled();
    expect(repliesToNora()).toHaveLength(before + 1);
  });

  it("offers free text in a DM as a need, and its button opens the form as a modal, prefilled", async () => {
    await slackRequest(server.url, SECRET, noraDm("The lifts at Slussen are broken every week", "1700000300.000100"));
    const [offer] = await api.waitFor("chat.postMessage", (c) => c.body.channel === "DNORA" && text(c.body.blocks).includes("Slussen"));
    const yes = buttons(offer.body.blocks as Block[]).find((b) => b.value?.includes("need.new"))!;
    const click = blockAction("UNORA", yes, { channel: "DNORA", ts: "1700000301.000100" });
    expect((await post(click)).status).toBe(200);
    const [open] = await api.waitFor("views.open", (c) => text(c.body.view).includes("Slussen"));
    expect(inputBlock(open.body.view as View, "title")!.element!.initial_value).toBe("The lifts at Slussen are broken every week");
  });

  it("fills a form posted in the DM (no trigger_id): errors re-render it in place, a valid one is saved", async () => {
    await slackRequest(server.url, SECRET, event({ type: "message", channel_type: "im", channel: "DULARS", user: "ULARS", text: "nytt behov", ts: "1700000500.000100" }));
    const [posted] = await api.waitFor("chat.postMessage", (c) => c.body.channel === "DULARS" && text(c.body.blocks).includes('"type":"input"'));
    const blocks = posted.body.blocks as Block[];
    const formView = { callback_id: "", private_metadata: "", blocks, title: { text: "" } } as View;
    const submit = buttons(blocks).find((b) => b.value?.includes("need.submit"))!;
    const click = (values: Record<string, string>) =>
      payload({
        type: "block_actions",
        team: { id: TEAM_ID },
        user: { id: "ULARS", team_id: TEAM_ID },
        trigger_id: `trigger-${++seq}`,
        container: { type: "message", channel_id: "DULARS", message_ts: "1700000501.000100" },
        channel: { id: "DULARS" },
        state: { values: stateFor(formView, values) },
        actions: [{ type: "button", ...submit }],
      });

    await post(click({ title: "ab" }));
    const [invalid] = await api.waitFor("chat.update", (c) => c.body.ts === "1700000501.000100");
    expect(text(invalid.body.blocks)).toContain("Skriv minst 3 tecken.");

    const title = "Återvinningsstationerna i Farsta töms för sällan";
    await post(click({ ...validNeed, title, problem: "Återvinningsstationerna i Farsta svämmar över varje helg och skräpet blåser ut i naturen." }));
    const [, second] = await api.waitFor("chat.update", (c) => c.body.ts === "1700000501.000100", 2);
    if (text(second.body.blocks).includes("Liknande behov")) {
      // The similarity check found a neighbour: "mine is different" sends the draft it carries, without inputs.
      const anyway = buttons(second.body.blocks as Block[]).find((b) => b.action_id.startsWith("n") && b.value?.includes("skipSimilar"))!;
      await post(blockAction("ULARS", anyway, { channel: "DULARS", ts: "1700000501.000100" }));
    }
    const [saved] = await api.waitFor("chat.update", (c) => c.body.ts === "1700000501.000100" && text(c.body.blocks).includes("Tack!"));
    const reference = /N-\d{4}-\d{4}/.exec(text(saved.body.blocks))![0];
    expect((await store.needs.byReference(reference))!.title).toBe(title);
  });

  it("publishes the App Home with the person's needs and the organisation, without the triage queue", async () => {
    await slackRequest(server.url, SECRET, event({ type: "app_home_opened", user: "ULARS", channel: "DLARS", tab: "home" }));
    const [home] = await api.waitFor("views.publish", (c) => c.body.user_id === "ULARS");
    const view = home.body.view as { type: string; blocks: Block[] };
    expect(view.type).toBe("home");
    expect(text(view.blocks)).toContain("Snöröjningen av cykelbanor");
    expect(text(view.blocks)).not.toContain("Triagekö");
    // Across the organisation: open needs by department, the newest accepted needs, the work packages.
    const organisation = text(view.blocks);
    expect(organisation).toContain("I hela organisationen");
    expect(organisation).toMatch(/- Trafikkontoret: \d+/);
    expect(organisation).toContain("Air quality sensor data is not shared with schools (Miljöförvaltningen)");
    expect(organisation).toMatch(/WP1\b/);
  });

  it("publishes a coordinator's App Home with the triage queue", async () => {
    await slackRequest(server.url, SECRET, event({ type: "app_home_opened", user: "UANNA", channel: "DANNA", tab: "home" }));
    const [coordinator] = await api.waitFor("views.publish", (c) => c.body.user_id === "UANNA");
    const submitted = await store.needs.countWithStatus(["submitted"]);
    expect(submitted).toBeGreaterThan(0);
    expect(text(coordinator.body.view)).toContain(`Triagekö: ${submitted} behov väntar på beslut`);
  });

  it("shows a lead the status requests waiting for them on the App Home", async () => {
    api.users.set("UMARIA", { id: "UMARIA", name: "Maria Svensson", email: "maria.svensson@stockholm.example", locale: "sv-SE" });
    const maria = (await store.people.byEmail("maria.svensson@stockholm.example"))!;
    const wp1 = (await store.workPackages.byCode("WP1"))!;
    const due = new Date("2026-04-03T14:00:00Z");
    await store.db.statusRequest.create({ data: { subjectKey: `wp:${wp1.id}`, periodKey: "2026-W14", workPackageId: wp1.id, recipientId: maria.id, dueAt: due } });
    await store.db.statusRequest.create({
      data: { subjectKey: `wp:${wp1.id}`, periodKey: "2026-W13", workPackageId: wp1.id, recipientId: maria.id, dueAt: due, answeredAt: due },
    });
    expect(await store.statusRequests.pendingFor(maria.id)).toHaveLength(1);
    await slackRequest(server.url, SECRET, event({ type: "app_home_opened", user: "UMARIA", channel: "DMARIA", tab: "home" }));
    const [home] = await api.waitFor("views.publish", (c) => c.body.user_id === "UMARIA");
    expect(text(home.body.view)).toContain("Statusförfrågningar som väntar på dig");
    expect(text(home.body.view)).toContain(`WP1 ${wp1.name}`);
  });

  it("refuses a forged button (someone else's need) and changes nothing", async () => {
    const lars = (await store.people.byEmail("lars.andersson@stockholm.example"))!;
    const need = (await store.needs.reportedBy(lars.id)).find((n) => n.status === "submitted")!;
    const forged = blockAction("UNORA", { action_id: "a0", value: JSON.stringify({ verb: "need.withdraw", needId: need.id, version: need.version }) }, { channel: "DNORA", ts: "1.2" });
    expect((await post(forged)).status).toBe(200);
    const [refusal] = await api.waitFor("chat.postMessage", (c) => c.body.channel === "DNORA" && text(c.body.blocks).includes("not allowed"));
    expect(refusal).toBeDefined();
    expect((await store.needs.byId(need.id))!.status).toBe("submitted");
  });

  it("answers an unreadable button value with an ephemeral message", async () => {
    const bad = blockAction("UNORA", { action_id: "a0", value: "{not json" }, { channel: "DNORA", ts: "1.3" });
    expect((await post(bad)).status).toBe(200);
    const [ephemeral] = await api.waitFor("chat.postEphemeral", (c) => c.body.user === "UNORA");
    expect(ephemeral.body.text).toContain("could not read that button");
  });

  it("updates the message in place when a button's reply replaces its card", async () => {
    const lars = (await store.people.byEmail("lars.andersson@stockholm.example"))!;
    const other = (await store.needs.withStatus(["submitted"])).find((n) => n.reporterId !== lars.id)!;
    const support = blockAction("ULARS", { action_id: "n0", value: JSON.stringify({ verb: "need.support", needId: other.id }) }, { channel: "DLARS", ts: "1700000400.000100" });
    await post(support);
    const [update] = await api.waitFor("chat.update", (c) => c.body.ts === "1700000400.000100");
    expect(update.body.channel).toBe("DLARS");
    expect(text(update.body.blocks)).toContain(other.reference);
    expect(await store.needs.supporterIds(other.id)).toContain(lars.id);
  });

  describe("bad input", () => {
    const callCount = () => api.calls.length;

    /** Sends what `send` sends and checks it was refused with 401 before Bolt ran anything, so nothing can follow. */
    async function refusedUntouched(send: () => Promise<{ status: number }>) {
      const before = callCount();
      const accepted = boltAccepted();
      const needs = await store.needs.countWithStatus(["submitted"]);
      expect((await send()).status).toBe(401);
      expect(boltAccepted()).toBe(accepted);
      await boltSettled();
      expect(callCount()).toBe(before);
      expect(await store.needs.countWithStatus(["submitted"])).toBe(needs);
    }
    const forged = () => slashCommand("ULARS", "need Förfalskad begäran").body;

    it("answers 401 to a bad signature, and does nothing", async () => {
      await refusedUntouched(() => post(forged(), { signature: "v0=0000" }));
    });

    it("answers 401 to a stale timestamp, and does nothing", async () => {
      await refusedUntouched(() => post(forged(), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }));
    });

    it("answers 401 to a submission signed with another secret, and does nothing", async () => {
      const forgedSubmit = viewSubmission("ULARS", { callback_id: "need.submit", private_metadata: "{\"data\":{}}", blocks: [], title: { text: "x" } }, {});
      await refusedUntouched(() => slackRequest(server.url, "wrong-secret", forgedSubmit, { contentType: "application/x-www-form-urlencoded" }));
    });

    it("answers 4xx to a malformed payload, never 500", async () => {
      const res = await post(form({ payload: "{not json" }));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });

    it("answers 4xx to a signed request Slack would never send (no type), never 500", async () => {
      const res = await slackRequest(server.url, SECRET, JSON.stringify({ hello: "world" }));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });

    it("closes a submission with unreadable metadata and tells the person", async () => {
      const view: View = { callback_id: "need.submit", private_metadata: "garbage", blocks: [], title: { text: "x" } };
      const res = await post(viewSubmission("ULARS", view, {}));
      expect(res.status).toBe(200);
      const [msg] = await api.waitFor("chat.postMessage", (c: SlackCall) => String(c.body.text).includes("Jag kunde inte läsa den begäran"));
      expect(msg).toBeDefined();
    });

    it("answers an unknown verb from a modal with the core's refusal", async () => {
      const view: View = { callback_id: "nope.nothing", private_metadata: "{\"data\":{}}", blocks: [], title: { text: "x" } };
      const res = await post(viewSubmission("ULARS", view, {}));
      expect(res.json()).toEqual({ response_action: "clear" });
      await api.waitFor("chat.postMessage", (c) => text(c.body.blocks).includes("Den åtgärden känner jag inte till"));
    });
  });

  describe("long choice lists", () => {
    /** A block_suggestion (type-ahead of an external select) as Slack sends it from a modal. */
    function suggestion(userId: string, view: View, blockId: string, query: string) {
      const el = inputBlock(view, blockId)!.element!;
      return payload({
        type: "block_suggestion",
        team: { id: TEAM_ID, domain: "stockholm" },
        user: { id: userId, team_id: TEAM_ID },
        api_app_id: "A0SAMORDNA",
        action_id: el.action_id,
        block_id: blockId,
        value: query,
        container: { type: "view", view_id: "V9" },
        view: { ...view, id: "V9", type: "modal", team_id: TEAM_ID, state: { values: {} } },
      });
    }

    it("lets a coordinator assign a need to work package 150 of 200 through the external select", async () => {
      await store.db.workPackage.createMany({
        data: Array.from({ length: 200 }, (_, i) => ({ code: `B${String(i + 1).padStart(3, "0")}`, name: `Arbetspaket nummer ${i + 1}` })),
      });
      const lars = (await store.people.byEmail("lars.andersson@stockholm.example"))!;
      const need = (await store.needs.reportedBy(lars.id)).find((n) => n.status === "submitted")!;
      expect(need).toBeDefined();

      // Anna (coordinator) opens the need's decision form: a modal, its "assign to" list over Slack's 100 options.
      await post(blockAction("UANNA", { action_id: "n0", value: JSON.stringify({ verb: "triage.view", needId: need.id }), text: { type: "plain_text", text: "Öppna" } }, { channel: "DANNA", ts: "1700000900.000100" }));
      const [open] = await api.waitFor("views.open", (c) => (c.body.view as View).callback_id === "triage.accept" && text(c.body.view).includes(need.reference));
      const view = open.body.view as View;
      const assign = inputBlock(view, "assignTo")!.element!;
      expect(assign.type).toBe("external_select");
      expect(text(view)).not.toContain("B150");

      // Type-ahead: "B150" finds exactly work package 150, served by the core from the same form, for Anna.
      const wp150 = (await store.workPackages.byCode("B150"))!;
      const found = (await post(suggestion("UANNA", view, "assignTo", "b150"))).json() as { options: { text: { text: string }; value: string }[] };
      expect(found.options).toEqual([{ text: { type: "plain_text", text: "B150 Arbetspaket nummer 150", emoji: true }, value: `wp:${wp150.id}` }]);
      // An empty query lists the first 100; someone who may not triage gets nothing.
      expect(((await post(suggestion("UANNA", view, "assignTo", ""))).json() as { options: unknown[] }).options).toHaveLength(100);
      expect(((await post(suggestion("UNORA", view, "assignTo", "B150"))).json() as { options: unknown[] }).options).toEqual([]);

      // Submitting the modal with the picked option accepts the need into work package 150.
      const submission = payload({
        type: "view_submission",
        team: { id: TEAM_ID, domain: "stockholm" },
        user: { id: "UANNA", team_id: TEAM_ID },
        api_app_id: "A0SAMORDNA",
        trigger_id: `trigger-${++seq}`,
        view: {
          ...view,
          id: "V9",
          type: "modal",
          team_id: TEAM_ID,
          state: { values: { assignTo: { [String(assign.action_id)]: { type: "external_select", selected_option: found.options[0] } }, note: { v: { type: "plain_text_input", value: null } } } },
        },
      });
      const res = await post(submission);
      expect((res.json() as { response_action: string }).response_action).toBe("update");
      const after = (await store.needs.byId(need.id))!;
      expect(after.status).toBe("accepted");
      expect(after.workPackageId).toBe(wp150.id);
    });

    it("opens an Action.ShowCard of a modal as a pushed view, whose submission reaches the core", async () => {
      const inner = { type: "AdaptiveCard", version: "1.5", body: [{ type: "Input.Text", id: "question", label: "Din fråga", isRequired: true }], actions: [{ type: "Action.Execute", title: "Skicka", verb: "nope.question", data: {} }] };
      const button = { action_id: "p3", value: JSON.stringify({ verb: "slack.push", card: inner }), text: { type: "plain_text", text: "Fråga" } };
      const res = await post(blockAction("UANNA", button, { viewId: "V7" }));
      expect(res.status).toBe(200);
      const [push] = await api.waitFor("views.push", (c) => text(c.body.view).includes("Din fråga"));
      const view = push.body.view as View;
      expect(view.callback_id).toBe("nope.question");
      expect((inputBlock(view, "question") as { optional?: boolean }).optional).toBe(false);
      // Its submission is an ordinary view_submission: the core answers it (here: an unknown verb, refused).
      const answer = await post(viewSubmission("UANNA", view, { question: "Varför?" }));
      expect(answer.json()).toEqual({ response_action: "clear" });
    });

    it("expands an Action.ShowCard of a message in place when its button is clicked", async () => {
      const inner = { type: "AdaptiveCard", version: "1.5", body: [{ type: "Input.Text", id: "comment", label: "Kommentar" }], actions: [{ type: "Action.Execute", title: "Skicka", verb: "nope.comment", data: {} }] };
      const button = { type: "button", action_id: "e0", value: JSON.stringify({ verb: "slack.step", title: "Kommentera", card: inner }), text: { type: "plain_text", text: "Kommentera" } };
      const message = { type: "message", text: "Ett kort", blocks: [{ type: "section", block_id: "s1", text: { type: "mrkdwn", text: "Ett kort" } }, { type: "actions", block_id: "b1", elements: [button] }] };
      const click = JSON.parse(new URLSearchParams(blockAction("UANNA", button, { channel: "DANNA", ts: "1700000950.000100" })).get("payload")!) as Record<string, unknown>;
      await post(payload({ ...click, message }));
      const [update] = await api.waitFor("chat.update", (c) => c.body.ts === "1700000950.000100");
      const blocks = update.body.blocks as Block[];
      expect(blocks.map((b) => b.type)).toEqual(["section", "divider", "section", "input", "actions"]);
      expect(blocks[3].block_id).toBe("comment");
      expect(buttons(blocks).map((b) => b.text.text)).toEqual(["Skicka"]);
    });

    it("checks the form's own rules on the server: a value that is none of the choices comes back as a field error", async () => {
      const lars = (await store.people.byEmail("lars.andersson@stockholm.example"))!;
      const need = (await store.needs.reportedBy(lars.id)).find((n) => n.status === "submitted")!;
      await post(blockAction("UANNA", { action_id: "n0", value: JSON.stringify({ verb: "triage.view", needId: need.id }), text: { type: "plain_text", text: "Öppna" } }, { channel: "DANNA", ts: "1700000901.000100" }));
      const [open] = await api.waitFor("views.open", (c) => text(c.body.view).includes(need.reference));
      const view = open.body.view as View;
      const assign = inputBlock(view, "assignTo")!.element!;
      const forged = { text: { type: "plain_text", text: "x" }, value: "wp:999999" };
      const res = await post(
        payload({
          type: "view_submission",
          team: { id: TEAM_ID, domain: "stockholm" },
          user: { id: "UANNA", team_id: TEAM_ID },
          api_app_id: "A0SAMORDNA",
          view: { ...view, id: "V10", type: "modal", team_id: TEAM_ID, state: { values: { assignTo: { [String(assign.action_id)]: { type: "external_select", selected_option: forged } } } } },
        }),
      );
      expect(res.json()).toEqual({ response_action: "errors", errors: { assignTo: "Välj ett av alternativen." } });
      expect((await store.needs.byId(need.id))!.status).toBe("submitted");
    });
  });
});

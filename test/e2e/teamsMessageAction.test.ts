// The Teams message action "Report as need" over Bot Framework HTTP:
// composeExtension/fetchTask opens the need form prefilled from the message,
// composeExtension/submitAction stores the need linked to the message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardProblems } from "../../src/cards/validate.ts";
import { startBotConnector, type BotConnector } from "../helpers/botConnector.ts";
import { cardText, startTestServer, type TestServer } from "../helpers/server.ts";
import { teamsClient, teamsUser, TENANT } from "../helpers/teams.ts";

let server: TestServer;
let connector: BotConnector;
const karin = teamsUser("karin", "Karin Ek");
const LINK = "https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1700000000000";
const message = {
  id: "1700000000000",
  body: { contentType: "html", content: "<p>Skrivarna på plan 3 fungerar inte &amp; ingen vet vem som äger dem.</p><p>Vi skriver ut på plan 5 i stället.</p>" },
  linkToMessage: LINK,
};

beforeAll(async () => {
  connector = await startBotConnector();
  server = await startTestServer();
  connector.members.set(karin.id, { ...karin, email: "karin.ek@stockholm.example", tenantId: TENANT });
});
afterAll(async () => {
  await server?.cleanup();
  await connector?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function dialogCard(body: any): any {
  expect(body.task.type).toBe("continue");
  expect(body.task.value.card.contentType).toBe("application/vnd.microsoft.card.adaptive");
  return body.task.value.card.content;
}

describe("Teams message action: Report as need", () => {
  it("opens the need form prefilled from the message, and stores the need linked to it", async () => {
    const chat = teamsClient(server.url, connector.url, karin);
    const fetched = await chat.post(chat.activity({ type: "invoke", name: "composeExtension/fetchTask", value: { commandId: "reportNeed", commandContext: "message", messagePayload: message } }));
    expect(fetched.status).toBe(200);
    const form = dialogCard(fetched.body);
    expect(cardProblems(form)).toEqual([]);
    const inputs = Object.fromEntries((form.body as { id?: string; value?: string }[]).filter((e) => e.id).map((e) => [e.id, e.value]));
    expect(inputs.title).toBe("Skrivarna på plan 3 fungerar inte & ingen vet vem som äger dem.");
    expect(inputs.problem).toContain("Vi skriver ut på plan 5 i stället.");
    // Dialogs run Action.Submit: the verb and the message's link travel in its data.
    const submit = form.actions[0];
    expect(submit).toMatchObject({ type: "Action.Submit", data: { verb: "need.submit", sourceUrl: LINK } });

    const invalid = await chat.post(
      chat.activity({ type: "invoke", name: "composeExtension/submitAction", value: { commandId: "reportNeed", commandContext: "message", messagePayload: message, data: { ...submit.data, title: "", problem: inputs.problem } } }),
    );
    expect(cardText(dialogCard(invalid.body))).toContain("Fältet är obligatoriskt.");
    expect((await server.app.store.needs.page(0, 100)).filter((n) => n.sourceUrl === LINK)).toHaveLength(0);

    const submitted = await chat.post(
      chat.activity({
        type: "invoke",
        name: "composeExtension/submitAction",
        value: { commandId: "reportNeed", commandContext: "message", messagePayload: message, data: { ...submit.data, title: inputs.title, problem: inputs.problem, urgency: "medium" } },
      }),
    );
    expect(submitted.status).toBe(200);
    const result = cardText(dialogCard(submitted.body));
    expect(result).toMatch(/Tack! Ditt behov har nummer N-\d{4}-\d{4}/);
    const reference = /N-\d{4}-\d{4}/.exec(result)![0];
    const need = await server.app.store.needs.byReference(reference);
    expect(need).toMatchObject({ title: inputs.title, sourceUrl: LINK, reporterName: "Karin Ek" });
  });

  it("answers 400 to an unknown command and changes nothing", async () => {
    const chat = teamsClient(server.url, connector.url, karin);
    const before = await server.app.store.needs.count();
    const res = await chat.post(chat.activity({ type: "invoke", name: "composeExtension/submitAction", value: { commandId: "somethingElse", data: { title: "x" } } }));
    expect(res.status).toBe(400);
    expect(await server.app.store.needs.count()).toBe(before);
  });
});

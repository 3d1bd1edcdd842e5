// The Adaptive Card → Block Kit translation: every card the bot sends, as a
// message, a modal and the App Home, within Slack's limits; and submissions
// map back to what Adaptive Cards send.
import { describe, expect, it } from "vitest";
import { ACTION_ID_PATTERN, isForm, LIMITS, mrkdwn, toHome, toMessage, toModal, type Block } from "../../src/bots/slack/blockKit.ts";
import { buttonAction, inputValues, viewSubmission } from "../../src/bots/slack/submissions.ts";
import { decodeValue } from "../../src/bots/slack/values.ts";
import { cardContext } from "../../src/cards/context.ts";
import { card, choiceInput, dateInput, execute, textInput, type AdaptiveCard } from "../../src/cards/elements.ts";
import { myNeedsCard, similarNeedsCard } from "../../src/cards/needCard.ts";
import { needForm } from "../../src/cards/needForm.ts";
import { triageNeedCard } from "../../src/cards/triageCard.ts";
import { validateInputs } from "../../src/cards/inputRules.ts";
import { translator } from "../../src/i18n/index.ts";
import { departments, everyCard, sampleNeed } from "../fixtures/cards.ts";
import { blockKitProblems as problems } from "../helpers/blockKitLimits.ts";

const t = translator("en");
type Obj = Record<string, unknown>;

describe("Adaptive Card → Block Kit", () => {
  const samples = everyCard();

  it("covers every card the bot sends", () => {
    expect(samples.length).toBeGreaterThanOrEqual(30);
  });

  for (const { name, card: c } of samples) {
    it(`translates ${name} within Slack's limits`, () => {
      const message = toMessage(c, t);
      expect(problems(message.blocks, LIMITS.blocks.message)).toEqual([]);
      expect(message.text.length).toBeGreaterThan(0);
      expect(message.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);

      const modal = toModal(c, t, { channel: "D123" });
      expect(problems(modal.blocks, LIMITS.blocks.modal)).toEqual([]);
      expect(modal.title.text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
      expect(modal.close.text.length).toBeLessThanOrEqual(LIMITS.modalButton);
      if (modal.submit) expect(modal.submit.text.length).toBeLessThanOrEqual(LIMITS.modalButton);
      expect(modal.private_metadata.length).toBeLessThanOrEqual(3000);
      expect(modal.callback_id.length).toBeLessThanOrEqual(255);
      if (isForm(c)) {
        expect(modal.submit).toBeDefined();
        const primary = (c.actions ?? []).find((a) => a.type === "Action.Execute");
        expect(modal.callback_id).toBe(primary?.verb);
      }

      expect(problems(toHome(c, t).blocks, LIMITS.blocks.home)).toEqual([]);

      // Every button carries {verb, ...data} the core understands (or is a link).
      for (const b of [...message.blocks, ...modal.blocks]) {
        const els = [...((b.elements as Obj[] | undefined) ?? []), ...(b.accessory ? [b.accessory as Obj] : [])].filter((e) => e.type === "button");
        for (const button of els) {
          expect(button.action_id).toMatch(ACTION_ID_PATTERN);
          if (button.url === undefined) expect(typeof decodeValue(button.value).verb).toBe("string");
        }
      }
    });
  }

  it("turns a need form into a modal whose submission maps back to the Adaptive Card's data", () => {
    const ctx = cardContext("sv", "Europe/Stockholm");
    const form = needForm(ctx, { departments, values: { title: "Skrivare", department: "3", sustainability: "social" }, sourceUrl: "https://x.slack.com/archives/C1/p1" });
    const modal = toModal(form, translator("sv"), { channel: "D42" });
    expect(modal.callback_id).toBe("need.submit");
    const byId = Object.fromEntries(modal.blocks.filter((b) => b.type === "input").map((b) => [b.block_id, b]));
    expect(Object.keys(byId)).toEqual(["title", "problem", "affected", "benefit", "sustainability", "urgency", "department", "showName"]);
    expect(byId.title.optional).toBe(false);
    expect(byId.affected.optional).toBe(true);
    expect((byId.problem.element as Obj).multiline).toBe(true);
    expect((byId.problem.element as Obj).max_length).toBe(3000);
    expect((byId.title.element as Obj).initial_value).toBe("Skrivare");
    expect(((byId.department.element as Obj).initial_option as Obj).value).toBe("3");
    expect(((byId.sustainability.element as Obj).initial_options as Obj[]).map((o) => o.value)).toEqual(["social"]);

    const submitted = viewSubmission({
      callback_id: modal.callback_id,
      private_metadata: modal.private_metadata,
      state: {
        values: {
          title: { v: { type: "plain_text_input", value: "Skrivare som krånglar" } },
          problem: { v: { type: "plain_text_input", value: null } },
          sustainability: { v: { type: "checkboxes", selected_options: [{ value: "social" }, { value: "economic" }] } },
          urgency: { v: { type: "radio_buttons", selected_option: { value: "high" } } },
          department: { v: { type: "static_select", selected_option: null } },
          showName: { v: { type: "checkboxes", selected_options: [{ value: "show" }] } },
        },
      },
    });
    expect(submitted).toEqual({
      channel: "D42",
      action: {
        verb: "need.submit",
        data: { sourceUrl: "https://x.slack.com/archives/C1/p1", title: "Skrivare som krånglar", problem: "", sustainability: "social,economic", urgency: "high", department: "", showName: "show" },
      },
    });
  });

  it("maps every input type, and long choice lists to selects with a note", () => {
    const choices = Array.from({ length: 130 }, (_, i) => ({ title: `Val ${i} ${"x".repeat(90)}`, value: `v${i}` }));
    const c: AdaptiveCard = card(
      [
        choiceInput({ id: "many", label: "Many", choices, style: "expanded" }),
        choiceInput({ id: "multi", label: "Multi", choices: choices.slice(0, 20), isMultiSelect: true, style: "expanded", value: "v1,v3" }),
        dateInput({ id: "when", label: "When", value: "2026-04-01" }),
        { type: "Input.Toggle", id: "agree", title: "I agree", valueOn: "yes", valueOff: "no", value: "yes" },
        textInput({ id: "note", label: "Note", maxLength: 10, value: "far too long for ten" }),
      ],
      [execute("Send", "demo.send")],
    );
    const modal = toModal(c, t);
    expect(problems(modal.blocks, 100)).toEqual([]);
    const el = (id: string) => modal.blocks.find((b) => b.block_id === id)!.element as Obj;
    // Over 100 choices: type-ahead served from the card's source action (the "Send" verb).
    expect(el("many").type).toBe("external_select");
    expect(decodeValue(String(el("many").action_id).slice(2))).toEqual({ verb: "demo.send" });
    // Without any action to serve them from: the first 100 and a note.
    const orphan = toModal(card([choiceInput({ id: "many", label: "Many", choices })]), t);
    const lonely = orphan.blocks.find((b) => b.block_id === "many")!.element as Obj;
    expect(lonely.type).toBe("static_select");
    expect((lonely.options as Obj[]).length).toBe(100);
    expect(JSON.stringify(orphan.blocks)).toContain("…and 30 more choices");
    expect(el("multi").type).toBe("multi_static_select");
    expect(el("when")).toMatchObject({ type: "datepicker", initial_date: "2026-04-01" });
    expect(el("agree").type).toBe("checkboxes");
    expect(el("note").initial_value).toBe("far too lo");
    expect(JSON.stringify(modal.blocks)).toContain("Slack shows only the first 10 characters");

    expect(
      inputValues({
        multi: { v: { type: "multi_static_select", selected_options: [{ value: "v1" }, { value: "v3" }] } },
        when: { v: { type: "datepicker", selected_date: "2026-05-02" } },
        agree: { [String(el("agree").action_id)]: { type: "checkboxes", selected_options: [] } },
      }),
    ).toEqual({ multi: "v1,v3", when: "2026-05-02", agree: "no" });
  });

  it("offers triage assignment among 1,000 work packages and 1,000 initiatives by type-ahead", () => {
    const ctx = cardContext("en", "Europe/Stockholm");
    const workPackages = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, code: `WP${i + 1}`, name: `Work package ${i + 1}`, description: "", leadId: null, deputyId: null, cadence: "0 9 * * 1", timezone: "Europe/Stockholm", active: true, pingsPaused: false }));
    const initiatives = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, code: `I-${i + 1}`, title: `Initiative ${i + 1}`, workPackageId: 1, stage: "pilot" as const, ownerId: null, needId: null, active: true }));
    const triage = triageNeedCard(ctx, { need: sampleNeed(), events: [], workPackages, initiatives, candidates: [], methods: [] });
    for (const blocks of [toModal(triage, t).blocks, toMessage(triage, t).blocks]) {
      expect(problems(blocks, 100)).toEqual([]);
      const assign = blocks.find((b) => b.block_id === "assignTo")!.element as Obj;
      expect(assign.type).toBe("external_select");
      expect(decodeValue(String(assign.action_id).slice(2))).toEqual({ verb: "triage.accept", needId: 42, version: 1 });
    }
    // The server accepts the last initiative and refuses what is not offered.
    expect(validateInputs(triage, { assignTo: "init:1000" })).toEqual({});
    expect(validateInputs(triage, { assignTo: "init:1001" })).toEqual({ assignTo: { key: "validation.invalidChoice" } });
  });

  it("keeps messages within 50 blocks with '…and N more' and the card's own buttons last", () => {
    const ctx = cardContext("en", "Europe/Stockholm");
    const many = Array.from({ length: 200 }, (_, i) => sampleNeed({ id: i + 1, reference: `N-2026-${String(i + 1).padStart(4, "0")}` }));
    const { blocks } = toMessage(myNeedsCard(ctx, many, many), t);
    expect(blocks.length).toBeLessThanOrEqual(50);
    // A need line is one section with its "Open" button as accessory.
    expect(blocks.filter((b) => b.type === "section" && b.accessory).length).toBeGreaterThan(10);
    expect(JSON.stringify(blocks)).toMatch(/…and \d+ more/);
  });

  it("deflates large button values and refuses what still does not fit", () => {
    const ctx = cardContext("en", "Europe/Stockholm");
    const draft = { title: "x", problem: "Printers jam on floor three every morning. ".repeat(80) };
    const { blocks } = toMessage(similarNeedsCard(ctx, [sampleNeed()], draft), t);
    const send = blocks.flatMap((b) => (b.elements as Obj[] | undefined) ?? []).find((e) => typeof e.value === "string" && decodeValue(e.value).verb === "need.submit")!;
    expect(String(send.value).startsWith("z:")).toBe(true);
    expect(buttonAction({ action_id: String(send.action_id), value: send.value }).data.problem).toBe(draft.problem);

    const random = Array.from({ length: 3000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join("");
    const huge = toMessage(similarNeedsCard(ctx, [], { title: "x", problem: random }), t);
    const refused = huge.blocks.flatMap((b) => (b.elements as Obj[] | undefined) ?? []).find((e) => e.type === "button")!;
    expect(decodeValue(refused.value).verb).toBe("slack.tooLarge");
  });

  it("writes Slack mrkdwn", () => {
    expect(mrkdwn("**N-1** see [the need](https://x.example/a?b=1&c=2) <script>")).toBe("*N-1* see <https://x.example/a?b=1&amp;c=2|the need> &lt;script&gt;");
    expect(mrkdwn("> quoted a > b")).toBe("> quoted a &gt; b");
  });
});

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
import { translator } from "../../src/i18n/index.ts";
import { departments, everyCard, sampleNeed } from "../fixtures/cards.ts";

const t = translator("en");
type Obj = Record<string, unknown>;
const textOf = (o: unknown) => ((o as Obj | undefined)?.text as string | undefined) ?? "";

/** Every limit of Block Kit the bot can run into (api.slack.com/reference/block-kit). */
function problems(blocks: Block[], maxBlocks: number): string[] {
  const out: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) out.push(what);
  };
  check(blocks.length <= maxBlocks, `${blocks.length} blocks > ${maxBlocks}`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  const element = (el: Obj, where: string) => {
    if (el.type === "button") {
      check(textOf(el.text).length <= LIMITS.buttonText && textOf(el.text).length > 0, `${where}: button text length`);
      check(el.value === undefined || String(el.value).length <= 2000, `${where}: button value > 2000`);
      check(typeof el.action_id === "string" && !actionIds.has(el.action_id as string), `${where}: action_id not unique`);
      actionIds.add(el.action_id as string);
    }
    const options = el.options as Obj[] | undefined;
    if (options) {
      check(options.length >= 1 && options.length <= LIMITS.options, `${where}: ${options.length} options`);
      if (el.type === "radio_buttons" || el.type === "checkboxes") check(options.length <= 10, `${where}: ${el.type} > 10 options`);
      for (const o of options) {
        check(textOf(o.text).length <= LIMITS.optionText && textOf(o.text).length > 0, `${where}: option text length`);
        check(String(o.value).length <= LIMITS.optionValue, `${where}: option value length`);
      }
    }
    if (el.type === "plain_text_input") {
      check(Number(el.max_length) <= 3000, `${where}: max_length`);
      check(el.initial_value === undefined || String(el.initial_value).length <= Number(el.max_length), `${where}: initial_value > max_length`);
    }
    if (el.placeholder) check(textOf(el.placeholder).length <= LIMITS.placeholder, `${where}: placeholder length`);
  };
  blocks.forEach((b, i) => {
    const where = `block ${i} (${b.type})`;
    check(["header", "section", "context", "divider", "actions", "input", "image"].includes(b.type), `${where}: unknown type`);
    if (b.block_id !== undefined) {
      check(!blockIds.has(String(b.block_id)), `${where}: block_id not unique`);
      blockIds.add(String(b.block_id));
    }
    if (b.type === "header") check(textOf(b.text).length <= LIMITS.headerText && textOf(b.text).length > 0, `${where}: header length`);
    if (b.type === "section") {
      check(Boolean(b.text) || Boolean(b.fields), `${where}: empty section`);
      if (b.text) check(textOf(b.text).length <= LIMITS.sectionText && textOf(b.text).length > 0, `${where}: section text ${textOf(b.text).length}`);
      const fields = (b.fields as Obj[] | undefined) ?? [];
      check(fields.length <= LIMITS.fields, `${where}: ${fields.length} fields`);
      for (const f of fields) check(textOf(f).length <= LIMITS.fieldText, `${where}: field length`);
      if (b.accessory) element(b.accessory as Obj, where);
    }
    if (b.type === "context") {
      const els = b.elements as Obj[];
      check(els.length >= 1 && els.length <= 10, `${where}: context elements`);
      for (const e of els) check(textOf(e).length <= 3000 && textOf(e).length > 0, `${where}: context text`);
    }
    if (b.type === "actions") {
      const els = b.elements as Obj[];
      check(els.length >= 1 && els.length <= LIMITS.buttonsPerBlock, `${where}: ${els.length} elements`);
      els.forEach((e) => element(e, where));
    }
    if (b.type === "input") {
      check(textOf(b.label).length <= LIMITS.label && textOf(b.label).length > 0, `${where}: label`);
      element(b.element as Obj, where);
    }
  });
  return out;
}

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
    const ctx = cardContext("sv");
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
    expect(el("many").type).toBe("static_select");
    expect((el("many").options as Obj[]).length).toBe(100);
    expect(JSON.stringify(modal.blocks)).toContain("…and 30 more choices");
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

  it("keeps messages within 50 blocks with '…and N more' and the card's own buttons last", () => {
    const ctx = cardContext("en");
    const many = Array.from({ length: 200 }, (_, i) => sampleNeed({ id: i + 1, reference: `N-2026-${String(i + 1).padStart(4, "0")}` }));
    const { blocks } = toMessage(myNeedsCard(ctx, many, many), t);
    expect(blocks.length).toBeLessThanOrEqual(50);
    // A need line is one section with its "Open" button as accessory.
    expect(blocks.filter((b) => b.type === "section" && b.accessory).length).toBeGreaterThan(10);
    expect(JSON.stringify(blocks)).toMatch(/…and \d+ more/);
  });

  it("deflates large button values and refuses what still does not fit", () => {
    const ctx = cardContext("en");
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

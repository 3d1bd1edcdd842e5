// Block Kit's limits as a checker for translated cards (docs.slack.dev/reference/block-kit):
// the project's cards, the corpus and the random cards are all checked with it.
import { LIMITS, type Block } from "../../src/bots/slack/blockKit.ts";

type Obj = Record<string, unknown>;
const textOf = (o: unknown) => ((o as Obj | undefined)?.text as string | undefined) ?? "";

/** Every limit of Block Kit the bot can run into (api.slack.com/reference/block-kit). */
export function blockKitProblems(blocks: Block[], maxBlocks: number): string[] {
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
    if (typeof el.action_id === "string") check(el.action_id.length <= 255, `${where}: action_id > 255`);
    if (el.type === "button" && el.url !== undefined) check(String(el.url).length <= 3000, `${where}: url > 3000`);
    if (el.type === "number_input") check(typeof el.is_decimal_allowed === "boolean", `${where}: number_input without is_decimal_allowed`);
    if (el.placeholder) check(textOf(el.placeholder).length <= LIMITS.placeholder, `${where}: placeholder length`);
  };
  blocks.forEach((b, i) => {
    const where = `block ${i} (${b.type})`;
    check(["header", "section", "context", "divider", "actions", "input", "image"].includes(b.type), `${where}: unknown type`);
    if (b.block_id !== undefined) {
      check(!blockIds.has(String(b.block_id)), `${where}: block_id not unique`);
      blockIds.add(String(b.block_id));
    }
    if (b.type === "image") check(String(b.image_url).length <= 3000 && String(b.alt_text).length <= 2000, `${where}: image url or alt text`);
    if (b.block_id !== undefined) check(String(b.block_id).length <= 255, `${where}: block_id > 255`);
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


// The Block Kit translation on cards beyond the project's own: every element
// and action type of Adaptive Cards 1.5 (as the Adaptive Cards samples use
// them, built here), each within Block Kit's limits with no content lost
// without a fallback line; and random cards (fast-check) for the limits and
// for the escaping of text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CardTooLargeError, expandStep, LIMITS, mrkdwnPieces, pushedCard, splitMarkdown, toHome, toMessage, toModal, type Block } from "../../src/bots/slack/blockKit.ts";
import { inputValues } from "../../src/bots/slack/submissions.ts";
import { decodeValue } from "../../src/bots/slack/values.ts";
import { card, type Action, type AdaptiveCard, type Element } from "../../src/cards/elements.ts";
import { translator } from "../../src/i18n/index.ts";
import { blockKitProblems } from "../helpers/blockKitLimits.ts";

const t = translator("en");
type Obj = Record<string, unknown>;

/** Everything a reader sees in the blocks, unescaped, markup removed, whitespace collapsed. */
function seen(blocks: Block[]): string {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) if (k !== "value" && k !== "action_id") visit(x);
  };
  visit(blocks);
  return out
    .join(" ")
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, "$2 $1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/[*_~]/g, "")
    .replace(/\s+/g, " ");
}
/** The message as a reader sees it after opening every ShowCard step ("e…" buttons). */
function expandedAll(blocks: Block[]): Block[] {
  for (;;) {
    const button = blocks.flatMap((b) => (b.elements as Obj[] | undefined) ?? []).find((e) => /^e\d+$/.test(String(e.action_id)));
    if (!button) return blocks;
    blocks = expandStep(blocks, String(button.action_id), decodeValue(button.value), t)!;
  }
}
const norm = (s: string) => s.replace(/\*\*/g, "").replace(/\s+/g, " ").trim();

/** What a card says that the reader must find in Slack: texts, facts, input labels, verb buttons. */
function content(c: AdaptiveCard): string[] {
  const found: string[] = [];
  const el = (e: Element) => {
    if (e.isVisible === false && !["hidden"].includes(String(e.id))) return;
    if (e.type === "TextBlock") found.push(String(e.text));
    if (e.type === "FactSet") for (const f of e.facts as Obj[]) found.push(String(f.title), String(f.value));
    if (e.type === "RichTextBlock") for (const r of e.inlines as (Obj | string)[]) found.push(typeof r === "string" ? r : String(r.text));
    if (String(e.type).startsWith("Input.")) found.push(String(e.label ?? e.title ?? e.id));
    for (const k of ["items", "columns"]) for (const x of (e[k] as Element[] | undefined) ?? []) el(x);
    for (const row of (e.rows as Obj[] | undefined) ?? []) for (const cell of row.cells as Element[]) el(cell);
    for (const a of (e.actions as Action[] | undefined) ?? []) act(a);
  };
  const act = (a: Action) => {
    found.push(String(a.title));
    if (a.type === "Action.ShowCard") (a.card as AdaptiveCard).body.forEach(el);
  };
  c.body.forEach(el);
  (c.actions ?? []).forEach(act);
  return found.map(norm).filter(Boolean);
}

const execute = (title: string, verb: string, data: Obj = {}): Action => ({ type: "Action.Execute", title, verb, data });

/** The measured card: everything that used to vanish. */
const vanishing = card(
  [
    { type: "TextBlock", text: "Title", size: "Large", style: "heading" },
    { type: "RichTextBlock", inlines: ["Plain start, ", { type: "TextRun", text: "Rich " }, { type: "TextRun", text: "bold", weight: "Bolder" }, { type: "TextRun", text: " link", selectAction: { type: "Action.OpenUrl", url: "https://example.org/doc" } }] },
    {
      type: "Table",
      columns: [{ width: 1 }, { width: 1 }],
      rows: [
        { type: "TableRow", cells: [{ type: "TableCell", items: [{ type: "TextBlock", text: "Name" }] }, { type: "TableCell", items: [{ type: "TextBlock", text: "Age" }] }] },
        { type: "TableRow", cells: [{ type: "TableCell", items: [{ type: "TextBlock", text: "Maria" }] }, { type: "TableCell", items: [{ type: "TextBlock", text: "41" }] }] },
      ],
    },
    { type: "Container", id: "hidden", isVisible: false, items: [{ type: "TextBlock", text: "Details behind the toggle" }] },
    { type: "Container", items: [{ type: "TextBlock", text: "clickable row" }], selectAction: execute("Open row", "row.open", { id: 7 }) },
    { type: "ActionSet", actions: [{ type: "Action.ToggleVisibility", title: "Show details", targetElements: ["hidden"] }] },
  ],
  [
    { type: "Action.ShowCard", title: "Comment", card: card([{ type: "Input.Text", id: "comment", label: "Your comment" }], [execute("Send comment", "row.comment")]) },
    { type: "Action.Submit", title: "Verbless", data: { x: 1 } },
  ],
);

const corpus: { name: string; card: AdaptiveCard; fallbacks?: string[] }[] = [
  { name: "the issue's card (RichTextBlock, Table, hidden Container, selectAction, ShowCard, ToggleVisibility, verbless Submit)", card: vanishing, fallbacks: ["Verbless"] },
  {
    name: "media and images",
    card: card([
      { type: "Media", poster: "https://example.org/p.png", altText: "Intro video", sources: [{ mimeType: "video/mp4", url: "https://example.org/v.mp4" }] },
      { type: "ImageSet", images: [{ type: "Image", url: "https://example.org/1.png", altText: "one" }, { type: "Image", url: "https://example.org/2.png", altText: "two" }] },
      { type: "Image", url: "data:image/png;base64,AAAA", altText: "inline picture" },
      { type: "Image", url: "https://example.org/3.png", altText: "linked", selectAction: { type: "Action.OpenUrl", title: "Open picture", url: "https://example.org/3" } },
    ]),
    fallbacks: ["Intro video", "inline picture"],
  },
  {
    name: "unknown elements, with and without an Adaptive Cards fallback",
    card: card([
      { type: "Carousel", pages: [], fallback: { type: "TextBlock", text: "Carousel replaced" } },
      { type: "Rating", value: 3, fallback: "drop" },
      { type: "CodeBlock", codeSnippet: "x" },
    ]),
    fallbacks: ["CodeBlock"],
  },
  {
    name: "every input type with its rules",
    card: card(
      [
        { type: "Input.Number", id: "count", label: "Count", min: 1, max: 10, value: 3, isRequired: true },
        { type: "Input.Text", id: "email", label: "E-mail", style: "Email" },
        { type: "Input.Text", id: "site", label: "Site", style: "Url" },
        { type: "Input.Text", id: "code", label: "Code", regex: "^[A-Z]{3}$", errorMessage: "Three capitals" },
        { type: "Input.Text", id: "secret", label: "Secret", style: "Password" },
        { type: "Input.Time", id: "at", label: "At", value: "09:30", min: "08:00", max: "17:00" },
        { type: "Input.Date", id: "on", label: "On", min: "2026-01-01", max: "2026-12-31" },
        { type: "Input.Toggle", id: "ok", title: "Agree", label: "Agreement" },
        { type: "Input.ChoiceSet", id: "pick", label: "Pick", style: "filtered", choices: [{ title: "A", value: "a" }, { title: "B", value: "b" }] },
      ],
      [execute("Save", "demo.save")],
    ),
  },
  {
    name: "column sets: label/value pairs, a grid, mixed columns",
    card: card([
      { type: "ColumnSet", columns: [{ type: "Column", items: [{ type: "TextBlock", text: "Owner" }, { type: "TextBlock", text: "Status" }] }, { type: "Column", items: [{ type: "TextBlock", text: "Maria" }, { type: "TextBlock", text: "Open" }] }] },
      { type: "ColumnSet", columns: ["a", "b", "c"].map((c) => ({ type: "Column", items: [{ type: "TextBlock", text: `${c}1` }, { type: "TextBlock", text: `${c}2` }] })) },
      { type: "ColumnSet", columns: [{ type: "Column", items: [{ type: "Image", url: "https://example.org/a.png", altText: "avatar" }] }, { type: "Column", items: [{ type: "TextBlock", text: "Name" }, { type: "FactSet", facts: [{ title: "Role", value: "Lead" }] }] }] },
    ]),
  },
  {
    name: "long text with entities and links, and a URL over 3,000 characters",
    card: card(
      [{ type: "TextBlock", text: `${"Fish & chips <b> ".repeat(180)}[a link](https://example.com/some/long/path) ${"x&y ".repeat(500)}`, wrap: true }],
      [{ type: "Action.OpenUrl", title: "Too long", url: `https://example.org/${"a".repeat(3100)}` }, { type: "Action.OpenUrl", title: "Fine", url: "https://example.org/ok" }],
    ),
    fallbacks: ["Too long"],
  },
];

describe("the Adaptive Cards corpus in Block Kit", () => {
  for (const { name, card: c, fallbacks = [] } of corpus) {
    it(`translates ${name} within the limits, losing nothing without a fallback`, () => {
      const warned: string[] = [];
      const warn = (element: string) => warned.push(element);
      const message = toMessage(c, t, { warn });
      const modal = toModal(c, t, { warn });
      const home = toHome(c, t);
      expect(blockKitProblems(message.blocks, LIMITS.blocks.message)).toEqual([]);
      expect(blockKitProblems(modal.blocks, LIMITS.blocks.modal)).toEqual([]);
      expect(blockKitProblems(home.blocks, LIMITS.blocks.home)).toEqual([]);
      const text = seen(expandedAll(message.blocks));
      for (const piece of content(c)) expect(text, piece).toContain(norm(piece).slice(0, 60));
      for (const f of fallbacks) expect(text).toMatch(new RegExp(`${f}: shown in full in Teams or the web`));
      if (fallbacks.length) expect(warned.length).toBeGreaterThan(0);
    });
  }

  it("shows the issue's card: table rows, toggled details, the row's button, ShowCard as a step", () => {
    const message = toMessage(vanishing, t).blocks;
    // The ShowCard is a button that expands its step in the message.
    const open = message.flatMap((b) => (b.elements as Obj[] | undefined) ?? []).find((e) => e.action_id === "e1")!;
    expect(open.text).toMatchObject({ text: "Comment" });
    expect(message.some((b) => b.type === "input")).toBe(false);
    const blocks = expandStep(message, "e1", decodeValue(open.value), t)!;
    expect(blockKitProblems(blocks, LIMITS.blocks.message)).toEqual([]);
    expect(blocks.flatMap((b) => (b.elements as Obj[] | undefined) ?? []).some((e) => e.action_id === "e1")).toBe(false);
    const text = seen(blocks);
    expect(text).toContain("Name · Age");
    expect(text).toContain("Maria · 41");
    expect(text).toContain("Details behind the toggle");
    expect(text).toContain("<https://example.org/doc| link>".replace(/<(https?:[^|>]+)\|([^>]+)>/, "$2 $1"));
    const buttons = blocks.flatMap((b) => [...((b.elements as Obj[] | undefined) ?? []), ...(b.accessory ? [b.accessory as Obj] : [])]).filter((e) => e.type === "button");
    expect(buttons.map((b) => decodeValue(b.value).verb)).toEqual(["row.open", "row.comment"]);
    // Opened, the ShowCard's input is in the message (its step), after the button row; its button numbered after the message's.
    expect(blocks.find((b) => b.type === "input")?.block_id).toBe("comment");
    expect(buttons.find((b) => decodeValue(b.value).verb === "row.comment")!.action_id).toBe("a2");
  });

  it("makes Action.ShowCard a pushed view in a modal", () => {
    const modal = toModal(vanishing, t);
    const push = modal.blocks.flatMap((b) => (b.elements as Obj[] | undefined) ?? []).find((e) => String(e.action_id).startsWith("p"))!;
    expect(push).toBeDefined();
    const pushed = pushedCard(decodeValue(push.value))!;
    const view = toModal(pushed, t);
    expect(view.callback_id).toBe("row.comment");
    expect(view.blocks.map((b) => b.block_id)).toContain("comment");
  });

  it("uses Slack's typed inputs and maps their values back", () => {
    const modal = toModal(corpus[3].card, t);
    const el = (id: string) => modal.blocks.find((b) => b.block_id === id)!.element as Obj;
    expect(el("count")).toMatchObject({ type: "number_input", min_value: "1", max_value: "10", initial_value: "3", is_decimal_allowed: true });
    expect(el("email").type).toBe("email_text_input");
    expect(el("site").type).toBe("url_text_input");
    expect(el("at")).toMatchObject({ type: "timepicker", initial_time: "09:30" });
    expect(el("on").type).toBe("datepicker");
    expect(el("pick").type).toBe("static_select");
    expect(seen(modal.blocks)).toContain("Slack does not hide what you type here");
    expect(
      inputValues({
        count: { v: { type: "number_input", value: "4" } },
        email: { v: { type: "email_text_input", value: "a@b.se" } },
        at: { v: { type: "timepicker", selected_time: "10:15" } },
        many: { "x|{}": { type: "external_select", selected_option: { value: "wp:150" } } },
      }),
    ).toEqual({ count: "4", email: "a@b.se", at: "10:15", many: "wp:150" });
  });

  it("reads a label/value ColumnSet as fields and other grids row by row", () => {
    const { blocks } = toMessage(corpus[4].card, t);
    expect((blocks[0].fields as Obj[]).map((f) => f.text)).toEqual(["*Owner*\nMaria", "*Status*\nOpen"]);
    const order = seen(blocks.slice(1)).match(/[abc][12]/g);
    expect(order).toEqual(["a1", "b1", "c1", "a2", "b2", "c2"]);
  });

  it("splits text before escaping, never inside an entity or a link, and drops a button whose URL is too long", () => {
    const { blocks } = toMessage(corpus[5].card, t);
    const sections = blocks.filter((b) => b.type === "section").map((b) => (b.text as Obj).text as string);
    expect(sections.length).toBeGreaterThan(1);
    for (const s of sections) {
      expect(s.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect(s).not.toMatch(/&(?!amp;|lt;|gt;)/);
      expect(s.split("<").length).toBe(s.split(">").length);
    }
    expect(sections.join(" ")).toContain("<https://example.com/some/long/path|a link>");
    const urls = blocks.flatMap((b) => (b.elements as Obj[] | undefined) ?? []).filter((e) => e.url);
    expect(urls.map((u) => u.url)).toEqual(["https://example.org/ok"]);
  });

  it("sends hidden inputs' values with the actions that send inputs, showing nothing", () => {
    const c = card(
      [{ type: "Container", isVisible: false, items: [{ type: "Input.Text", id: "ticket", value: "42" }] }, { type: "Input.Text", id: "note", label: "Note" }],
      [execute("Send", "demo.send", { a: 1 }), { ...execute("Skip", "demo.skip"), associatedInputs: "none" }],
    );
    const message = toMessage(c, t);
    expect(message.blocks.filter((b) => b.type === "input").map((b) => b.block_id)).toEqual(["note"]);
    const values = message.blocks.flatMap((b) => (b.elements as Obj[] | undefined) ?? []).map((e) => decodeValue(e.value));
    expect(values).toEqual([{ a: 1, ticket: "42", verb: "demo.send" }, { verb: "demo.skip" }]);
    expect(decodeValue(toModal(c, t).private_metadata)).toEqual({ data: { a: 1, ticket: "42" } });
  });

  it("escapes the card's text in fallback lines, so a title cannot mention the channel", () => {
    const c = card([{ type: "Mystery", fallback: undefined }], [{ type: "Action.Submit", title: "<!channel> & <https://evil.example|click>", data: {} }]);
    const text = JSON.stringify(toMessage(c, t).blocks);
    expect(text).toContain("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;: shown in full in Teams or the web.");
    expect(text).not.toContain("<!channel>");
  });

  it("keeps every input of a long modal, and refuses one whose inputs cannot fit in 100 blocks", () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => ({ type: "Input.Text", id: `f${i}`, label: `Field ${i}`, isRequired: i === n - 1 }));
    const texts = Array.from({ length: 40 }, (_, i) => ({ type: "TextBlock", text: `Note ${i}` }));
    const mixed = toModal(card([...texts, ...fields(90)], [execute("Send", "demo.send")]), t);
    expect(mixed.blocks.length).toBeLessThanOrEqual(100);
    expect(mixed.blocks.filter((b) => b.type === "input").map((b) => b.block_id)).toEqual(fields(90).map((f) => f.id));
    expect(seen(mixed.blocks)).toMatch(/…and \d+ more/);
    expect(() => toModal(card(fields(120), [execute("Send", "demo.send")]), t)).toThrow(CardTooLargeError);
  });
});

// Random cards: limits hold for any content, and text survives escaping.
const textArb = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.array(fc.constantFrom("&", "<", ">", "**", "[l](https://x.se/a)", " ", "\n", "é", "😀", "word"), { maxLength: 2000 }).map((a) => a.join("")),
);
const elementArb: fc.Arbitrary<Element> = fc.letrec<{ el: Element }>((tie) => ({
  el: fc.oneof(
    { depthSize: "small" },
    textArb.map((text) => ({ type: "TextBlock", text })),
    fc.record({ size: fc.constantFrom("Small", "Large", "Default"), weight: fc.constantFrom("Bolder", "Default"), text: textArb }).map((r) => ({ type: "TextBlock", ...r })),
    fc.array(fc.tuple(textArb, textArb), { maxLength: 15 }).map((pairs) => ({ type: "FactSet", facts: pairs.map(([title, value]) => ({ title, value })) })),
    fc.array(tie("el"), { maxLength: 4 }).map((items) => ({ type: "Container", items })),
    fc.array(fc.array(tie("el"), { maxLength: 3 }), { maxLength: 4 }).map((cols) => ({ type: "ColumnSet", columns: cols.map((items) => ({ type: "Column", items })) })),
    fc.tuple(fc.string({ maxLength: 80 }), fc.string({ maxLength: 3500 })).map(([title, path]) => ({ type: "ActionSet", actions: [{ type: "Action.OpenUrl", title, url: `https://x.se/${encodeURIComponent(path)}` }] })),
    fc.tuple(fc.string({ maxLength: 120 }), fc.integer({ min: 0, max: 300 }), fc.boolean()).map(([label, n, multi]) => ({
      type: "Input.ChoiceSet",
      id: "",
      label,
      isMultiSelect: multi,
      choices: Array.from({ length: n }, (_, i) => ({ title: `${label} ${i}`, value: `v${i}${"z".repeat(i % 200)}` })),
    })),
    fc.record({ label: fc.string({ maxLength: 2100 }), maxLength: fc.integer({ min: 0, max: 5000 }), value: fc.string({ maxLength: 100 }) }).map((r) => ({ type: "Input.Text", id: "", ...r })),
    fc.constantFrom<Element>({ type: "Input.Number", id: "", min: 0, max: 5 }, { type: "Input.Time", id: "" }, { type: "Input.Date", id: "" }, { type: "Table", rows: [] }, { type: "Unknown" }),
  ),
})).el;

/** Gives every input a unique id, as a valid card has. */
function numbered(body: Element[]): Element[] {
  let n = 0;
  const fix = (els: Element[]): Element[] =>
    els.map((e) => ({
      ...e,
      ...(String(e.type).startsWith("Input.") ? { id: `i${n++}` } : {}),
      ...(Array.isArray(e.items) ? { items: fix(e.items as Element[]) } : {}),
      ...(Array.isArray(e.columns) ? { columns: fix(e.columns as Element[]) } : {}),
    }));
  return fix(body);
}

describe("random cards", () => {
  it("stay within Block Kit's limits on every surface (or a form is refused whole)", () => {
    fc.assert(
      fc.property(fc.array(elementArb, { maxLength: 30 }), fc.array(fc.string({ maxLength: 100 }), { maxLength: 30 }), (body, titles) => {
        const c = card(numbered(body), titles.map((title, i) => execute(title, `demo.a${i % 3 === 0 ? "" : "b"}`, { i })));
        for (const [surface, build] of [
          ["message", () => toMessage(c, t).blocks],
          ["modal", () => toModal(c, t).blocks],
          ["home", () => toHome(c, t).blocks],
        ] as const) {
          let blocks: Block[];
          try {
            blocks = build();
          } catch (err) {
            expect(err).toBeInstanceOf(CardTooLargeError);
            continue;
          }
          expect(blockKitProblems(blocks, LIMITS.blocks[surface])).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("split text fits, keeps every character in order, and escapes every piece", () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 20, max: 3000 }), (text, max) => {
        const pieces = splitMarkdown(text, max);
        for (const out of mrkdwnPieces(text, max)) {
          expect(out.length).toBeLessThanOrEqual(max);
          expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/);
          // Only links make angle brackets: every "<" opens a link that closes in the same piece.
          expect(out.replace(/<https?:\/\/[^|>\s]+\|[^>]+>/g, "")).not.toMatch(/[<]/);
        }
        expect(pieces.join("").replace(/\s+/g, "")).toBe(text.replace(/\s+/g, ""));
      }),
      { numRuns: 300 },
    );
  });
});

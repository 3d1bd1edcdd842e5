// Slack's text and its limits: Adaptive Card markdown as Slack mrkdwn and
// plain_text, cut or split to fit Block Kit's limits
// (docs.slack.dev/reference/block-kit) without breaking a link, an entity or a
// surrogate pair. Text is escaped here and nowhere else.
import { MARKDOWN_ESCAPE, unescapeMarkdown } from "../../cards/elements.ts";

export type Block = Record<string, unknown> & { type: string };
export type Surface = "message" | "modal" | "home";
export type PlainText = { type: "plain_text"; text: string; emoji?: boolean };

export const LIMITS = {
  blocks: { message: 50, modal: 100, home: 100 } satisfies Record<Surface, number>,
  sectionText: 3000,
  headerText: 150,
  contextText: 2000,
  contextElements: 10,
  fields: 10,
  fieldText: 2000,
  buttonText: 75,
  buttonsPerBlock: 25,
  optionText: 75,
  optionValue: 150,
  options: 100,
  /** radio_buttons and checkboxes take at most 10 options; longer lists become selects. */
  expandedOptions: 10,
  label: 2000,
  placeholder: 150,
  inputMaxLength: 3000,
  modalTitle: 24,
  modalButton: 24,
  fallbackText: 3000,
  /** Button and image URLs; a longer link is shown as its label only. */
  url: 3000,
  altText: 2000,
  actionId: 255,
  blockId: 255,
} as const;

/** Shortens to `max` characters without cutting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut -= 1;
  return `${text.slice(0, cut).trimEnd()}…`;
}

/**
 * Adaptive Card markdown → Slack mrkdwn: escape &, <, > (except a quote's leading ">"), links and bold.
 * Characters escaped as user text (cards/elements.ts `plainText`) stay literal: Slack has no escape,
 * so a format character gets a zero-width space after it and cannot pair into bold, italics or code.
 */
export function mrkdwn(text: string): string {
  const literals: string[] = [];
  return text
    .replace(MARKDOWN_ESCAPE, (_, c: string) => `\uE000${literals.push(c) - 1}\uE001`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/(?!^)>|^>(?!\s)/gm, "&gt;")
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, "<$2|$1>")
    .replace(/\*\*(.+?)\*\*/g, "*$1*")
    .replace(/\uE000(\d+)\uE001/g, (_, i: string) => {
      const c = literals[Number(i)] ?? "";
      return c === "<" ? "&lt;" : c === ">" ? "&gt;" : "*_~`".includes(c) ? `${c}\u200B` : c;
    });
}

/** Markdown markers removed, for Slack's plain_text fields. */
export function plain(text: string): string {
  return text.replace(/\*\*(.+?)\*\*/g, "$1").replace(/(?<!\\)\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, "$1 ($2)");
}

/** A plain_text object of at most `max` characters (Slack rejects an empty one: a space stands in). */
export function plainTextObject(text: string, max: number): PlainText {
  return { type: "plain_text", text: clip(unescapeMarkdown(plain(text)), max) || " ", emoji: true };
}

/** An http(s) URL Slack accepts in a button or image (at most 3,000 characters), else undefined. */
export function slackUrl(url: unknown): string | undefined {
  return typeof url === "string" && /^https?:\/\/\S+$/.test(url) && url.length <= LIMITS.url ? url : undefined;
}

const LINK = /\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g;

/**
 * Splits Adaptive markdown into pieces whose Slack mrkdwn fits `max`, before
 * escaping: cuts fall at a line break, else a space, else a character (never
 * inside a surrogate pair or an entity), and never inside a link. A link whose
 * URL is over Slack's limit becomes its label.
 */
export function splitMarkdown(text: string, max: number): string[] {
  // Atoms: links whole, then single characters (code points); each with its worst-case escaped length.
  const atoms: { text: string; size: number; brk: number }[] = [];
  let at = 0;
  const chars = (s: string) => {
    for (const ch of s) atoms.push({ text: ch, size: ch === "&" ? 5 : ch === "<" || ch === ">" ? 4 : ch.length, brk: ch === "\n" ? 2 : /\s/.test(ch) ? 1 : 0 });
  };
  for (const m of text.matchAll(LINK)) {
    chars(text.slice(at, m.index));
    const link = m[2].length <= LIMITS.url ? m[0] : m[1];
    const size = mrkdwn(link).length;
    if (size > max) chars(m[1]);
    else atoms.push({ text: link, size, brk: 0 });
    at = m.index + m[0].length;
  }
  chars(text.slice(at));

  const out: string[] = [];
  let start = 0;
  while (start < atoms.length) {
    let size = 0;
    let end = start;
    let lineBreak = -1;
    let space = -1;
    while (end < atoms.length && size + atoms[end].size <= max) {
      if (atoms[end].brk === 2) lineBreak = end;
      else if (atoms[end].brk === 1) space = end;
      size += atoms[end].size;
      end++;
    }
    if (end < atoms.length) {
      const half = start + (end - start) / 2;
      if (lineBreak > half) end = lineBreak;
      else if (space > half) end = space;
    }
    const piece = atoms.slice(start, Math.max(end, start + 1)).map((a) => a.text).join("").trim();
    if (piece) out.push(piece);
    start = Math.max(end, start + 1);
    while (start < atoms.length && atoms[start].brk > 0) start++;
  }
  return out;
}
/** The first piece of `text` whose mrkdwn fits `max` (with "…" when there was more); still unescaped. */
export function fitText(text: string, max: number): string {
  const pieces = splitMarkdown(text, Math.max(1, max - 1));
  return pieces.length > 1 ? `${pieces[0]}…` : (pieces[0] ?? "");
}

/**
 * Adaptive markdown as mrkdwn pieces of at most `max` characters each. Should
 * `mrkdwn()` ever write more than splitMarkdown reckons, the piece is split again.
 */
export function mrkdwnPieces(text: string, max: number): string[] {
  return splitMarkdown(text, max).flatMap((piece) => {
    const out = mrkdwn(piece);
    if (out.length <= max) return [out];
    const smaller = splitMarkdown(piece, Math.max(1, max - (out.length - max)));
    return smaller.length > 1 ? smaller.flatMap((p) => mrkdwnPieces(p, max)) : [clip(out, max)];
  });
}

/** A context block of one mrkdwn line (already escaped). */
export function contextBlock(text: string): Block {
  return { type: "context", elements: [{ type: "mrkdwn", text: clip(text, LIMITS.contextText) || " " }] };
}

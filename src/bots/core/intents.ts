// Text → intent: the longest phrase that starts the normalised text wins, and
// what follows it is handed to the intent (e.g. "new need printers jam").
import type { IntentDefinition } from "./types.ts";

export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[!?.,:;"'`*_~]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export interface IntentMatch {
  intent: IntentDefinition;
  rest: string;
}

export function matchIntent(intents: IntentDefinition[], text: string): IntentMatch | undefined {
  const raw = text.trim();
  const norm = normalise(raw);
  let best: { intent: IntentDefinition; phrase: string } | undefined;
  for (const intent of intents) {
    for (const phrase of intent.phrases) {
      const p = normalise(phrase);
      if ((norm === p || norm.startsWith(`${p} `)) && (!best || p.length > best.phrase.length)) best = { intent, phrase: p };
    }
  }
  if (!best) return undefined;
  // The rest keeps the person's own casing and punctuation: skip as many words as the phrase has.
  const words = best.phrase.split(" ").length;
  const rest = raw.split(/\s+/).slice(words).join(" ").replace(/^[:\-–]\s*/, "");
  return { intent: best.intent, rest };
}

// Checks a card the way a client would: the `adaptivecards` parser reports
// unknown elements and actions and invalid properties; plus the schema version
// Teams renders (1.5) and the size Teams accepts (about 40 KB per message).
import { createRequire } from "node:module";
import type { AdaptiveCard } from "./elements.ts";

const require = createRequire(import.meta.url);
// The package's ESM build has extension-less imports Node cannot resolve; its UMD build loads anywhere.
const AC = require("adaptivecards/dist/adaptivecards.js") as typeof import("adaptivecards");

export const MAX_CARD_BYTES = 40 * 1024;
const MAX_VERSION = 1.5;

export function cardProblems(json: AdaptiveCard): string[] {
  const problems: string[] = [];
  if (json.type !== "AdaptiveCard") problems.push(`type is ${String(json.type)}`);
  if (!(Number.parseFloat(json.version) <= MAX_VERSION)) problems.push(`version ${json.version} is above ${MAX_VERSION}`);
  const bytes = Buffer.byteLength(JSON.stringify(json));
  if (bytes > MAX_CARD_BYTES) problems.push(`card is ${bytes} bytes, above ${MAX_CARD_BYTES}`);
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  const validation = card.validateProperties();
  for (const e of validation.validationEvents) problems.push(`validate: ${e.message}`);
  return problems;
}

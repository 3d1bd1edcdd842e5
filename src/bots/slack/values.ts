// Button values and modal private_metadata: the `{verb, ...data}` of a card
// action as JSON, deflated when long. Slack caps button values at 2000 and
// private_metadata at 3000 characters, and we keep no server-side copy, so
// what does not fit even deflated is refused (undefined), never cut.
import { deflateRawSync, inflateRawSync } from "node:zlib";

export const MAX_BUTTON_VALUE = 2000;
export const MAX_PRIVATE_METADATA = 3000;
const DEFLATED = "z:";

export function encodeValue(value: Record<string, unknown>, max: number): string | undefined {
  const json = JSON.stringify(value);
  if (json.length <= max) return json;
  const packed = DEFLATED + deflateRawSync(Buffer.from(json, "utf8")).toString("base64");
  return packed.length <= max ? packed : undefined;
}

/** The object in a value we encoded; throws on anything else (forged or outdated values). */
export function decodeValue(text: unknown): Record<string, unknown> {
  if (typeof text !== "string" || text.length > MAX_PRIVATE_METADATA) throw new Error("not a value");
  const json = text.startsWith(DEFLATED)
    ? inflateRawSync(Buffer.from(text.slice(DEFLATED.length), "base64"), { maxOutputLength: 64 * 1024 }).toString("utf8")
    : text;
  const parsed: unknown = JSON.parse(json);
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
  return parsed as Record<string, unknown>;
}

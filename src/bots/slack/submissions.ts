// Slack's submitted state → the flat `{input id: value}` the core gets from an
// Adaptive Card (multi-selects comma-joined, as Adaptive Cards send them).
import type { CardAction } from "../core/types.ts";
import { EXTERNAL_PREFIX, INPUT_ACTION_ID, type ModalMetadata } from "./blockKit.ts";
import { decodeValue } from "./values.ts";

type StateValue = {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[] | null;
  selected_date?: string | null;
  selected_time?: string | null;
};

const MULTI = new Set(["checkboxes", "multi_static_select", "multi_external_select"]);
const SINGLE = new Set(["static_select", "radio_buttons", "external_select"]);
export type StateValues = Record<string, Record<string, StateValue>>;

/** Block id = input id (blockKit.ts); each input block holds one element. */
export function inputValues(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!values || typeof values !== "object") return out;
  for (const [blockId, actions] of Object.entries(values as StateValues)) {
    if (!actions || typeof actions !== "object") continue;
    for (const [actionId, v] of Object.entries(actions)) {
      if (!v || typeof v !== "object") continue;
      const selected = (v.selected_options ?? []).map((o) => String(o?.value ?? ""));
      if (actionId.startsWith("t|")) {
        const [, on, off] = actionId.split("|");
        out[blockId] = selected.includes(on) ? on : off;
      } else if (actionId === INPUT_ACTION_ID || actionId.startsWith(EXTERNAL_PREFIX)) {
        const type = String(v.type ?? "");
        out[blockId] = MULTI.has(type)
          ? selected.join(",")
          : SINGLE.has(type)
            ? String(v.selected_option?.value ?? "")
            : type === "datepicker"
              ? String(v.selected_date ?? "")
              : type === "timepicker"
                ? String(v.selected_time ?? "")
                : String(v.value ?? "");
      }
    }
  }
  return out;
}

/** A view_submission: callback_id is the verb, private_metadata the action data and reply channel. */
export function viewSubmission(view: { callback_id?: unknown; private_metadata?: unknown; state?: { values?: unknown } }): {
  action: CardAction;
  channel?: string;
} {
  const meta = decodeValue(view.private_metadata) as Partial<ModalMetadata>;
  const data = meta.data && typeof meta.data === "object" && !Array.isArray(meta.data) ? meta.data : {};
  const channel = typeof meta.channel === "string" ? meta.channel : undefined;
  return { action: { verb: String(view.callback_id ?? ""), data: { ...data, ...inputValues(view.state?.values) } }, channel };
}

/** A button click: its value is `{verb, ...data}`; "a…" buttons also send the inputs of their message or view. */
export function buttonAction(action: { action_id?: unknown; value?: unknown }, state?: { values?: unknown }): CardAction {
  const { verb, ...data } = decodeValue(action.value);
  const inputs = String(action.action_id ?? "").startsWith("a") ? inputValues(state?.values) : {};
  return { verb: String(verb ?? ""), data: { ...data, ...inputs } };
}

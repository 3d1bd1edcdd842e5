// Request bodies nested deeper than any card action needs are refused while
// they are parsed, on every channel: a probe's 20,000 levels overflowed
// JSON.stringify later on ("turn failed"). Scanning the text needs no recursion.
import express, { type RequestHandler } from "express";

/** Cards nest a few levels; 64 leaves room for any honest payload. */
export const MAX_JSON_DEPTH = 64;

/** How deep arrays and objects nest in the JSON text (strings skipped); stops counting past `stopAt`. */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max && (max = depth) > stopAt) return max;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

export function tooDeep(text: string): boolean {
  return jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH;
}

/** The error body-parser turns into a 400 ("entity.too.deep"). */
function depthError(): Error {
  return Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), { status: 400, type: "entity.too.deep" });
}

/** express.json with the depth check done on the raw text before parsing. */
export function jsonBody(limit: string): RequestHandler {
  return express.json({
    limit,
    verify: (_req, _res, buf) => {
      if (tooDeep(buf.toString("utf8"))) throw depthError();
    },
  });
}

/**
 * For Slack: reads the raw body (kept as `rawBody` for Bolt's signature check)
 * and refuses a JSON body, or a form's `payload`, nested too deep.
 */
export function slackBodyDepth(limit: string): RequestHandler[] {
  const check: RequestHandler = (req, res, next) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    (req as { rawBody?: Buffer }).rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const json = String(req.headers["content-type"] ?? "").includes("json") ? raw : (new URLSearchParams(raw).get("payload") ?? "");
    if (tooDeep(json)) {
      res.status(400).json({ error: "entity.too.deep" });
      return;
    }
    next();
  };
  return [express.raw({ type: () => true, limit }), check];
}

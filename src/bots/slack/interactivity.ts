// Interactivity: button clicks (block_actions) and modal submissions
// (view_submission) become the same `{verb, data}` turns the core gets from
// Teams. A submission is answered in Slack's 3 seconds with the validation
// errors, the next view, or "clear"; replies that are new messages follow.
import type { App as BoltApp } from "@slack/bolt";
import type { CardAction } from "../core/types.ts";
import { DomainError } from "../../domain/errors.ts";
import { CardTooLargeError, choiceOption, clip, expandStep, EXTERNAL_PREFIX, LIMITS, pushedCard, toModal, TOO_LARGE_VERB, type Block } from "./blockKit.ts";
import { person, present, postCard, tellEphemeral, texts, turn, userOf, renderOptions, type Origin, type SlackDeps } from "./present.ts";
import { buttonAction, inputValues, viewSubmission } from "./submissions.ts";
import { decodeValue } from "./values.ts";

type ActionBody = {
  actions?: { action_ts?: string }[];
  user: { id: string; team_id?: string };
  team?: { id?: string } | null;
  trigger_id?: string;
  container?: { type?: string; channel_id?: string; message_ts?: string };
  channel?: { id?: string };
  view?: { id?: string; type?: string; hash?: string };
  state?: { values?: unknown };
  message?: { blocks?: Block[]; text?: string };
};

export function registerInteractivity(bolt: BoltApp, deps: SlackDeps): void {
  bolt.action(/.*/, async ({ ack, action, body }) => {
    await ack();
    if (body.type !== "block_actions" || action.type !== "button") return;
    const b = body as unknown as ActionBody;
    const button = action as { action_id: string; value?: string };
    if (button.value === undefined) return; // a link button: Slack opened the URL
    const user = userOf(b.team?.id ?? b.user.team_id, b.user.id);
    if (!user) return;
    // A replayed request (same signed body within Slack's five minutes) carries the same action_ts: handled once.
    const actionTs = b.actions?.[0]?.action_ts;
    if (actionTs && !(await deps.app.store.inbound.firstSeen("slack", `action:${b.user.id}:${actionTs}`))) {
      deps.app.log.info({ actionTs }, "slack: repeated block action ignored");
      return;
    }
    const channel = b.container?.type === "message" ? b.channel?.id : undefined;
    const who = await person(deps, user);
    if (button.action_id.startsWith("p")) {
      await pushShowCard(button.value, b.trigger_id, { user, person: who, channel });
      return;
    }
    if (button.action_id.startsWith("e")) {
      await expandShowCard({ action_id: button.action_id, value: button.value }, b, { user, person: who, channel });
      return;
    }
    let cardAction: CardAction;
    try {
      cardAction = buttonAction(button, b.state);
    } catch {
      await tellEphemeral(deps, { user, channel, locale: who.locale }, "slack.badValue");
      return;
    }
    if (cardAction.verb === TOO_LARGE_VERB) {
      await tellEphemeral(deps, { user, channel, locale: who.locale }, "slack.tooLarge");
      return;
    }
    const origin: Origin = {
      user,
      person: who,
      triggerId: b.trigger_id,
      ...(b.container?.type === "message" && b.container.channel_id && b.container.message_ts
        ? { message: { channel: b.container.channel_id, ts: b.container.message_ts, hasInputs: Object.keys(inputValues(b.state?.values)).length > 0 } }
        : {}),
      ...(b.view?.type === "modal" && b.view.id ? { viewId: b.view.id } : {}),
    };
    // The clicked card: a message (channel and ts) or a modal (view id and hash).
    const submission = origin.message ? `message:${origin.message.channel}:${origin.message.ts}` : b.view?.id ? `view:${b.view.id}:${b.view.hash ?? ""}` : undefined;
    await present(deps, origin, await turn(deps, origin, { action: cardAction, submission }));
  });

  bolt.view(/.*/, async ({ ack, body, view }) => {
    // Slack waits 3 seconds for this answer; a failure still answers (and the person is told), never a 500.
    let acked = false;
    const answer = async (response?: never) => {
      acked = true;
      await ack(response);
    };
    try {
      await submit(body, view, answer);
    } catch (err) {
      deps.app.log.error({ err }, "view submission failed");
      if (acked) return;
      await answer();
      const user = userOf(body.team?.id ?? body.user.team_id, body.user.id);
      if (user) await tellEphemeral(deps, { user }, "errors.unexpected").catch(() => undefined);
    }
  });

  async function submit(
    body: { team?: { id?: string } | null; user: { id: string; team_id?: string } },
    view: { id?: string; hash?: string; blocks: unknown[]; callback_id: string; private_metadata: string; state: { values: unknown } },
    ack: (response?: never) => Promise<void>,
  ): Promise<void> {
    const user = userOf(body.team?.id ?? body.user.team_id, body.user.id);
    if (!user) {
      await ack();
      return;
    }
    const who = await person(deps, user);
    let submitted: ReturnType<typeof viewSubmission>;
    try {
      submitted = viewSubmission(view);
    } catch {
      await ack();
      await tellEphemeral(deps, { user, locale: who.locale }, "slack.badRequest");
      return;
    }
    const origin: Origin = { user, person: who, channel: submitted.channel };
    // Slack's view id and hash name this form as shown: a replayed submission of it makes no second change.
    const reply = await turn(deps, origin, { action: submitted.action, submission: view.id ? `view:${view.id}:${view.hash ?? ""}` : undefined });
    const t = texts(origin);
    // Errors keyed by block id = input id; only fields this view has (Slack rejects unknown block ids).
    const inputIds = new Set(((view.blocks ?? []) as Block[]).filter((b) => b.type === "input").map((b) => String(b.block_id)));
    const errors = Object.fromEntries(
      Object.entries(reply.fieldErrors ?? {})
        .filter(([field]) => inputIds.has(field))
        .map(([field, message]) => [field, clip(message, 2000)]),
    );
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: "errors", errors } as never);
      return;
    }
    let next: ReturnType<typeof toModal> | undefined;
    let tooLarge = false;
    try {
      next = reply.replace ? toModal(reply.replace, t, { channel: submitted.channel, ...renderOptions(deps) }) : undefined;
    } catch (err) {
      if (!(err instanceof CardTooLargeError)) throw err;
      deps.app.log.warn({ err }, "card too large for Slack");
      tooLarge = true;
    }
    if (next) await ack({ response_action: "update", view: next } as never);
    else await ack({ response_action: "clear" } as never);
    if (tooLarge) await tellEphemeral(deps, { user, locale: who.locale }, "slack.formTooLarge");
    for (const card of reply.cards) await postCard(deps, origin, card);
  }

  /** An Action.ShowCard in a modal: its card as a pushed view (views.push); its submit goes through view_submission. */
  async function pushShowCard(value: string, triggerId: string | undefined, origin: Origin): Promise<void> {
    let card;
    try {
      card = pushedCard(decodeValue(value));
    } catch {
      card = undefined;
    }
    if (!card || !triggerId) {
      await tellEphemeral(deps, { user: origin.user, locale: origin.person.locale }, "slack.badValue");
      return;
    }
    await deps.client.views.push({ trigger_id: triggerId, view: toModal(card, texts(origin), { channel: origin.channel, ...renderOptions(deps) }) as never });
  }

  /** An Action.ShowCard in a message: its card expanded in place (chat.update), or posted on its own when it does not fit. */
  async function expandShowCard(button: { action_id: string; value: string }, b: ActionBody, origin: Origin): Promise<void> {
    let value: Record<string, unknown>;
    try {
      value = decodeValue(button.value);
    } catch {
      await tellEphemeral(deps, { user: origin.user, channel: origin.channel, locale: origin.person.locale }, "slack.badValue");
      return;
    }
    const card = pushedCard(value);
    const where = b.container?.type === "message" && b.container.channel_id && b.container.message_ts ? b.container : undefined;
    const blocks = where && Array.isArray(b.message?.blocks) ? expandStep(b.message.blocks, button.action_id, value, texts(origin), renderOptions(deps)) : undefined;
    if (blocks && where) await deps.client.chat.update({ channel: where.channel_id!, ts: where.message_ts!, blocks: blocks as never, text: b.message?.text ?? " " });
    else if (card) await postCard(deps, origin, card);
    else await tellEphemeral(deps, { user: origin.user, channel: origin.channel, locale: origin.person.locale }, "slack.badValue");
  }

  // Type-ahead of an external select (a choice list over Slack's 100): the form is built again by the core for
  // the acting person (so their permissions apply) from the card's source action carried in the action id.
  bolt.options(/.*/, async ({ ack, body }) => {
    const b = body as unknown as { action_id?: string; block_id?: string; value?: string; user?: { id?: string; team_id?: string }; team?: { id?: string } | null };
    const user = userOf(b.team?.id ?? b.user?.team_id, b.user?.id);
    if (!user || !b.action_id?.startsWith(EXTERNAL_PREFIX) || !b.block_id) {
      await ack({ options: [] });
      return;
    }
    try {
      const { verb, ...data } = decodeValue(b.action_id.slice(EXTERNAL_PREFIX.length));
      const who = await person(deps, user);
      const found = await deps.app.router.choices({ person: who, platform: "slack", personal: true }, { verb: String(verb ?? ""), data }, b.block_id, String(b.value ?? ""), LIMITS.options);
      await ack({ options: found.map(choiceOption) } as never);
    } catch (err) {
      if (err instanceof DomainError) deps.app.log.info({ code: err.code, userId: user.userId }, `options refused: ${err.message}`);
      else deps.app.log.error({ err }, "options request failed");
      await ack({ options: [] });
    }
  });

  bolt.error(async (err) => {
    deps.app.log.error({ err }, "Slack listener failed");
  });
}

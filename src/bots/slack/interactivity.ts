// Interactivity: button clicks (block_actions) and modal submissions
// (view_submission) become the same `{verb, data}` turns the core gets from
// Teams. A submission is answered in Slack's 3 seconds with the validation
// errors, the next view, or "clear"; replies that are new messages follow.
import type { App as BoltApp } from "@slack/bolt";
import type { CardAction } from "../core/types.ts";
import { clip, toModal, TOO_LARGE_VERB, type Block } from "./blockKit.ts";
import { person, present, postCard, tellEphemeral, texts, turn, userOf, type Origin, type SlackDeps } from "./present.ts";
import { buttonAction, inputValues, viewSubmission } from "./submissions.ts";

type ActionBody = {
  user: { id: string; team_id?: string };
  team?: { id?: string } | null;
  trigger_id?: string;
  container?: { type?: string; channel_id?: string; message_ts?: string };
  channel?: { id?: string };
  view?: { id?: string; type?: string };
  state?: { values?: unknown };
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
    const channel = b.container?.type === "message" ? b.channel?.id : undefined;
    const who = await person(deps, user);
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
    await present(deps, origin, await turn(deps, origin, { action: cardAction }));
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
    view: { blocks: unknown[]; callback_id: string; private_metadata: string; state: { values: unknown } },
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
    const reply = await turn(deps, origin, { action: submitted.action });
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
    if (reply.replace) await ack({ response_action: "update", view: toModal(reply.replace, t, { channel: submitted.channel }) } as never);
    else await ack({ response_action: "clear" } as never);
    for (const card of reply.cards) await postCard(deps, origin, card);
  }

  // The bot's selects are static, so external option requests get none.
  bolt.options(/.*/, async ({ ack }) => {
    await ack({ options: [] });
  });

  bolt.error(async (err) => {
    deps.app.log.error({ err }, "Slack listener failed");
  });
}

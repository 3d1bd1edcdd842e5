// The Teams endpoint: botbuilder's CloudAdapter with ConfigurationBotFrameworkAuthentication
// at POST /api/messages. Without MicrosoftAppId it runs in local development
// mode: no inbound auth, and the connector client sends to the activity's
// serviceUrl without a token (botframework-connector's
// PasswordServiceClientCredentialFactory answers MicrosoftAppCredentials.Empty),
// so it only accepts activities whose serviceUrl is loopback (serviceUrl.ts).
import express from "express";
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type InvokeResponse,
  type TurnContext,
} from "botbuilder";
import { z } from "zod";
import type { App } from "../../app.ts";
import { cardContext } from "../../cards/context.ts";
import { errorCard } from "../../cards/messages.ts";
import type { Config } from "../../config.ts";
import type { Logger } from "../../log.ts";
import type { Deliverer } from "../delivery.ts";
import { createActivityHandler } from "./activities.ts";
import { createTeamsDeliverer } from "./proactive.ts";
import { answerInvoke, cardMessage, invokeMessage } from "./replies.ts";
import { localeFrom } from "./roster.ts";
import { serviceUrlRefusal } from "./serviceUrl.ts";
import { typingIndicator } from "./typing.ts";

/** CloudAdapter with the one call the HTTP route needs: `process` answers a body without a type, or any failure but a rejected token, with 500. */
export class TeamsAdapter extends CloudAdapter {
  receive(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/**
 * The connector client retries 5xx and 429 by itself (core-rest-pipeline's
 * retry policies: up to three times, waiting each Retry-After). For proactive
 * sends that hides a 429 from the outbox's pacing, holds a send slot for
 * seconds and can outlast the send timeout; the outbox decides retries itself,
 * so its adapter's clients have no retry phase.
 */
function withoutConnectorRetries(auth: ConfigurationBotFrameworkAuthentication): void {
  const createFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (claims) => {
    const factory = createFactory(claims);
    const create = factory.create.bind(factory);
    factory.create = async (serviceUrl, audience) => {
      const client = await create(serviceUrl, audience);
      (client as unknown as { client?: { pipeline?: { removePolicy(o: { phase: "Retry" }): unknown } } }).client?.pipeline?.removePolicy({ phase: "Retry" });
      return client;
    };
    return factory;
  };
}

export function createTeamsAdapter(config: Config, log: Logger, options: { connectorRetries?: boolean } = {}): TeamsAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication(
    config.teams
      ? {
          MicrosoftAppId: config.teams.appId,
          MicrosoftAppPassword: config.teams.appPassword,
          MicrosoftAppType: config.teams.appType,
          MicrosoftAppTenantId: config.teams.tenantId,
        }
      : {},
  );
  if (options.connectorRetries === false) withoutConnectorRetries(auth);
  const adapter = new TeamsAdapter(auth);
  adapter.use(typingIndicator(log));
  adapter.onTurnError = async (context, err) => {
    const { activity } = context;
    log.error({ err, type: activity.type, name: activity.name, activityId: activity.id }, "teams turn failed");
    const ctx = cardContext(localeFrom(activity.locale, config.defaultLocale), config.timezone);
    try {
      if (activity.type === ActivityTypes.Invoke) await answerInvoke(context, invokeMessage(ctx.t("errors.unexpected")));
      else if (activity.type === ActivityTypes.Message) await context.sendActivity(cardMessage(errorCard(ctx, ctx.t("errors.unexpected"))));
    } catch (sendErr) {
      log.warn({ err: (sendErr as Error).message }, "teams: could not tell the person about the failure");
    }
  };
  return adapter;
}

const KNOWN_TYPES = Object.values(ActivityTypes) as [string, ...string[]];
const account = z.looseObject({ id: z.string().min(1).max(1024) });
/** What every activity needs before it is authenticated and handled; the rest is checked where it is read. */
const activityShape = z.looseObject({
  type: z.enum(KNOWN_TYPES),
  id: z.string().max(1024).optional(),
  channelId: z.string().min(1).max(100),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  from: account,
  recipient: account,
  conversation: account,
});

/** The HTTP status for a request the adapter refused before any turn ran (authentication). */
function failureStatus(err: unknown): number {
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) return status;
  if (/^unauthorized/i.test(String((err as Error).message))) return 401;
  // The token could not be checked (signing keys unreachable): the Bot Connector retries later.
  return 503;
}

/** The loaded Teams endpoint: the /api/messages handler and proactive delivery (mount.ts loads it on first use). */
export interface TeamsEndpoint {
  handle(req: express.Request, res: express.Response): Promise<void>;
  deliverer: Deliverer;
}

export function createTeamsEndpoint(app: App): TeamsEndpoint {
  const adapter = createTeamsAdapter(app.config, app.log);
  const onActivity = createActivityHandler(app);
  return {
    deliverer: createTeamsDeliverer({ adapter: createTeamsAdapter(app.config, app.log, { connectorRetries: false }), app }),
    async handle(req, res) {
      const parsed = activityShape.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({ error: "expected a Bot Framework activity (type, channelId, serviceUrl, from, recipient, conversation)" });
        return;
      }
      const refusal = serviceUrlRefusal(app.config, parsed.data.serviceUrl);
      if (refusal) {
        app.log.warn({ serviceUrl: parsed.data.serviceUrl.slice(0, 200), type: parsed.data.type }, `teams: activity refused: ${refusal}`);
        res.status(400).json({ error: refusal });
        return;
      }
      const authHeader = String(req.headers.authorization ?? "");
      try {
        const invoke = await adapter.receive(authHeader, req.body as Activity, onActivity);
        res.status(invoke?.status ?? 200);
        if (invoke?.body !== undefined) res.json(invoke.body);
        else res.end();
      } catch (err) {
        const status = failureStatus(err);
        app.log.warn({ status, err: (err as Error).message, type: parsed.data.type }, "teams: activity rejected");
        res.status(status).json({ error: status === 401 || status === 403 ? "unauthorized" : "could not verify the request" });
      }
    },
  };
}

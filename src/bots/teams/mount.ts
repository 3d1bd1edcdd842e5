// Mounts the Teams endpoint without loading botbuilder: the SDK takes about a
// second to load, most of a cold start, so it loads with the first activity
// or proactive send instead (the Bot Connector waits up to 15 s for an answer).
import type { App } from "../../app.ts";
import type { ChannelMount } from "../../server.ts";
import type { Deliverer } from "../delivery.ts";
import { jsonBody } from "../jsonDepth.ts";
import type { TeamsEndpoint } from "./adapter.ts";

export function createTeamsMount(): ChannelMount {
  return (server, app: App) => {
    let loading: Promise<TeamsEndpoint> | undefined;
    const endpoint = () =>
      (loading ??= import("./adapter.ts").then(
        (m) => m.createTeamsEndpoint(app),
        (err) => {
          loading = undefined; // the next request tries again
          throw err;
        },
      ));
    const deliverer = async () => (await endpoint()).deliverer;
    app.deliverers.set("teams", {
      platform: "teams",
      deliver: async (target, card) => (await deliverer()).deliver(target, card),
      update: async (ref, card) => (await deliverer()).update!(ref, card),
    } satisfies Deliverer);

    server.post("/api/messages", jsonBody("256kb"), async (req, res, next) => {
      try {
        await (await endpoint()).handle(req, res);
      } catch (err) {
        next(err);
      }
    });
  };
}

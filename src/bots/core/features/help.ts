import { helpCard } from "../../../cards/messages.ts";
import { reply, type Feature } from "../types.ts";

export function createHelpFeature(): Feature {
  return {
    intents: [
      {
        name: "help",
        phrases: ["help", "hjälp", "hjalp", "?"],
        helpKey: "help.help",
        handle: async (ctx) => reply(helpCard(ctx, ctx.helpLines())),
      },
    ],
    actions: {
      "help.show": async (ctx) => reply(helpCard(ctx, ctx.helpLines())),
    },
  };
}

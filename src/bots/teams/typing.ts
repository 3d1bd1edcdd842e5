// "Typing…" while a message takes more than a moment to answer. botbuilder's
// ShowTypingMiddleware hands a failed typing send to onTurnError, which would
// tell the person their whole message failed; here a failed indicator is only logged.
import { ActivityTypes, type Middleware, type TurnContext } from "botbuilder";
import type { Logger } from "../../log.ts";

export function typingIndicator(log: Logger, delayMs = 800, periodMs = 3000): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>) {
      if (context.activity.type !== ActivityTypes.Message) return next();
      let finished = false;
      let timer: NodeJS.Timeout | undefined;
      const schedule = (ms: number) => {
        timer = setTimeout(() => {
          if (finished) return;
          context.sendActivity({ type: ActivityTypes.Typing }).then(
            () => schedule(periodMs),
            (err: Error) => log.debug({ err: err.message }, "teams: typing indicator not sent"),
          );
        }, ms);
      };
      schedule(delayMs);
      try {
        await next();
      } finally {
        finished = true;
        clearTimeout(timer);
      }
    },
  };
}

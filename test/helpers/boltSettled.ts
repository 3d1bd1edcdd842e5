// Bolt acknowledges a Slack request before its listeners run (the server uses
// processBeforeResponse: false), so a 200 says nothing about what the bot then
// did, and "wait a while, then check nothing happened" can pass wrongly on a
// busy machine. Bolt's receiver calls App.processEvent once per verified
// request, and that promise resolves only after every listener has finished:
// tracking it gives a barrier with no clock in it.
import { App } from "@slack/bolt";

const inFlight = new Set<Promise<unknown>>();
let accepted = 0;
const TRACKED = Symbol.for("samordna.test.boltTracked");

type Tracked = App["processEvent"] & { [TRACKED]?: true };

/** Starts tracking (once per process); safe to call from every test file. */
export function trackBolt(): void {
  const original = App.prototype.processEvent as Tracked;
  if (original[TRACKED]) return;
  const tracked = function (this: App, ...args: Parameters<App["processEvent"]>) {
    accepted++;
    const run = original.apply(this, args);
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run)).catch(() => {});
    return run;
  } as Tracked;
  tracked[TRACKED] = true;
  App.prototype.processEvent = tracked;
}

/** How many requests Bolt has accepted (signature valid) so far. */
export const boltAccepted = (): number => accepted;

/** Resolves once every request Bolt has accepted so far has finished running its listeners. */
export async function boltSettled(): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
}

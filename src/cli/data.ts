// Data commands: export needs (CSV or JSON) and erase a person (GDPR).
import { plainText } from "../cards/elements.ts";
import { notificationCard } from "../cards/notification.ts";
import { loadConfig } from "../config.ts";
import { createErasureService, erasedName } from "../domain/erasure.ts";
import type { Need } from "../domain/types.ts";
import { openStore } from "../store/index.ts";
import { csvLine, flagValue } from "./csv.ts";
import { exportResearch, RESEARCH_USAGE } from "./research.ts";
import type { CliCommandDefinition, CliIo } from "./types.ts";

const PAGE = 500;
const COLUMNS: (keyof Need)[] = [
  "reference",
  "status",
  "title",
  "problem",
  "affected",
  "benefit",
  "sustainability",
  "urgency",
  "departmentName",
  "reporterName",
  "workPackageCode",
  "supporterCount",
  "outcome",
  "createdAt",
  "updatedAt",
];

async function exportNeeds(args: string[], io: CliIo): Promise<number> {
  if (args[0] === "research") return exportResearch(args.slice(1), io);
  if (args[0] !== "needs") {
    io.err(`Usage: export needs --format csv|json\n       ${RESEARCH_USAGE}`);
    return 2;
  }
  const format = flagValue(args, "--format") ?? "csv";
  if (format !== "csv" && format !== "json") {
    io.err(`Unknown format "${format}": use csv or json`);
    return 2;
  }
  const store = await openStore(loadConfig().databaseUrl);
  try {
    const total = await store.needs.count();
    if (format === "csv") io.out(COLUMNS.join(","));
    else io.out("[");
    let afterId = 0;
    let done = 0;
    for (;;) {
      const page = await store.needs.page(afterId, PAGE);
      if (page.length === 0) break;
      for (const need of page) {
        if (format === "csv") io.out(csvLine(COLUMNS, need));
        else io.out(`${done > 0 ? "," : ""}${JSON.stringify(Object.fromEntries(COLUMNS.map((c) => [c, need[c]])))}`);
        done++;
      }
      afterId = page.at(-1)!.id;
      io.err(`exported ${done}/${total} needs`);
    }
    if (format === "json") io.out("]");
    return 0;
  } finally {
    await store.close();
  }
}

async function personCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, email] = args;
  if ((sub !== "erase" && sub !== "export") || !email) {
    io.err("Usage: person erase <email> | person export <email>");
    return 2;
  }
  const store = await openStore(loadConfig().databaseUrl);
  try {
    const person = await store.people.byEmail(email);
    if (!person) {
      io.err(`No person with e-mail ${email}`);
      return 1;
    }
    if (sub === "export") {
      io.out(JSON.stringify(await store.erasure.personalData(person.id), null, 2));
      return 0;
    }
    const { workPackages } = await createErasureService(store, { clock: () => new Date(), render: notificationCard, shownAs: plainText }).erase(person);
    io.out(`Erased the personal data of person ${person.id}. Their needs remain, attributed to "${erasedName(person.id)}".`);
    if (workPackages.length) io.out(`Roles cleared (the coordinators are told): ${workPackages.map((wp) => `${wp.as} of ${wp.code}`).join(", ")}`);
    return 0;
  } finally {
    await store.close();
  }
}

export const dataCommands: Record<string, CliCommandDefinition> = {
  export: {
    usage: `export needs --format csv|json  write all needs to standard output\n  ${RESEARCH_USAGE}  pseudonymised dataset for research (needs RESEARCH_KEY)`,
    run: exportNeeds,
  },
  person: { usage: "person erase|export <email>  erase a person's personal data, or write all of it as JSON (GDPR)", run: personCommand },
};

// Runs one CLI command in-process and captures its standard output and error lines.
import { runCli } from "../../src/cli.ts";

export async function runCommand(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

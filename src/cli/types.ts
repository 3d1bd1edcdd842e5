export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** A command: its arguments after the name; returns the exit code. */
export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

export interface CliCommandDefinition {
  run: CliCommand;
  /** One usage line, e.g. "jobs run <name> [--at ISO-TIME] [--dry-run]". */
  usage: string;
}

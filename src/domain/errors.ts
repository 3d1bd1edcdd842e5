// The one error type of the domain. The core router turns it into a card,
// in exactly one place; `code` is also the i18n key suffix (errors.<code>).
export type DomainErrorCode =
  | "not_found"
  | "forbidden"
  | "invalid_state"
  | "conflict"
  | "invalid_input"
  | "unknown_action"
  | "too_large";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** The message for one invalid field: an i18n key and its parameters. */
export interface FieldError {
  key: string;
  params?: Record<string, string | number>;
}

/** A form with invalid fields: field id → message. */
export class ValidationError extends Error {
  constructor(readonly fields: Record<string, FieldError>) {
    super(`Invalid fields: ${Object.keys(fields).join(", ")}`);
    this.name = "ValidationError";
  }
}

/**
 * A submission already handled (a double click, a replayed delivery): the row
 * it created carries its key, and the insert of this one was refused.
 */
export class RepeatedSubmissionError extends Error {
  constructor(readonly key: string) {
    super("submission already handled");
    this.name = "RepeatedSubmissionError";
  }
}

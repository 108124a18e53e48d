/** The one error hierarchy: every error a user can cause carries a stable `code` that the CLI and API map. */
export class OrtfleetError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input from a user (spec, flags, files, API parameters): CLI exit code 2, HTTP 400. */
export class BadInputError extends OrtfleetError {
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super('bad_input', message);
  }
}

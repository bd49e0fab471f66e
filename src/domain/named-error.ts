/**
 * An error whose `name` is its class's name (`SourceResetError`, not `Error`), as logs, `String(err)` and
 * `err.name` checks read it; extend it instead of setting `this.name` in every constructor.
 */
export class NamedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

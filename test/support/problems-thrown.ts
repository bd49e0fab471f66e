/**
 * The `problems` of the error of class `ErrorClass` that `check` throws, or none when it passes (any other
 * error is rethrown): how the specs of the validators that list every problem at once read them.
 */
export function problemsThrown(check: () => unknown, ErrorClass: new (...args: never[]) => { problems: string[] }): string[] {
  try {
    check();
  } catch (e) {
    if (e instanceof ErrorClass) return e.problems;
    throw e;
  }
  return [];
}

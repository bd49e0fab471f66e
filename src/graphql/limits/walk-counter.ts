/**
 * Selection nodes visited by the checks that run before execution (the
 * pre-parse check and the cost measure), summed over the process. Tests read
 * it to show that every check is linear in the document's size: a fragment is
 * walked once, however often it is spread.
 */
export const limitWalkCounter = { visited: 0 };

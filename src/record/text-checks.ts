// Checks on text that the schema refines strings with, by name, so that the fast parser's shipped
// plans (line-plans.ts) can name them: a plan is plain data and cannot hold a function.

/** A date string Date.parse understands (an event's `at`). */
export function isDateText(s: string): boolean {
  return !Number.isNaN(Date.parse(s));
}

export const NAMED_CHECKS = { isDateText } as const;
export type NamedCheck = keyof typeof NAMED_CHECKS;

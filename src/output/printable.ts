/**
 * Text from the input (annotation values quoted in messages, names, ConfigMap values) made safe to print on a
 * terminal. A value may carry escape sequences (a changed window title, a cleared screen, hyperlinks), a carriage
 * return or newline that starts a forged line, or a bidi override that reorders what is shown: each is printed as a
 * visible `\uXXXX` escape, a line break as a space (as markdown does), so that a diagnostic stays one line.
 */
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
/** Any character one of the replacements below changes (line breaks and tab included). */
const CHANGED = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

export function printable(s: string): string {
  // Nearly every text is printable already: one test instead of three replacements.
  if (!CHANGED.test(s)) return s
  return s.replace(/\r?\n|\r/g, ' ').replace(/\t/g, ' ').replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** A copy of a JSON-shaped value with every string printable. */
export function printableDeep<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, v) => (typeof v === 'string' ? printable(v) : v)) as T
}

/**
 * Followed logs over the API are one text stream: what AIMS itself says in it (`web-1 restarted; following
 * the new container`) is a line of its own starting `aims: `. No log line can start so: each starts with
 * `<service>-<replica> | `, and a service name has no colon.
 */
const NOTE = "aims: ";

/** A note as its line in a log stream. */
export function logNoteLine(message: string): string {
  return `${NOTE}${message}\n`;
}

/** The note a log stream line carries, or undefined for a log line. */
export function logNoteOf(line: string): string | undefined {
  return line.startsWith(NOTE) ? line.slice(NOTE.length).replace(/\n$/, "") : undefined;
}

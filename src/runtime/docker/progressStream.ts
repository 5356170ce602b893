import type Dockerode from "dockerode";
import type { ProgressSink } from "../RuntimeDriver.js";

/** One JSON line of a pull or build stream. */
export interface ProgressEvent {
  status?: string;
  id?: string;
  progress?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** A human line for one pull/build event, or undefined when the event carries nothing worth showing. */
export function describeProgress(event: ProgressEvent): string | undefined {
  if (typeof event.stream === "string") {
    const text = event.stream.trim();
    return text.length > 0 ? text : undefined;
  }
  if (typeof event.status === "string") {
    const parts = [event.id ? `${event.id}: ${event.status}` : event.status];
    if (event.progress) parts.push(event.progress);
    return parts.join(" ");
  }
  return undefined;
}

/** The first error a stream reported in-band (the engine answers 200, then writes `{"error": ...}`). */
export function streamError(events: ProgressEvent[]): string | undefined {
  const failed = events.find((e) => e.error !== undefined || e.errorDetail !== undefined);
  if (!failed) return undefined;
  return (failed.errorDetail?.message ?? failed.error ?? "unknown error").trim();
}

/**
 * Reads a pull/build stream to its end, reporting each event; resolves with every event so the caller can
 * look for an in-band error, rejects when the stream itself breaks (e.g. aborted).
 */
export function followProgress(
  modem: Dockerode["modem"],
  stream: NodeJS.ReadableStream,
  onProgress?: ProgressSink,
): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    modem.followProgress(
      stream,
      (err: Error | null, events: ProgressEvent[]) => (err ? reject(err) : resolve(events)),
      (event: ProgressEvent) => {
        const line = describeProgress(event);
        if (line !== undefined && onProgress) onProgress(line);
      },
    );
  });
}

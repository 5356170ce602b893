import type { EventRow } from "../../store/eventLog.js";
import { WireFrame } from "../streams/eventStreamWriter.js";

/** An event as clients see it (JSON pages and the `data:` line of a stream). */
export interface EventView {
  seq: number;
  id: string;
  type: string;
  tenant: string | null;
  subject: string | null;
  time: string;
  data: unknown;
}

/** Shapes an event row. */
export function toEventView(row: EventRow, tenantName: string | null): EventView {
  return {
    seq: row.seq,
    id: row.id,
    type: row.type,
    tenant: tenantName,
    subject: row.subject,
    time: row.created_at,
    data: JSON.parse(row.data) as unknown,
  };
}

const frames = new WeakMap<EventRow, WireFrame>();

/**
 * One server-sent event: the seq is its id, so a reconnect's Last-Event-ID resumes right after it. The hub hands
 * the same row object to every stream, so the frame is serialised (and encoded) once per event, not once per
 * subscriber.
 */
export function sseFrame(row: EventRow, tenantName: string | null): WireFrame {
  let frame = frames.get(row);
  if (frame === undefined) {
    frame = new WireFrame(
      `id: ${row.seq}\nevent: ${row.type}\ndata: ${JSON.stringify(toEventView(row, tenantName))}\n\n`,
    );
    frames.set(row, frame);
  }
  return frame;
}

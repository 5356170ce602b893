import { useEffect, useRef, useState } from "react";
import { openEventStream, type StreamState } from "../api/eventStream";
import type { EventView } from "../api/types";

/**
 * The tenant's instance events as they happen (`GET /v1/events?topics=instance.*&tenant=`, server-sent): calls
 * `onEvent` for each, and says whether the stream is live. The stream resumes after a drop without losing any.
 */
export function useInstanceEvents(tenant: string, onEvent: (event: EventView) => void): StreamState {
  const [state, setState] = useState<StreamState>("connecting");
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(
    () =>
      openEventStream({
        topics: "instance.*",
        tenant,
        onEvent: (event) => handler.current(event),
        onState: setState,
      }),
    [tenant],
  );
  return state;
}

/** The instance's name an event is about (every instance event carries it). */
export function eventInstanceName(event: EventView): string | undefined {
  const name = (event.data as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : undefined;
}

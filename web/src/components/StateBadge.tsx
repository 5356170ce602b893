import { Badge } from "@mantine/core";

const COLORS: Record<string, string> = {
  ready: "green",
  running: "green",
  deploying: "blue",
  updating: "blue",
  starting: "blue",
  pending: "blue",
  stopping: "yellow",
  stopped: "gray",
  suspended: "orange",
  degraded: "orange",
  removing: "gray",
  removed: "gray",
  failed: "red",
  rolled_back: "orange",
  healthy: "green",
};

/** An instance's (or a revision's) state, coloured by what it means; the word is always shown. */
export function StateBadge({ state }: { state: string }) {
  return (
    <Badge color={COLORS[state] ?? "gray"} variant="light" data-state={state} miw="max-content">
      {state.replace("_", " ")}
    </Badge>
  );
}

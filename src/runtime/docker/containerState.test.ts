import type Dockerode from "dockerode";
import { describe, expect, it } from "vitest";
import { summaryToContainerState } from "./containerState.js";

const summary = (State: string, Status: string) =>
  ({
    Id: "c1",
    Names: ["/web-1"],
    Image: "img:1",
    Labels: {},
    State,
    Status,
  }) as unknown as Dockerode.ContainerInfo;

describe("summaryToContainerState", () => {
  it("counts a paused container as running (an export freezes it while it copies its volumes)", () => {
    expect(summaryToContainerState(summary("paused", "Up 3 minutes (Paused)"))).toMatchObject({
      running: true,
      status: "paused",
    });
  });

  it("reads an exited container's exit code from its status text", () => {
    expect(summaryToContainerState(summary("exited", "Exited (137) 2 seconds ago"))).toMatchObject({
      running: false,
      exitCode: 137,
    });
  });
});

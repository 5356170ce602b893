import type { Actor } from "../../lifecycle/actor.js";
import type { Platform } from "../../platform.js";
import { hostCaller } from "../../tenancy/principal.js";
import type { AcheevyClient } from "./acheevyClient.js";

/**
 * ACHEEVY on the host: the person at this terminal is the host caller (the operator), so "yes" in `aims chat`
 * and `aims approvals approve` decide as the CLI on the host. Chat turns are audited from `acheevy cli`.
 */
export function localAcheevy(platform: () => Promise<Platform>, actor: Actor): AcheevyClient {
  const person = hostCaller(actor);
  return {
    async chat(request, onEvent) {
      const [{ runChatTurn }, { builtInEngine }] = await Promise.all([
        import("../../ai/chat/chatTurn.js"),
        import("../../ai/chat/engine.js"),
      ]);
      const input = {
        message: request.message,
        dryRun: request.dryRun,
        ...(request.conversation ? { conversation: request.conversation } : {}),
      };
      const chatCaller = hostCaller({ id: actor.id, source: `acheevy ${actor.source}` });
      return runChatTurn(await platform(), chatCaller, request.tenant, input, await builtInEngine(), onEvent);
    },
    async listApprovals(tenant, status) {
      const { listApprovals } = await import("../../approvals/listApprovals.js");
      return listApprovals(await platform(), person, tenant, { ...(status ? { status } : {}), limit: 500 });
    },
    async getApproval(tenant, id) {
      const { getApproval } = await import("../../approvals/listApprovals.js");
      return getApproval(await platform(), person, tenant, id);
    },
    async decideApproval(tenant, id, decision, progress) {
      const { decideApproval } = await import("../../approvals/decideApproval.js");
      return (await decideApproval(await platform(), person, tenant, id, decision, progress)).approval;
    },
    async approvalPolicy(tenant) {
      const { getApprovalPolicy } = await import("../../approvals/approvalPolicy.js");
      return getApprovalPolicy(await platform(), person, tenant);
    },
    async setApprovalPolicy(tenant, policy) {
      const { setApprovalPolicy } = await import("../../approvals/approvalPolicy.js");
      return setApprovalPolicy(await platform(), person, tenant, { policy });
    },
  };
}

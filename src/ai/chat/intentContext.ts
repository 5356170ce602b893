import type { OperationContext } from "../../context.js";
import { parseSpec } from "../../domain/instanceSpec.js";
import { listMessages } from "../../store/conversationRepository.js";
import { listInstances } from "../../store/instanceRepository.js";
import type { TenantRow } from "../../store/tenantRepository.js";
import type { IntentContext, ToolCall } from "../intent/types.js";
import { isToolName } from "../tools/registry.js";
import type { TurnView } from "./turnView.js";

/** How many earlier turns the engine is shown. */
const HISTORY_TURNS = 20;

/** The catalog as the engine sees it (the same for every tenant), built once per catalog. */
const catalogs = new WeakMap<object, IntentContext["catalog"]>();

function catalogOf(p: OperationContext): IntentContext["catalog"] {
  const catalog = p.catalog;
  let view = catalogs.get(catalog);
  if (!view) {
    view = catalog.entries.map(({ plug }) => ({
      id: plug.id,
      title: plug.name,
      description: plug.description,
      category: plug.category,
      tags: plug.tags,
      inputs: plug.inputs.map((i) => ({
        key: i.key,
        type: i.type,
        required: Boolean(i.required),
        description: i.help ? `${i.question} ${i.help}` : i.question,
        ...(i.type === "int" ? { min: i.min, max: i.max } : {}),
        ...(i.type === "enum" ? { values: i.values } : {}),
      })),
      services: plug.services.map((s) => s.name),
    }));
    catalogs.set(catalog, view);
  }
  return view;
}

/**
 * What the engine knows when it reads an utterance: this tenant's instances (names, plugs, states, services),
 * the catalog, and the conversation so far (what the person said, and the tool calls each turn made). Nothing
 * of other tenants, and no secret (arguments are the redacted ones the turns stored).
 */
export async function intentContext(
  p: OperationContext,
  tenant: TenantRow,
  conversationId: string | null,
): Promise<IntentContext> {
  const rows = await listInstances(p.store.db, { tenantId: tenant.id });
  const instances = rows.map((r) => {
    let services: string[] = [];
    try {
      services = parseSpec(r.spec).plug.services.map((s) => s.name);
    } catch {
      // a spec that no longer parses still has a name and a state worth showing
    }
    return { name: r.name, plug: r.plug_id, state: r.observed_state, services };
  });
  const history: Array<{ say: string; did: ToolCall[] }> = [];
  if (conversationId !== null) {
    const messages = await listMessages(p.store.db, conversationId, HISTORY_TURNS * 2);
    for (const m of messages) {
      if (m.author === "person") history.push({ say: m.text, did: [] });
      else if (m.turn !== null && history.length) {
        const turn = JSON.parse(m.turn) as TurnView;
        history.at(-1)!.did = turn.actions
          .filter((a) => isToolName(a.tool))
          .map((a) => ({
            tool: a.tool as ToolCall["tool"],
            args: (a.args ?? {}) as Record<string, unknown>,
          }));
      }
    }
  }
  return { tenant: tenant.name, instances, catalog: catalogOf(p), history };
}

import type { IntentContext } from "./types.js";

/** Why a request is refused before it is read for tools, and what to tell the person. */
export interface Refusal {
  reason: "out_of_scope" | "hostile" | "other_tenant";
  reply: string;
}

const INSTEAD =
  "I can deploy catalog plugs, show your instances' status and logs, start, stop, restart, scale or resize them, manage their domains and explain failures; each change waits for your approval.";

const HOSTILE: readonly RegExp[] = [
  // Instructions to drop the rules, a role or mode that would, or the engine's own prompt.
  /\b(ignore|disregard|forget|override|bypass|circumvent)\b.{0,40}\b(rules?|instructions?|guidelines|polic(y|ies)|restrictions?|guardrails?|safety|previous|prior|above|limits)\b/,
  /\b(you are now|from now on you|pretend|act as if|role-?play|jailbreak|developer mode|admin mode|god mode|dan mode|sudo mode|maintenance mode|system override|as the (platform )?(operator|admin))\b/,
  /\b(your|full|hidden|original) (system )?(prompt|rules|instructions)\b|\b(output|print|show|reveal|repeat|dump|leak)\b.{0,20}\bsystem prompt\b|<\/?\s*(instructions|system|prompt)\s*>/,
  // Switching off what keeps a person in charge, or claiming to.
  /\b(skip|bypass|without|no|disable|turn off)\b (the |any |all )?(confirmations?|approvals?|reviews?|checks?|safeguards?)\b/,
  /\bi (authori[sz]e|permit|allow|order) you\b|\bas (an? |the )?(admin|administrator|operator|root|superuser|owner of the platform)\b/,
  /\b(approvals?|approval gate)\b.{0,20}\b(off|disabled?|skip(ped)?|bypass(ed)?)\b|\bwithout (an? |any )?approvals?\b|\b(skip|disable|turn off|bypass) (the |all |any )?approvals?\b|\bauto-?approve\b/,
  /\b(turn off|disable|delete|clear|erase|wipe|stop|remove)\b.{0,20}\baudit\b|\baudit (log|logs|trail)\b.{0,20}\b(off|disable|delete|clear|erase)\b/,
  // Secrets, the host, other people's machines.
  /\b(show|print|reveal|tell|give|list|dump|output|leak|display|read|expose|send|decrypt|reset|export|copy|extract|retrieve|what is|what are)\b.{0,40}\b(passwords?|passwd|secrets?|master ?key|api ?keys?|credentials?|private keys?|encryption keys?|ssh keys?|env(ironment)? (vars?|variables))\b/,
  /\b(rm -rf|\/etc\/(passwd|shadow)|the host machine|on the host|host os|root password|root access|sudo|chmod|chown|iptables|docker\.sock|docker socket)\b|\bserver this runs on\b/,
  /\b(root|superuser|admin) (access|shell|password|privileges|rights|on|to)\b|\bgive me (root|sudo|admin)\b/,
  /\b(open|give me|get|spawn|start)\b.{0,20}\b(shell|terminal|bash|console session)\b|\b(ssh|exec) into\b|\bdocker exec\b/,
  /\b(port ?scan\w*|nmap|scan (the )?(ports|network)|attack|miner|mining|monero|xmr|bitcoin|crypto-?miner|cryptojack\w*|ddos|dos attack|flood|hammer|botnet|brute-?force|spam|phishing|exploit|malware|scrape \w+ profiles)\b/,
];

const OTHER_TENANTS: readonly RegExp[] = [
  /\b(all|every|other|another|each|someone else|somebody else) ?(tenants?|customers?|accounts?|organi[sz]ations?)\b/,
  /\btenants'|\btenants (instances|data|keys|apps)\b/,
];

const OUT_OF_SCOPE: readonly RegExp[] = [
  // Accounts, roles and tenants are a person's and an operator's to change, not a chat's.
  /\b(delete|remove|close|cancel|deactivate)\b.{0,10}\b(my|our|the) (account|tenant|organi[sz]ation|subscription|user)\b/,
  /\bmake (me|us) (an? )?(admin|owner|operator|root|superuser)\b|\b(grant|give) (me|us) (admin|owner|root|operator)\b|\bchange (my|our) role\b/,
  // The host's own machinery is the operator's.
  /\b(firewall|iptables|kernel|host network|proxy config|nginx config|the platform config)\b/,
  // Plans are set by the operator, never by a chat.
  /\b(upgrade|change|switch|downgrade|raise)\b.{0,20}\b(my|our|the) plan\b|\bunlimited\b|\bfree of charge\b|\bfor free\b/,
  // Requests for something other than running plugs.
  /^(?:(?:hey|hi|ok|so|please|pls|can you|could you|would you|will you|i want you to|i need you to)[ ,]+)*(write|compose|send|email|e-mail|book|order|buy|translate|summari[sz]e|draw|sing|tweet|remind|calculate|solve|tell me a joke)\b/,
  /\b(weather|capital of|recipe|joke|poem|song|horoscope|lottery|stock price|football|movie)\b/,
];

/** A possessive of a name that is none of the tenant's instances: "globex's web", "initech's db". */
function namesAnotherOwner(utterance: string, context: IntentContext): boolean {
  const own = new Set([
    ...context.instances.map((i) => i.name),
    ...context.catalog.map((p) => p.id),
    ...(context.tenant ? [context.tenant] : []),
  ]);
  const names = new Set(context.instances.map((i) => i.name));
  for (const match of utterance
    .toLowerCase()
    .matchAll(/\b([a-z0-9][a-z0-9-]*)['\u2019]s\s+([a-z0-9][a-z0-9-]*)/g)) {
    const [, owner, thing] = match;
    if (
      own.has(owner!) ||
      /^(it|that|this|one|team|company|today|everyone|somebody|someone|how|what|who|where|when|there|here|he|she|let)$/.test(
        owner!,
      )
    )
      continue;
    if (names.has(thing!) || /^(instances?|apps?|db|database|site|website|logs|stuff|data)$/.test(thing!))
      return true;
  }
  return false;
}

/** "tenant globex", "act as tenant initech": a tenant other than this one. */
function namesAnotherTenant(text: string, context: IntentContext): boolean {
  for (const match of text.matchAll(/\btenant (?:called |named )?([a-z0-9][a-z0-9-]*)/g)) {
    const name = match[1]!;
    if (name === context.tenant) continue;
    if (/^(my|our|the|this|usage|plan|limits?|quota|is|and|for|to|in|of|i|we|settings)$/.test(name)) continue;
    return true;
  }
  return /\b(act|log in|login|switch) as\b/.test(text);
}

/**
 * A request refused whatever else it asks: hostile (rules, approvals, secrets, the host, harm), another
 * tenant's things, or outside what ACHEEVY does. `text` is the normalized utterance.
 */
export function refusalOf(utterance: string, text: string, context: IntentContext): Refusal | undefined {
  if (HOSTILE.some((p) => p.test(text)))
    return { reason: "hostile", reply: `I can't do that, and nothing was changed. ${INSTEAD}` };
  // A plug's own name ("llm-tenant", "LLM tenant stack") is no tenant.
  let plain = text;
  for (const plug of context.catalog)
    for (const name of [plug.id, plug.title.toLowerCase(), plug.id.replace(/-/g, " ")])
      plain = plain.split(name).join(" ");
  if (
    OTHER_TENANTS.some((p) => p.test(plain)) ||
    namesAnotherTenant(plain, context) ||
    namesAnotherOwner(utterance, context)
  )
    return {
      reason: "other_tenant",
      reply: `I can only see and change this tenant's own instances. ${INSTEAD}`,
    };
  if (OUT_OF_SCOPE.some((p) => p.test(text)))
    return { reason: "out_of_scope", reply: `That is outside what I do here. ${INSTEAD}` };
  return undefined;
}

/** What ACHEEVY can do, for a refusal's reply. */
export const WHAT_I_CAN_DO = INSTEAD;

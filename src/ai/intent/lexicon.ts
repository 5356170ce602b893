import { TOOL_NAMES, type ToolName } from "./types.js";

/**
 * The words and phrasings that ask for each tool, in plain and casual English (and a few words of the
 * languages people mix in). A clause's tool is the cue with the highest weight; ties go to the first cue
 * in the text. Weights: 1 a weak hint, 2 a verb, 3 a specific phrase, 4 a phrase that decides.
 */
export interface Cue {
  tool: ToolName;
  pattern: RegExp;
  weight: number;
}

function cues(tool: ToolName, weight: number, ...patterns: RegExp[]): Cue[] {
  return patterns.map((pattern) => ({ tool, pattern, weight }));
}

export const CUES: readonly Cue[] = [
  ...cues(
    "instance.deploy",
    2,
    /\b(deploy|install|provision|launch|spin(ning)? up|spin(?! (?:[\w'-]+ ){0,2}down)|set (\w+ ){0,3}up|setup|stand up|create|host|instal)\b/,
    /\b(get me|give me|make me|build me|gimme|bring in|add (an?|another|one more)|make (an?|another)|new)\b/,
  ),
  ...cues(
    "instance.deploy",
    3,
    /\b(an? new|another|a fresh|a second|one more)\b(?! (\d+|half|gigs?|gb|g|megs?|mb|m|cores?|cpus?|replicas?|copy|copies)\b)/,
  ),
  ...cues(
    "instance.deploy",
    1,
    /\b(i|we) (just |really |also |only |would )?(like|need|want|require)\b|\b(need|want) (an?|some)\b|\brun\b/,
  ),
  ...cues(
    "instance.list",
    4,
    /\bwhat is (running|deployed|up)\b(?! with)|\bwhat (do|have) (i|we) (got|have)\b/,
    /\bwhich (of )?(my |our )?(apps|instances|services|ones)\b/,
  ),
  ...cues(
    "instance.list",
    3,
    /^(ls|ps|list)\b/,
    /\b(list|show)( me)? (all |my |everything|the )*(instances|apps|services|stuff|deployments)\b/,
    /\b(overview|inventory)\b/,
    /\bwhich (of )?(my |our )?(apps|instances|services|ones)\b/,
    /\bwhat (do|have) (i|we) (have )?(deployed|running)\b/,
    /\bwhat (?:[\w-]+ ){0,2}(do|have|did) (i|we) (got|have|deployed|running|run)\b/,
    /\bshow (me )?(everything|it all|all)\b/,
    /\b(all|everything) (i|we) (have|run|got)\b/,
  ),
  ...cues("instance.list", 2, /\blist\b/),
  ...cues("instance.status", 4, /\b(status(?! pages?)|state|health|healthy|estado)\b/),
  ...cues(
    "instance.status",
    3,
    /\bhow is (?:[\w'-]+ ){0,4}doing\b|\bhow is going\b|\bhow is (it|she|he|that)\b|^how is (the |my |our )?[\w-]+$/,
    /^(is|are)\b.*\b(up|running|ok|okay|online|alive|fine|working|down|healthy)\b/,
  ),
  ...cues("instance.status", 2, /\bcheck (on|up on)?\b/),
  ...cues(
    "instance.status",
    3,
    /\bwhat is (up|the deal|the story|the situation|going on) with\b|\bhow is it going with\b/,
    /\b(url|urls|address|web address)\b|\bwhere (is|are|can i (reach|find|open|access|see))\b/,
  ),
  ...cues(
    "instance.logs",
    4,
    /\b(logs?|logging|stdout|stderr|tail)\b/,
    /\bwhat is (?:[\w'-]+ ){0,5}saying\b/,
  ),
  ...cues("instance.logs", 3, /\b(printed|output|saying)\b/, /\b\d+ lines\b/),
  ...cues(
    "instance.stop",
    2,
    /\b(stop|halt|kill|stopp?e|detener|spin (?:[\w'-]+ ){0,2}down|wind (?:[\w'-]+ ){0,2}down|take (?:[\w'-]+ ){0,3}offline|shut (?:[\w'-]+ ){0,3}down|shutdown|turn (?:[\w'-]+ ){0,3}off|switch (?:[\w'-]+ ){0,3}off|power (?:[\w'-]+ ){0,3}(off|down)|take (?:[\w'-]+ ){0,3}down|bring (?:[\w'-]+ ){0,3}down)\b/,
  ),
  ...cues(
    "instance.start",
    2,
    /\b(start|starte|boot|turn (?:[\w'-]+ ){0,3}on|switch (?:[\w'-]+ ){0,3}on|power (?:[\w'-]+ ){0,3}on|bring (?:[\w'-]+ ){0,3}(back )?up|back up|fire (?:[\w'-]+ ){0,3}up|start (?:[\w'-]+ ){0,3}up)\b/,
  ),
  ...cues("instance.start", 1, /\bback online\b/),
  ...cues(
    "instance.start",
    3,
    /\bshould (really |actually |definitely )?be (running|up|on|online|started)\b/,
  ),
  ...cues(
    "instance.restart",
    3,
    /\b(restart|reboot|bounce|cycle|reload|kick|reinicia|reiniciar|neustart|neustarten|relaunch|re-start)\b/,
    /\bgive (?:[\w'-]+ ){1,3}(a )?(kick|nudge|jolt)\b/,
  ),
  ...cues("instance.scale", 3, /\b(scale|scaled|scaling|replicas?|copies|horizontally)\b/, /(^|\s)x ?\d+\b/),
  ...cues(
    "instance.update",
    2,
    /\b(update|resize|bump|increase|decrease|raise|lower|reduce|limit|allocate|assign|upgrade|downgrade|bigger|smaller)\b/,
    /\b(change|switch|rename|set) .*\b(to|as)\b/,
    /\bmore (memory|ram|cpu|cpus|cores)\b/,
  ),
  ...cues("instance.update", 1, /\b(memory|ram|cpu|cpus|cores?)\b/),
  ...cues("instance.suspend", 3, /\b(suspend|suspended|pause|freeze|hibernate)\b/),
  ...cues(
    "instance.remove",
    4,
    /\b(do not|no longer) (need|use|want) (?:[\w'-]+ ){0,3}(anymore|any more|any longer)\b/,
  ),
  ...cues("instance.suspend", 4, /\b(put|keep|leave) (?:[\w'-]+ ){0,3}on hold\b/),
  ...cues("instance.suspend", 5, /\bsuspended state\b|\bput (?:[\w'-]+ ){0,3}to sleep\b/),
  ...cues(
    "instance.resume",
    4,
    /\b(resume|unsuspend|unpause|unfreeze|un-suspend|wake (?:[\w'-]+ ){0,3}up)\b/,
    /\bbring (?:[\w'-]+ ){0,2}back\b(?! (up|online))/,
    /\bback from (suspension|suspended|pause)\b/,
  ),
  ...cues(
    "instance.remove",
    3,
    /\b(remove|delete|destroy|uninstall|erase|wipe|nuke|axe|trash|purge|drop|decommission|rm|deprovision|tear (?:[\w'-]+ ){0,3}down|teardown|get rid of|kill off|throw away|scrap|ditch|yeet|bin|borrar|eliminar|loeschen)\b/,
  ),
  ...cues(
    "domain.add",
    2,
    /\b(point|hook (?:[\w'-]+ ){0,3}up|map|attach|connect|link|route|use|serve|add|put|reachable|custom domain)\b/,
  ),
  ...cues(
    "domain.remove",
    4,
    /\b(detach|unlink|disconnect|unmap|no longer answer|stop (answering|serving))\b|\b(take|get) .* off\b/,
  ),
  ...cues(
    "instance.history",
    4,
    /\bwhat (changed|happened)\b|\bwhat did (they|you|someone|somebody|he|she) (change|do)\b|\b(someone|somebody) (touched|changed)\b|\bwho (touched|changed|stopped|started|deployed|removed|restarted|updated|scaled|did)\b/,
    /\bwhen was (?:[\w'-]+ ){0,4}(changed|deployed|updated|stopped|started|restarted)\b/,
    /\b(history|changelog|timeline|audit trail|past deploys|revisions?|events|activity|recent changes)\b/,
  ),
  ...cues(
    "instance.explain",
    4,
    /\bwhy\b/,
    /\bwhat is wrong\b|\bwhat went wrong\b|\bwhat is the (problem|issue|matter)\b/,
    /\b(diagnose|troubleshoot|debug)\b/,
  ),
  ...cues("instance.explain", 5, /\bhow (do|can|should) (i|we) fix\b/),
  ...cues(
    "instance.explain",
    3,
    /\b(crash|crashed|crashing|crashes|broken|broke|failing|failed|fail|fails|died|dead|oom)\b/,
  ),
  ...cues("instance.explain", 3, /\bexplain\b/),
  ...cues(
    "tenant.usage",
    4,
    /\bhow (much|many)\b.*\b(i|we|left|use|using|used|can|more|remaining)\b/,
    /^usage\b|\b(my|our|the|current|resource|tenant) usage\b|\b(quota|quotas|paying|invoice|costs?)\b/,
    /\b(my|our) (bill|billing|spend|spending)\b/,
    /\b(my|our) (plan|limits?|subscription)\b|\bclose to (my |our |the )?limits?\b/,
  ),
  ...cues(
    "help",
    4,
    /^(help|\?)$/,
    /\bwhat (can|do) you ([\w'-]+ )?(do|understand|know)\b|\bwhat can (i|we) do\b|\bwhat are you\b|\bwho are you\b|\bhow do i use you\b/,
    /\bwhat commands\b|\bhow (does|do) .* work\b|\bhow (do|can) (i|we)\b/,
  ),
  ...cues("help", 2, /\bhelp\b/),
  ...cues(
    "catalog.describe",
    3,
    /\btell me (more )?about\b|\bwhat is\b|\bwhat does\b|\bdescribe\b|\bdetails?\b|\binfo(rmation)? (on|about)\b/,
    /\bwhat .* for\b|\bwhat inputs\b|\bhow much (memory|ram|cpu) does\b/,
  ),
  ...cues(
    "catalog.search",
    4,
    /\bdo you (guys |folks )?(have|offer|support|provide|got)\b|\bis there (an?|any|some)(thing)?\b|\bgot anything\b/,
    /\bwhat (?:[\w-]+ ){0,3}(do you|can i|could i|can we|could we) (have|offer|deploy|install|run|get)\b|\bwhich of your\b|\bsearch (the |your )catalog\b|^search\b|\bcatalog(ue)?\b/,
    /^any\b/,
    /\bwhat (can|could|should) (i|we) use\b/,
    /\b(list|show)( me)? (the |all |your |all the )?(plugs|catalog|apps you (have|offer))\b/,
    /\bwhat (plugs|apps|tools|things|options) (are there|exist|are available)\b|\bavailable\b/,
  ),
];

/** Every literal word of the cues: the words that ask for a tool, never part of a name or a description. */
export const CUE_WORDS: ReadonlySet<string> = new Set(
  CUES.flatMap((cue) => cue.pattern.source.replace(/\\[bdswBDSW]/g, " ").match(/[a-z][a-z-]+/g) ?? []).filter(
    (w) => w.length > 2,
  ),
);

/** Single words of the cues, to correct a typo ("deply", "restrat", "stpo") before cues are read. */
export const VERB_WORDS: readonly string[] = [
  "deploy",
  "install",
  "provision",
  "launch",
  "restart",
  "reboot",
  "remove",
  "delete",
  "destroy",
  "uninstall",
  "start",
  "stop",
  "scale",
  "suspend",
  "resume",
  "status",
  "logs",
  "history",
  "explain",
  "update",
  "upgrade",
  "replicas",
  "memory",
  "detach",
  "unlink",
  "wrong",
];

/** Tools that act on one instance of the tenant: every instance and domain tool but deploy and list. */
export const INSTANCE_TOOLS: ReadonlySet<ToolName> = new Set(
  TOOL_NAMES.filter(
    (t) =>
      (t.startsWith("instance.") || t.startsWith("domain.")) &&
      t !== "instance.deploy" &&
      t !== "instance.list",
  ),
);

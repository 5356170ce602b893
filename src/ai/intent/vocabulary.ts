/**
 * What people call things on this platform, beyond the catalog's own words: other names of a plug, the needs
 * it answers, the kinds of thing a request names ("a database"), and the plain words around a request
 * ("simple", "production") that are never a product's name. Domain knowledge, not examples: each entry says
 * what a plug is for, in the words a person uses.
 */

/** Other names a plug goes by (spellings, short forms); matched as whole words or phrases. */
export const PLUG_ALIASES: Readonly<Record<string, readonly string[]>> = {
  postgres: ["postgresql", "postgre", "pg", "psql", "pgsql"],
  "open-webui": ["webui", "open web ui", "open-web-ui"],
  "uptime-kuma": ["kuma", "uptimekuma"],
  litellm: ["lite llm", "lite-llm"],
  "n8n-postgres": [],
  "static-site": ["staticsite"],
  "notes-api": ["notesapi"],
  "node-api": ["nodeapi"],
  "telegram-bot": ["telegrambot"],
  "agent-worker": [],
  "llm-tenant": ["llm stack", "llm workspace"],
  flowise: ["flowiseai"],
  ollama: [],
  qdrant: [],
  redis: [],
  n8n: [],
};

/** The needs a plug answers, in a person's words (searched with the catalog's own text). */
export const PLUG_NEEDS: Readonly<Record<string, string>> = {
  n8n: "workflow workflows automation automate automations zapier integromat integrations integrate ifttt pipelines no-code",
  "n8n-postgres": "workflow workflows automation automate zapier integrations",
  "uptime-kuma":
    "monitor monitoring monitors uptime pingdom status page pages healthcheck healthchecks alive alert alerts alerting downtime outage watch ping",
  qdrant:
    "vector vectors embeddings embedding docs rag semantic similarity pinecone weaviate milvus retrieval",
  redis: "cache caching key value kv queue queues sessions memcached in-memory fast",
  postgres: "sql relational tables rows queries transactional",
  ollama:
    "local locally models model llama mistral gemma phi qwen inference open-weight offline private self-hosted run",
  litellm:
    "gateway proxy router endpoint providers provider keys budgets budget spend usage openai anthropic",
  "open-webui": "chatgpt chat ui interface frontend assistant conversations",
  "llm-tenant": "chatgpt chat workspace stack",
  "static-site": "website site homepage landing page pages html web blog portfolio",
  "node-api": "api backend json rest node nodejs javascript server endpoint hello",
  "notes-api": "notes note notebook memo memos",
  "telegram-bot": "telegram bot chatbot messenger",
  "agent-worker":
    "cron crontab nightly hourly daily weekly every night schedule scheduled scheduler job jobs task tasks worker webhook periodic recurring timer background",
  flowise: "agents agent builder visual visually flows flow drag drop langchain chatflows low-code no-code",
};

/**
 * Other products a plug stands in for: a need only when the request compares ("something like zapier", "an
 * alternative to pingdom"); asked for by name ("install zapier") they are products the catalog lacks.
 */
export const LOOKALIKES: ReadonlySet<string> = new Set(
  "zapier integromat ifttt pingdom pinecone weaviate milvus memcached".split(" "),
);

/**
 * Words that name a kind of plug rather than one plug: a catalog category ("a database") or a tag many plugs
 * share ("something with AI"). `category:` or `tag:` and the value.
 */
export const KIND_WORDS: Readonly<Record<string, string>> = {
  database: "category:database",
  databases: "category:database",
  db: "category:database",
  dbs: "category:database",
  datastore: "category:database",
  datastores: "category:database",
  storage: "category:database",
  store: "category:database",
  bot: "category:bot",
  bots: "category:bot",
  agent: "category:agent",
  agents: "category:agent",
  ai: "tag:llm",
  llm: "tag:llm",
  llms: "tag:llm",
  gpt: "tag:llm",
};

/**
 * Plain words of a request that are no product's name: modifiers and nouns around what is asked for. A word
 * outside the catalog and these, where a plug's name would stand ("deploy mongodb", "a mysql db"), is the
 * name of something the catalog does not have.
 */
export const PLAIN_WORDS: ReadonlySet<string> = new Set(
  (
    "simple small tiny little big large basic quick fast light lightweight minimal minimalist good nice decent " +
    "cheap free proper real public internal personal shared own extra second third first last latest " +
    "production prod staging stage dev development test testing demo sandbox remote " +
    "team teams company org organization customers customer users user people everyone folks family friends " +
    "project projects startup business side hobby client clients marketing sales support engineering " +
    "something anything thing things tool tools software program solution system platform stack setup " +
    "server servers box machine instance app application apps way place somewhere " +
    "nothing fancy please thanks today tomorrow week month now soon later already " +
    "data my our new another open source opensource style kind sort type " +
    "also maybe ideally probably quickly just really very super pretty kinda sorta"
  ).split(" "),
);

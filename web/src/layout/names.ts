/** The one naming rule of tenants and instances (src/domain/names.ts): a DNS label of 1–32 characters. */
const NAME = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

/** What is wrong with a tenant or instance name, in the words the API uses; undefined when it is fine. */
export function nameProblem(name: string): string | undefined {
  if (name === "") return "a name is needed";
  if (name.length > 32) return "must be at most 32 characters";
  if (!NAME.test(name))
    return "must be lowercase letters, digits and hyphens, starting and ending with a letter or digit";
  if (name.startsWith("xn--"))
    return "must not start with xn-- (a punycode label, which browsers show as lookalike letters)";
  return undefined;
}

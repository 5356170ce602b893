/** Who asked for a change and from where: written to every audit entry. */
export interface Actor {
  id: string;
  source: string;
}

/**
 * The spaces pallet's reads, typed by the runtime's metadata: a DAO's space with its record, the
 * directory, and the proposals filed under a space, newest first (the pallet's view functions).
 */
import type { Api } from "../connection";

/** A space as the chain reports it (`Spaces.space`). */
export type Space = NonNullable<Awaited<ReturnType<Api["view"]["Spaces"]["space"]>>>;

/** Space `id` at block `at`; `null` if no such space exists. */
export async function space(api: Api, id: number, at: string): Promise<Space | null> {
  return (await api.view.Spaces.space(id, { at })) ?? null;
}

/** Every space, a page of at most 100 at a time (`Spaces.spaces`), sorted by id. */
export async function directory(api: Api, at: string): Promise<Space[]> {
  const all: Space[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await api.view.Spaces.spaces(after, 100, { at });
    all.push(...page);
    if (page.length < 100) break;
    after = page[page.length - 1].id;
  }
  return all.sort((a, b) => a.id - b.id);
}

/** Up to `limit` proposals filed under `id`, newest first, after proposal `before`. */
export function spaceProposals(api: Api, id: number, before: number | undefined, limit: number, at: string): Promise<number[]> {
  return api.view.Spaces.proposals(id, before, limit, { at });
}

const utf8 = new TextDecoder();

/** The space's name, description and link as text. */
export const spaceName = (s: Space): string => utf8.decode(s.name);
export const spaceDescription = (s: Space): string => utf8.decode(s.description);
export const spaceLink = (s: Space): string => utf8.decode(s.link);

/**
 * The proposals pallet's reads, typed by the runtime's metadata: a proposal with its analysis,
 * tally and verified label, and an account's contributions (the pallet's view functions).
 */
import type { Api } from "../connection";

/** Proposal `id` as the chain reports it (`Proposals.proposal`). */
export type Proposal = NonNullable<Awaited<ReturnType<Api["view"]["Proposals"]["proposal"]>>>;
/** What an account has contributed (`Proposals.contributions`). */
export type Contributions = Awaited<ReturnType<Api["view"]["Proposals"]["contributions"]>>;

/** Proposal `id` at block `at`; `null` if it never existed or its record was removed. */
export async function proposal(api: Api, id: number, at: string): Promise<Proposal | null> {
  return (await api.view.Proposals.proposal(id, { at })) ?? null;
}

/** What `who` has contributed, at block `at`. */
export function contributions(api: Api, who: string, at: string): Promise<Contributions> {
  return api.view.Proposals.contributions(who, { at });
}

/** The network's label, once analysed. */
export function analysedLabel(p: Proposal): number | null {
  return p.analysis.type === "Analysed" ? p.analysis.value.label : null;
}

const utf8 = new TextDecoder();

/** The title as text. */
export const title = (p: Proposal): string => utf8.decode(p.title);

/** The body's CID in text form, what `bitswap_v1_get` takes. */
export const cid = (p: Proposal): string => utf8.decode(p.cid);

/**
 * Whether the annotators' verified label corrects the network's analysis: another label than the
 * network's, or one where the network could not answer. The chain weighs such an error report
 * twice in training.
 */
export function errorReport(p: Proposal): boolean {
  if (p.verified_label === undefined) return false;
  const analysed = analysedLabel(p);
  return p.analysis.type === "Unanswered" || (analysed !== null && analysed !== p.verified_label);
}

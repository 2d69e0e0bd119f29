/**
 * The rewards pallet's reads, typed by the runtime's metadata: what an account has earned and
 * not claimed, and when the running epoch ends (the pallet's view functions).
 */
import type { Api } from "../connection";

/** An account's unclaimed rewards (`Rewards.pending`). */
export type Pending = Awaited<ReturnType<Api["view"]["Rewards"]["pending"]>>;

/** What `who` has earned and not claimed, at block `at`. */
export function pending(api: Api, who: string, at: string): Promise<Pending> {
  return api.view.Rewards.pending(who, { at });
}

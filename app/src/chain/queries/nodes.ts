/**
 * The compute-nodes pallet's reads, typed by the runtime's metadata: a node with its record and
 * recent history, and the leaderboard (the pallet's view functions).
 */
import type { Api } from "../connection";

/** A node as the chain reports it (`ComputeNodes.node`). */
export type Node = NonNullable<Awaited<ReturnType<Api["view"]["ComputeNodes"]["node"]>>>;
/** One entry of a node's history. */
export type HistoryEntry = Node["history"][number];

/** The node `operator` runs, at block `at`; `null` if it runs none. */
export async function node(api: Api, operator: string, at: string): Promise<Node | null> {
  return (await api.view.ComputeNodes.node(operator, { at })) ?? null;
}

/** Up to `limit` nodes by reputation, then stake, at block `at`. */
export function leaderboard(api: Api, limit: number, at: string): Promise<Node[]> {
  return api.view.ComputeNodes.leaderboard(limit, { at });
}

/** The stake a node has unbonding, in all. */
export const unbonding = (n: Node): bigint => n.unbonding.reduce((sum, c) => sum + c.amount, 0n);

/** The inference task a history entry judged, if it was one. */
export const taskOf = (h: HistoryEntry): number | null => (h.work.type === "Task" ? h.work.value : null);

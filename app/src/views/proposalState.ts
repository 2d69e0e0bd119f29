/** Where a proposal stands, from its record and its analysis task. */
import type { Proposal } from "../chain/queries/proposals";
import type { Task } from "../chain/queries/inference";

/** The stages a member sees. */
export type Stage =
  | "pending"
  | "committee drawn"
  | "commits"
  | "reveals"
  | "analysed"
  | "escalated"
  | "unanswered"
  | "record gone";

/** `proposal`'s stage at block `now`. */
export function stageOf(proposal: Proposal | null, task: Task | null, now: number): Stage {
  // Withdrawn, marked as spam, or its finished record removed by its author.
  if (!proposal) return "record gone";
  if (proposal.analysis.type === "Unanswered") return "unanswered";
  if (!task) return proposal.analysis.type === "Analysed" ? "analysed" : "pending";
  if (task.status.type === "Judged") {
    if (task.status.value.outcome.type === "Consensus") return "analysed";
    // No consensus in this round: the proposal waits for a larger committee without its
    // members.
    return "escalated";
  }
  const open = task.status.value;
  if (open.commits === 0 && open.excused === 0) return "committee drawn";
  if (now <= open.commit_end) return "commits";
  return "reveals";
}

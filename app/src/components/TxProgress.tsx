/** A transaction's progress, as steps a member can follow. */
import type { TxState } from "../chain/useTx";

const STEPS = ["signing", "signed", "in-block", "finalized"] as const;
const NAMES: Record<(typeof STEPS)[number], string> = {
  signing: "Signing",
  signed: "Signed and sent",
  "in-block": "In a block",
  finalized: "Finalised",
};

export function TxProgress({ state }: { state: TxState }) {
  if (state.stage === "idle") return null;
  if (state.stage === "failed") {
    return (
      <p className="error" role="alert" data-testid="tx-error">
        {state.message}
      </p>
    );
  }
  const reached = STEPS.indexOf(state.stage);
  return (
    <ol className="tx-steps" data-testid="tx-progress" data-stage={state.stage}>
      {STEPS.map((step, i) => (
        <li key={step} className={i < reached ? "done" : i === reached ? "current" : "todo"}>
          {NAMES[step]}
          {step === "in-block" && "block" in state && i <= reached ? ` #${state.block}` : ""}
        </li>
      ))}
    </ol>
  );
}

/**
 * Sends a transaction and follows it: signed → in block → finalised, or failed with the
 * reason in words (the dispatch error's metadata docs).
 */
import { useCallback, useRef, useState } from "react";
import type { Transaction } from "polkadot-api";
import { useChain } from "./ChainContext";
import { describeDispatchError, describeSubmitError } from "./errors";

/** Where a transaction stands. */
export type TxState =
  | { stage: "idle" }
  | { stage: "signing" }
  | { stage: "signed"; txHash: string }
  | { stage: "in-block"; txHash: string; block: number }
  | { stage: "finalized"; txHash: string; block: number; events: { type: string; value: { type: string; value: unknown } }[] }
  | { stage: "failed"; message: string };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTx = Transaction<any, any>;

/** `[state, send]`: `send(tx)` signs with the selected account and resolves when it ends. */
export function useTx(): [TxState, (tx: AnyTx) => Promise<TxState>, () => void] {
  const { account, errors } = useChain();
  const [state, setState] = useState<TxState>({ stage: "idle" });
  const busy = useRef(false);
  const reset = useCallback(() => setState({ stage: "idle" }), []);

  const send = useCallback(
    (tx: AnyTx) =>
      new Promise<TxState>((resolve) => {
        const finish = (s: TxState) => {
          busy.current = false;
          setState(s);
          resolve(s);
        };
        if (!account) {
          finish({ stage: "failed", message: "Choose an account first (top right)." });
          return;
        }
        if (busy.current) return;
        busy.current = true;
        setState({ stage: "signing" });
        let inBlock = false;
        tx.signSubmitAndWatch(account.signer).subscribe({
          next: (event) => {
            if (event.type === "signed") setState({ stage: "signed", txHash: event.txHash });
            if (event.type === "txBestBlocksState" && event.found && !inBlock) {
              inBlock = true;
              if (!event.ok) {
                finish({ stage: "failed", message: describeDispatchError(event.dispatchError, errors) });
              } else {
                setState({ stage: "in-block", txHash: event.txHash, block: event.block.number });
              }
            }
            if (event.type === "finalized") {
              if (!event.ok) {
                finish({ stage: "failed", message: describeDispatchError(event.dispatchError, errors) });
              } else {
                finish({
                  stage: "finalized",
                  txHash: event.txHash,
                  block: event.block.number,
                  events: event.events.map((e) => ({ type: e.type, value: e.value as { type: string; value: unknown } })),
                });
              }
            }
          },
          error: (e: unknown) => finish({ stage: "failed", message: describeSubmitError(e) }),
        });
      }),
    [account, errors],
  );
  return [state, send, reset];
}

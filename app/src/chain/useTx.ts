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

/**
 * How long a transaction may go without news (signed, broadcast, in a block, finalised) before
 * it is given up: a node that stopped answering must not leave it "Signing" for ever. A wallet
 * waiting for the member to approve is news only once signed, so the first wait is longer.
 */
export const SIGNING_TIMEOUT_MS = 120_000;
export const PROGRESS_TIMEOUT_MS = 60_000;

/** `[state, send]`: `send(tx)` signs with the selected account and resolves when it ends. */
export function useTx(): [TxState, (tx: AnyTx) => Promise<TxState>, () => void] {
  const { account, errors } = useChain();
  const [state, setState] = useState<TxState>({ stage: "idle" });
  const busy = useRef(false);
  const reset = useCallback(() => setState({ stage: "idle" }), []);

  const send = useCallback(
    (tx: AnyTx) =>
      new Promise<TxState>((resolve) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        let subscription: { unsubscribe: () => void } | undefined;
        let ended = false;
        const finish = (s: TxState) => {
          if (ended) return;
          ended = true;
          clearTimeout(timer);
          subscription?.unsubscribe();
          busy.current = false;
          setState(s);
          resolve(s);
        };
        const expect = (ms: number, what: string) => {
          clearTimeout(timer);
          timer = setTimeout(() => finish({
            stage: "failed",
            message: `No answer for ${ms / 1000} s while ${what}: the node may be unreachable (see the banner above). The transaction may or may not have been sent; look for it before trying again.`,
          }), ms);
        };
        if (!account) {
          finish({ stage: "failed", message: "Choose an account first (top right)." });
          return;
        }
        if (busy.current) return;
        busy.current = true;
        setState({ stage: "signing" });
        expect(SIGNING_TIMEOUT_MS, "signing");
        let inBlock = false;
        subscription = tx.signSubmitAndWatch(account.signer).subscribe({
          next: (event) => {
            expect(PROGRESS_TIMEOUT_MS, event.type === "finalized" ? "finalising" : "waiting for a block");
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

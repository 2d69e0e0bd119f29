/** Runtime constants several views read. */
import { useConstants } from "../ChainContext";

/**
 * The share of a body's letters, in basis points, that must stand in words the model knows for
 * its label to say anything (`Inference.ReadableFloor`); `null` until read.
 */
export function useReadableFloor(): number | null {
  return useConstants((api) => api.constants.Inference.ReadableFloor());
}

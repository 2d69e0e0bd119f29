/**
 * How the app writes the chain's numbers: balances in the token's unit, basis points and
 * parts per billion as percentages. Pure functions (unit-tested in `test/format.test.mjs`).
 */

/** The token's decimals and symbol, from `system_properties` (PROPOSAL has 12). */
export interface Token {
  decimals: number;
  symbol: string;
}

/** The dev chain's token, also the fallback until `system_properties` answers. */
export const PROPOSAL: Token = { decimals: 12, symbol: "PROPOSAL" };

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * `planck` (an integer amount of the smallest unit) in whole tokens: at most `fraction`
 * decimals, rounded down (never shows more than an account holds), thousands grouped, trailing
 * zeros dropped. `formatBalance(1_500_000_000_000n)` is `"1.5 PROPOSAL"`.
 */
export function formatBalance(
  planck: bigint | string | number,
  token: Token = PROPOSAL,
  fraction = 4,
): string {
  const value = BigInt(planck);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(token.decimals);
  const whole = abs / base;
  const shown = Math.min(fraction, token.decimals);
  const frac = ((abs % base) / 10n ** BigInt(token.decimals - shown))
    .toString()
    .padStart(shown, "0")
    .replace(/0+$/, "");
  const tiny = whole === 0n && frac === "" && abs !== 0n;
  const text = tiny
    ? `< 0.${"0".repeat(Math.max(shown - 1, 0))}1`
    : groupThousands(whole.toString()) + (frac ? `.${frac}` : "");
  return `${negative && !tiny ? "-" : ""}${text} ${token.symbol}`;
}

/**
 * A decimal amount typed by a person ("1.5", "1,000", "0.000000000001") in planck, or an
 * error in words. No rounding: more decimals than the token has is an error.
 */
export function parseBalance(
  text: string,
  token: Token = PROPOSAL,
): { ok: true; planck: bigint } | { ok: false; error: string } {
  const clean = text.trim().replace(/[,_\s]/g, "");
  if (clean === "") return { ok: false, error: "Enter an amount." };
  const match = /^(\d*)(?:\.(\d*))?$/.exec(clean);
  if (!match || (match[1] === "" && (match[2] ?? "") === "")) {
    return { ok: false, error: `"${text}" is not an amount: use digits and one decimal point.` };
  }
  const fraction = match[2] ?? "";
  if (fraction.length > token.decimals) {
    return { ok: false, error: `${token.symbol} has at most ${token.decimals} decimals.` };
  }
  const planck =
    BigInt(match[1] || "0") * 10n ** BigInt(token.decimals) +
    BigInt(fraction.padEnd(token.decimals, "0") || "0");
  return { ok: true, planck };
}

function percent(parts: number, whole: number, digits: number): string {
  const value = (parts / whole) * 100;
  const fixed = value.toFixed(digits);
  // Trailing zeros of the fraction only: 100% stays "100%", 12.50% is "12.5%".
  const trimmed = fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
  return `${trimmed}%`;
}

/** Basis points (1/10 000) as a percentage: `formatBasisPoints(2500)` is `"25%"`. */
export function formatBasisPoints(bps: number, digits = 2): string {
  return percent(bps, 10_000, digits);
}

/** Parts per billion (`Perbill`) as a percentage: `formatPerbill(333_333_333)` is `"33.33%"`. */
export function formatPerbill(ppb: number, digits = 2): string {
  return percent(ppb, 1_000_000_000, digits);
}

/** Parts per million as a percentage (the similarity score). */
export function formatPpm(ppm: number, digits = 1): string {
  return percent(ppm, 1_000_000, digits);
}

/** An address shortened for a table: the first six and last four characters. */
export function shortAddress(address: string): string {
  return address.length > 13 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** A block count as a duration at `blockMs` per block: "1 h 5 min", "42 s". */
export function formatBlocks(blocks: number, blockMs = 6000): string {
  const seconds = Math.max(0, Math.round((blocks * blockMs) / 1000));
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

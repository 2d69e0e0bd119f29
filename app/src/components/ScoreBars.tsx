/** Per-class scores as horizontal bars: plain SVG, no library for six bars. */
import { formatBasisPoints } from "../format";

/** Scores in basis points, one bar per label; `highlight` is the agreed label. */
export function ScoreBars({ labels, scores, highlight }: { labels: string[]; scores: number[]; highlight?: number | null }) {
  const row = 22;
  const width = 360;
  const labelWidth = 130;
  const height = row * scores.length;
  // Read as text by screen readers: every label with its score.
  const description = scores.map((bps, i) => `${labels[i] ?? `label ${i}`} ${formatBasisPoints(bps, 1)}`).join(", ");
  return (
    <svg className="bars" viewBox={`0 0 ${width} ${height}`} style={{ width: "100%", maxWidth: width }} role="img" aria-label={`Per-class scores: ${description}`} data-testid="score-bars">
      {scores.map((bps, i) => {
        const w = ((width - labelWidth - 60) * bps) / 10_000;
        return (
          <g key={i} transform={`translate(0, ${i * row})`}>
            <text x={0} y={15} className="bar-label">{labels[i] ?? `label ${i}`}</text>
            <rect x={labelWidth} y={4} width={Math.max(w, 1)} height={row - 8} className={i === highlight ? "bar agreed" : "bar"} />
            <text x={labelWidth + w + 6} y={15} className="bar-value">{formatBasisPoints(bps, 1)}</text>
          </g>
        );
      })}
    </svg>
  );
}

/** Per-class scores as horizontal bars: plain SVG, no library for six bars. */
import { formatBasisPoints } from "../format";

/** Scores in basis points, one bar per label; `highlight` is the agreed label. */
export function ScoreBars({ labels, scores, highlight }: { labels: string[]; scores: number[]; highlight?: number | null }) {
  const row = 22;
  const width = 360;
  const labelWidth = 130;
  return (
    <svg className="bars" width={width} height={row * scores.length} role="img" aria-label="per-class scores" data-testid="score-bars">
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

/**
 * Charts: per-class scores as horizontal bars (plain SVG, no library needed for six bars) and
 * a time series over blocks (uPlot, 45 kB: reputation and payment history).
 */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
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

/** A line over block numbers: `series` named values at `x` blocks. */
export function TimeChart({ x, series, height = 180, testId }: {
  x: number[];
  series: { name: string; values: number[]; stroke: string; format?: (v: number) => string }[];
  height?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current || x.length === 0) return;
    const plot = new uPlot(
      {
        width: Math.min(box.current.clientWidth || 600, 720),
        height,
        scales: { x: { time: false } },
        axes: [{ label: "block" }, { values: (_u, ticks) => ticks.map((t) => series[0]?.format?.(t) ?? String(t)) }],
        series: [{ label: "block" }, ...series.map((s) => ({ label: s.name, stroke: s.stroke, width: 2, value: (_u: uPlot, v: number | null) => (v === null ? "–" : s.format?.(v) ?? String(v)) }))],
      },
      [x, ...series.map((s) => s.values)],
      box.current,
    );
    return () => plot.destroy();
  }, [x, series, height]);
  if (x.length === 0) return <p className="muted">Nothing to chart yet.</p>;
  return <div ref={box} className="chart" data-testid={testId} />;
}

/** A time series over blocks or epochs (uPlot, 45 kB): node history and payment history. */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** A line over block numbers: `series` named values at `x` blocks. */
export function TimeChart({ x, series, height = 180, testId, xLabel = "block" }: {
  x: number[];
  xLabel?: string;
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
        axes: [{ label: xLabel }, { size: 80, values: (_u, ticks) => ticks.map((t) => series[0]?.format?.(t) ?? String(t)) }],
        series: [{ label: xLabel }, ...series.map((s) => ({ label: s.name, stroke: s.stroke, width: 2, value: (_u: uPlot, v: number | null) => (v === null ? "–" : s.format?.(v) ?? String(v)) }))],
      },
      [x, ...series.map((s) => s.values)],
      box.current,
    );
    return () => plot.destroy();
  }, [x, series, height, xLabel]);
  if (x.length === 0) return <p className="muted">Nothing to chart yet.</p>;
  return <div ref={box} className="chart" data-testid={testId} />;
}

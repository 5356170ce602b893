import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartLine {
  label: string;
  /** One value per time of `times` (null: no reading then). */
  values: Array<number | null>;
}

const COLOURS = ["#228be6", "#fa5252", "#40c057", "#fab005", "#7950f2", "#15aabf"];

/** A time chart (uPlot) of a few lines over `times` (epoch seconds), redrawn in place when the data changes. */
export function TimeChart({
  title,
  unit,
  times,
  lines,
  max,
}: {
  title: string;
  unit: string;
  times: number[];
  lines: ChartLine[];
  /** A fixed top of the scale (100 for percentages). */
  max?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const shape = lines.map((l) => l.label).join("\n");

  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart is rebuilt only when its lines change, not its data.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(240, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 180,
        title,
        scales: { x: { time: true }, y: max === undefined ? {} : { range: [0, max] } },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => `${t}${unit}`), size: 60 }],
        series: [
          {},
          ...lines.map((l, i) => ({ label: l.label, stroke: COLOURS[i % COLOURS.length], width: 2 })),
        ],
      },
      [times, ...lines.map((l) => l.values)] as uPlot.AlignedData,
      el,
    );
    chart.current = plot;
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [shape, title, unit, max]);

  useEffect(() => {
    chart.current?.setData([times, ...lines.map((l) => l.values)] as uPlot.AlignedData);
  }, [times, lines]);

  return <div ref={box} role="img" aria-label={title} />;
}

// Bar charts drawn as SVG, without a charting library: bars by category (days, weeks) stacked
// by series for time series, and horizontal bars for rankings. The SVG is one image to
// assistive technology (role="img" with the caller's summary as its name); the legend and a
// table of the numbers carry the same information in text, so colour is never the only key.
import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { formatNumber } from '../format.ts';

export interface ChartSeries {
  key: string;
  label: string;
}

export interface ChartCategory {
  key: string;
  /** the axis label ("5 Jan") */
  label: string;
  /** the tooltip's name for it ("Monday 5 January 2026"); the label when absent */
  title?: string;
}

export interface BarChartProps {
  /** The image's accessible name: the chart's message in words, with its numbers. */
  summary: string;
  categories: readonly ChartCategory[];
  series: readonly ChartSeries[];
  /** values[category][series] */
  values: ReadonlyArray<ReadonlyArray<number>>;
  /** vertical: categories along the bottom (time); horizontal: one row per category (rankings) */
  orientation: 'vertical' | 'horizontal';
  /** Stack the series (a total per category) or put them side by side (different measures). */
  stacked?: boolean;
  testId?: string;
}

/** Distinct colours, each at least 3:1 against white (WCAG 1.4.11) and apart from its neighbours. */
export const chartColours = ['#1d4ed8', '#b45309', '#15803d', '#7c3aed', '#be123c', '#0f766e', '#4b5563', '#a21caf'];

export function colourOf(index: number): string {
  return chartColours[index % chartColours.length]!;
}

/** The container's width, followed as the window changes (the SVG is drawn at its real size). */
function useWidth(fallback: number): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const w = Math.floor(el.getBoundingClientRect().width);
      if (w > 0) setWidth(w);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/** A round upper bound for the axis: 1, 2 or 5 times a power of ten. */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const f = value / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/** Axis ticks from 0 to max, evenly spaced by 1, 2 or 5 times a power of ten: whole numbers only (these are counts). */
export function ticksFor(max: number): number[] {
  const step = Math.max(1, niceMax(max / 5));
  const out: number[] = [];
  for (let t = 0; t <= max + step / 1e6; t += step) out.push(Math.round(t));
  return out;
}

/** "12k", "1.5M": short numbers for axis labels. */
function shortNumber(n: number): string {
  if (n >= 1_000_000) return `${+(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${+(n / 1000).toFixed(1)}k`;
  return String(n);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

export function BarChart(props: BarChartProps) {
  const [ref, width] = useWidth(640);
  return (
    <div className="chart" ref={ref} data-testid={props.testId}>
      {props.orientation === 'vertical' ? <VerticalBars {...props} width={width} /> : <HorizontalBars {...props} width={width} />}
    </div>
  );
}

function Svg({ width, height, summary, children }: { width: number; height: number; summary: string; children: ReactNode }) {
  return (
    <svg className="chart-svg" role="img" aria-label={summary} viewBox={`0 0 ${width} ${height}`} width="100%" preserveAspectRatio="xMinYMin meet" focusable="false">
      {children}
    </svg>
  );
}

function tooltip(category: ChartCategory, series: readonly ChartSeries[], row: ReadonlyArray<number>, index: number | null): string {
  const name = category.title ?? category.label;
  if (index !== null) return `${name}, ${series[index]!.label}: ${formatNumber(row[index] ?? 0)}`;
  return `${name}: ${series.map((s, i) => `${s.label} ${formatNumber(row[i] ?? 0)}`).join(', ')}`;
}

function VerticalBars({ summary, categories, series, values, stacked = true, width }: BarChartProps & { width: number }) {
  const height = 240;
  const margin = { top: 10, right: 8, bottom: 30, left: 44 };
  const plotW = Math.max(40, width - margin.left - margin.right);
  const plotH = height - margin.top - margin.bottom;
  const n = Math.max(1, categories.length);
  const totals = values.map((row) => (stacked ? row.reduce((a, b) => a + b, 0) : Math.max(0, ...row)));
  const max = niceMax(Math.max(0, ...totals));
  const y = (v: number) => margin.top + plotH - (v / max) * plotH;
  const band = plotW / n;
  const barW = Math.max(1, band * (n > 60 ? 0.9 : 0.7));
  const perGroup = stacked ? barW : barW / Math.max(1, series.length);
  // Every k-th label, so that labels (about 48px wide) never overlap.
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 56))));

  return (
    <Svg width={width} height={height} summary={summary}>
      {ticksFor(max).map((t) => (
        <g key={t}>
          <line className="chart-grid" x1={margin.left} x2={margin.left + plotW} y1={y(t)} y2={y(t)} />
          <text className="chart-axis" x={margin.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
            {shortNumber(t)}
          </text>
        </g>
      ))}
      {categories.map((c, ci) => {
        const row = values[ci] ?? [];
        const x0 = margin.left + ci * band + (band - barW) / 2;
        let base = 0;
        return (
          <g key={c.key} data-category={c.key}>
            {series.map((s, si) => {
              const v = row[si] ?? 0;
              if (v <= 0) return null;
              const top = stacked ? base + v : v;
              const rect = (
                <rect
                  key={s.key}
                  className="chart-bar"
                  x={stacked ? x0 : x0 + si * perGroup}
                  y={y(top)}
                  width={perGroup}
                  height={Math.max(1, y(stacked ? base : 0) - y(top))}
                  fill={colourOf(si)}
                  data-value={v}
                >
                  <title>{tooltip(c, series, row, si)}</title>
                </rect>
              );
              if (stacked) base += v;
              return rect;
            })}
          </g>
        );
      })}
      <line className="chart-baseline" x1={margin.left} x2={margin.left + plotW} y1={y(0)} y2={y(0)} />
      {categories.map((c, ci) =>
        ci % every === 0 ? (
          <text key={c.key} className="chart-axis" x={margin.left + ci * band + band / 2} y={height - margin.bottom + 16} textAnchor="middle">
            {c.label}
          </text>
        ) : null,
      )}
    </Svg>
  );
}

function HorizontalBars({ summary, categories, series, values, stacked = true, width }: BarChartProps & { width: number }) {
  const groups = stacked ? 1 : Math.max(1, series.length);
  const rowH = Math.max(26, groups * 12 + 10);
  const margin = { top: 6, right: 56, bottom: 24, left: Math.min(220, Math.max(90, Math.floor(width * 0.38))) };
  const plotW = Math.max(40, width - margin.left - margin.right);
  const height = margin.top + categories.length * rowH + margin.bottom;
  const totals = values.map((row) => (stacked ? row.reduce((a, b) => a + b, 0) : Math.max(0, ...row)));
  const max = niceMax(Math.max(0, ...totals));
  const x = (v: number) => margin.left + (v / max) * plotW;
  const barH = stacked ? rowH - 10 : (rowH - 10) / groups;
  const maxChars = Math.max(8, Math.floor((margin.left - 8) / 7));

  return (
    <Svg width={width} height={height} summary={summary}>
      {ticksFor(max).map((t) => (
        <g key={t}>
          <line className="chart-grid" x1={x(t)} x2={x(t)} y1={margin.top} y2={height - margin.bottom} />
          <text className="chart-axis" x={x(t)} y={height - margin.bottom + 16} textAnchor="middle">
            {shortNumber(t)}
          </text>
        </g>
      ))}
      {categories.map((c, ci) => {
        const row = values[ci] ?? [];
        const top = margin.top + ci * rowH + 5;
        let base = 0;
        return (
          <g key={c.key} data-category={c.key}>
            <text className="chart-label" x={margin.left - 8} y={top + (rowH - 10) / 2} dy="0.32em" textAnchor="end">
              {cut(c.label, maxChars)}
              <title>{c.title ?? c.label}</title>
            </text>
            {series.map((s, si) => {
              const v = row[si] ?? 0;
              if (v <= 0) return null;
              const from = stacked ? base : 0;
              const rect = (
                <rect
                  key={s.key}
                  className="chart-bar"
                  x={x(from)}
                  y={stacked ? top : top + si * barH}
                  width={Math.max(1, x(from + v) - x(from))}
                  height={Math.max(1, barH - (stacked ? 0 : 1))}
                  fill={colourOf(si)}
                  data-value={v}
                >
                  <title>{tooltip(c, series, row, si)}</title>
                </rect>
              );
              if (stacked) base += v;
              return rect;
            })}
            <text className="chart-value" x={x(totals[ci] ?? 0) + 4} y={top + (rowH - 10) / 2} dy="0.32em">
              {stacked ? formatNumber(totals[ci] ?? 0) : ''}
            </text>
          </g>
        );
      })}
      <line className="chart-baseline" x1={margin.left} x2={margin.left} y1={margin.top} y2={height - margin.bottom} />
    </Svg>
  );
}

/** The key to the colours, with each series' total: the same information as the colours, in words. */
export function ChartLegend({ series, totals }: { series: readonly ChartSeries[]; totals?: readonly number[] }) {
  if (series.length === 0) return null;
  return (
    <ul className="chart-legend" aria-label="Legend">
      {series.map((s, i) => (
        <li key={s.key}>
          <span className="chart-swatch" style={{ background: colourOf(i) }} aria-hidden="true" />
          {s.label}
          {totals ? <span className="muted"> ({formatNumber(totals[i] ?? 0)})</span> : null}
        </li>
      ))}
    </ul>
  );
}

export type Cell = string | number | boolean | null;

/** The numbers behind a chart, as a table, behind a "Show as table" disclosure. */
export function ChartTable({ caption, columns, rows, empty }: { caption: string; columns: readonly string[]; rows: ReadonlyArray<ReadonlyArray<Cell>>; empty?: string }) {
  return (
    <details className="chart-table">
      <summary>
        Show as table<span className="visually-hidden">: {caption}</span>
      </summary>
      {rows.length === 0 ? (
        <p className="muted">{empty ?? 'No rows.'}</p>
      ) : (
        // Scrolls sideways on its own when wide; focusable so the keyboard can scroll it too.
        <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
          <table className="table">
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  {r.map((cell, j) => (
                    <td key={j} className={typeof cell === 'number' ? 'num' : 'break'}>
                      {cell === null ? '—' : typeof cell === 'number' ? formatNumber(cell) : typeof cell === 'boolean' ? (cell ? 'yes' : 'no') : cell}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

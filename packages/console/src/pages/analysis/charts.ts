/**
 * The Analysis page's charts: Apache ECharts with only the charts and
 * components used registered (the page is its own chunk, loaded when opened),
 * drawn as SVG. Each builder turns the figures into an option; the texts come
 * in already translated and formatted.
 */
import { format as echartsFormat, use, type EChartsCoreOption } from 'echarts/core';
import { BarChart, FunnelChart, GraphChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

use([BarChart, FunnelChart, GraphChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = EChartsCoreOption;

/** Text for a tooltip, which ECharts shows as HTML. */
export const escapeHtml = (text: string): string => echartsFormat.encodeHTML(text);

/** Colours with at least 3:1 against white, told apart also by position and labels. */
export const COLORS = ['#2f5bd3', '#c2410c', '#15803d', '#7e22ce', '#b42318', '#0e7490', '#a16207', '#475569'];
const TEXT = '#1f2937';
/** The console's font, named (not `inherit`): ECharts measures labels with it before the SVG draws them. */
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const base = { color: COLORS, textStyle: { color: TEXT, fontFamily: FONT }, animationDuration: 300 };
/** Category labels turn when there are more than a few, so that long names do not run into each other. */
const categoryLabels = (count: number) => ({ interval: 0, rotate: count > 4 ? 30 : 0, width: 110, overflow: 'truncate' });

export interface Named {
  name: string;
  value: number;
  label: string;
  tooltip?: string;
}

/** Entered per stage in lifecycle order (not sorted by size): the funnel's width is the count. */
export function funnelOption(stages: readonly Named[]): ChartOption {
  return {
    ...base,
    tooltip: { trigger: 'item', formatter: (p: { data: Named }) => p.data.tooltip ?? p.data.label },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: '8%',
        width: '84%',
        top: 8,
        bottom: 8,
        minSize: '6%',
        gap: 2,
        label: { position: 'inside', color: '#fff', formatter: (p: { data: Named }) => p.data.label },
        data: stages,
      },
    ],
  };
}

export interface ParetoBars {
  /** The bars' names under the axis: short (a cause's name, not its code), as a reader knows them. */
  names: readonly string[];
  /** Each bar's full name at the head of its tooltip (a cause's code and name). */
  titles: readonly string[];
  values: readonly number[];
  /** Cumulative share, 0 to 100. */
  cumulative: readonly number[];
  vital: readonly boolean[];
  valueLabel: string;
  cumulativeLabel: string;
  markLabel: string;
  format(value: number): string;
}

/** Bars largest first, the cumulative line on a 0–100 % axis, and the 80 % mark. */
export function paretoOption(p: ParetoBars): ChartOption {
  return {
    ...base,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      // The tooltip is HTML: the names (typed by people) are escaped.
      formatter: (items: ReadonlyArray<{ dataIndex: number; seriesIndex: number; marker: string; seriesName: string; value: number }>) =>
        [
          escapeHtml(p.titles[items[0]?.dataIndex ?? 0] ?? ''),
          ...items.map(
            (it) => `${it.marker}${escapeHtml(it.seriesName)}: ${it.seriesIndex === 0 ? p.format(it.value) : `${it.value.toFixed(1)} %`}`,
          ),
        ].join('<br>'),
    },
    legend: { top: 0, type: 'scroll', data: [p.valueLabel, p.cumulativeLabel] },
    grid: { left: 64, right: 48, top: 36, bottom: 84 },
    xAxis: { type: 'category', data: p.names, axisLabel: categoryLabels(p.names.length) },
    yAxis: [
      { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => p.format(v) } },
      { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' }, splitLine: { show: false } },
    ],
    series: [
      {
        name: p.valueLabel,
        type: 'bar',
        cursor: 'pointer',
        data: p.values.map((value, i) => ({ value, itemStyle: { color: p.vital[i] ? COLORS[0] : '#94a3b8' } })),
      },
      {
        name: p.cumulativeLabel,
        type: 'line',
        yAxisIndex: 1,
        data: p.cumulative,
        symbolSize: 6,
        itemStyle: { color: COLORS[1] },
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: COLORS[4], type: 'dashed' },
          label: { formatter: p.markLabel, color: COLORS[4], position: 'insideStartTop' },
          data: [{ yAxis: 80 }],
        },
      },
    ],
  };
}

export interface Bone {
  name: string;
  label: string;
  causes: readonly { label: string }[];
}

/**
 * The fishbone: a spine to the effect on the right, three bones above and
 * three below, each named by its group with its count, and its causes (with
 * counts) along it. A graph with fixed positions, so it reads as the diagram.
 * Labels are given as functions: a string would be read as ECharts' label
 * template, where `{b}` or `{a|…}` in a cause's name would not print as written.
 */
export function fishboneOption(effect: string, bones: readonly Bone[], moreLabel: (n: number) => string, perBone = 4): ChartOption {
  type Node = {
    name: string;
    x: number;
    y: number;
    symbolSize: number;
    label: Record<string, unknown>;
    itemStyle?: Record<string, unknown>;
  };
  const nodes: Node[] = [];
  const links: { source: string; target: string; lineStyle?: Record<string, unknown> }[] = [];
  const hidden = (name: string, x: number, y: number) => nodes.push({ name, x, y, symbolSize: 0, label: { show: false } });
  hidden('tail', 0, 0);
  nodes.push({
    name: 'effect',
    x: 108,
    y: 0,
    symbolSize: 0,
    label: {
      show: true,
      position: 'right',
      formatter: effect,
      fontWeight: 'bold',
      fontSize: 13,
      color: TEXT,
      backgroundColor: '#e8eefc',
      padding: [6, 8],
      borderRadius: 4,
    },
  });
  let previous = 'tail';
  [0, 1, 2].forEach((column) => {
    const join = `spine-${column}`;
    hidden(join, 30 + column * 32, 0);
    links.push({ source: previous, target: join });
    previous = join;
  });
  links.push({ source: previous, target: 'effect' });
  bones.slice(0, 6).forEach((bone, i) => {
    const column = i % 3;
    const side = i < 3 ? -1 : 1;
    const head = { x: 10 + column * 32, y: side * 48 };
    const join = { x: 30 + column * 32, y: 0 };
    const top = `bone-${i}`;
    nodes.push({
      name: top,
      ...head,
      symbolSize: 0,
      label: { show: true, position: side < 0 ? 'top' : 'bottom', formatter: () => bone.label, fontWeight: 'bold', color: TEXT },
    });
    links.push({ source: top, target: `spine-${column}`, lineStyle: { width: 2 } });
    const shown = bone.causes.slice(0, perBone);
    const rest = bone.causes.length - shown.length;
    const ribs = rest > 0 ? [...shown, { label: moreLabel(rest) }] : shown;
    ribs.forEach((cause, k) => {
      const t = (k + 1) / (ribs.length + 1);
      const at = { x: head.x + (join.x - head.x) * t, y: head.y + (join.y - head.y) * t };
      const rib = `rib-${i}-${k}`;
      const point = `cause-${i}-${k}`;
      nodes.push({
        name: rib,
        x: at.x - 6,
        y: at.y,
        symbolSize: 0,
        label: { show: true, position: 'left', formatter: () => cause.label, fontSize: 11, color: TEXT },
      });
      nodes.push({ name: point, ...at, symbolSize: 4, itemStyle: { color: '#475569' }, label: { show: false } });
      links.push({ source: rib, target: point, lineStyle: { width: 1, color: '#94a3b8' } });
    });
  });
  return {
    ...base,
    series: [
      {
        type: 'graph',
        layout: 'none',
        silent: true,
        left: 130,
        right: 230,
        top: 40,
        bottom: 40,
        lineStyle: { color: '#334155', width: 3, opacity: 1 },
        data: nodes,
        links,
      },
    ],
  };
}

export interface Series {
  name: string;
  values: readonly (number | null)[];
  kind: 'bar' | 'line';
  axis?: 0 | 1;
  stack?: string;
}

/** Bars and lines over categories (stages, clocks, periods); a second axis for shares when asked. */
export function seriesOption(
  categories: readonly string[],
  series: readonly Series[],
  axes: { format(v: number): string; fractional?: boolean }[],
): ChartOption {
  return {
    ...base,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 72, right: axes.length > 1 ? 72 : 16, top: 36, bottom: categories.length > 4 ? 80 : 40 },
    xAxis: { type: 'category', data: categories, axisLabel: categoryLabels(categories.length) },
    yAxis: axes.map((axis, i) => ({
      type: 'value',
      minInterval: axis.fractional ? 0 : 1,
      axisLabel: { formatter: (v: number) => axis.format(v) },
      splitLine: { show: i === 0 },
    })),
    series: series.map((s) => ({
      name: s.name,
      type: s.kind,
      data: s.values,
      yAxisIndex: s.axis ?? 0,
      connectNulls: true,
      ...(s.stack && { stack: s.stack }),
      tooltip: { valueFormatter: (v: number | null) => (v === null || v === undefined ? '—' : axes[s.axis ?? 0]!.format(v)) },
    })),
  };
}

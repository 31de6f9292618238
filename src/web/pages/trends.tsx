// Trends over a chosen time range: new indicators per day, warnings per week, activity by
// region and kind of organisation, the most-sighted indicators and feed health. Each chart is
// drawn from what the signed-in user may see, with its numbers as a table and as CSV.
import { useMemo, useState, type ReactNode } from 'react';
import { withQuery } from '../api.ts';
import { BarChart, ChartLegend, ChartTable, type Cell, type ChartCategory } from '../components/chart.tsx';
import { SelectField } from '../components/fields.tsx';
import { LoadState } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { feedKindName } from '../feed-types.ts';
import { formatDateTime } from '../format.ts';
import { useSearchParams } from '../router.tsx';
import {
  cellNumber,
  cellText,
  col,
  pivotRank,
  pivotTime,
  rangeChoices,
  rangeQuery,
  rankSummary,
  timeSummary,
  type Pivot,
  type RangeDays,
  type TrendChartId,
  type TrendTable,
} from '../trends-data.ts';
import { kindLabel, type OrgKind } from '../types.ts';
import { useApi } from '../use-api.ts';
import { indicatorTypeLabel, warningKindLabel } from '../warning-types.ts';

const trendsPath = '/api/intel/trends';

/** Words for the API's column names, in the tables. */
const columnWords: Record<string, string> = {
  day: 'Day',
  week: 'Week of',
  type: 'Type',
  sourceKind: 'Source',
  feed: 'Feed',
  count: 'Count',
  kind: 'Kind',
  region: 'Region',
  orgKind: 'Kind of organisation',
  warnings: 'Warnings',
  sightings: 'Sightings',
  sightingReports: 'Sighting reports',
  value: 'Value',
  organisations: 'Organisations',
  lastSightedAt: 'Last sighted',
  enabled: 'Enabled',
  lastStatus: 'Last status',
  lastRunAt: 'Last run',
  lastSuccessAt: 'Last success',
  consecutiveFailures: 'Failures in a row',
  runs: 'Runs',
  failedRuns: 'Failed runs',
  lastNew: 'Last run: new',
  lastUpdated: 'Last run: updated',
  lastUnchanged: 'Last run: unchanged',
  lastRejected: 'Last run: rejected',
  lastDurationMs: 'Last run took (ms)',
};

/** Ids are in the CSV for tools; people read the names. */
const hiddenColumns = new Set(['feedId', 'observableId']);

const sourceWords: Record<string, string> = { feed: 'Feeds', warning: 'Warnings', stix: 'STIX and TAXII' };

function orgKindWords(kind: string | null): string {
  if (!kind) return 'Unknown';
  if (kind === 'anonymous') return 'Anonymous';
  if (kind === 'hub') return 'The hub';
  return kindLabel(kind as OrgKind);
}

function readDays(text: string | null): RangeDays {
  const n = Number(text);
  return (rangeChoices as readonly number[]).includes(n) ? (n as RangeDays) : 30;
}

export function TrendsPage() {
  const params = useSearchParams();
  const [days, setDays] = useState<RangeDays>(() => readDays(params.get('days')));
  const range = useMemo(() => rangeQuery(days), [days]);
  // Long ranges are drawn by week: 365 bars would be thinner than a pixel on a phone.
  const bucket = days > 90 ? 'week' : 'day';

  return (
    <Page
      title="Trends"
      intro={<p>What came in and what was seen, from everything you may read. Days are counted in UTC.</p>}
    >
      <form className="filters filters-compact" aria-label="Time range" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="Time range"
          value={String(days)}
          options={rangeChoices.map((d) => ({ value: String(d), label: d === 365 ? 'The last year' : `The last ${d} days` }))}
          onChange={(v) => setDays(readDays(v))}
        />
      </form>
      <NewIndicatorsChart range={range} bucket={bucket} />
      <ChartCard
        chart="warnings-per-week"
        title="Warnings per week"
        description="Warnings you may read, by the week they were sent (weeks start on Monday) and kind of attack."
        range={range}
        build={(table) => {
          const kind = col(table, 'kind');
          const pivot = pivotTime(table, { time: 'week', count: 'count', bucket: 'week', group: (r) => ({ key: String(r[kind]), label: warningKindLabel(String(r[kind])) }) });
          return { pivot, orientation: 'vertical', summary: timeSummary('Warnings per week', table, pivot, 'warnings') };
        }}
      />
      <ChartCard
        chart="activity"
        title="Activity by region and kind of organisation"
        description="Warnings you may read by who sent them, and sightings by who reported them. Anonymous ones are counted together."
        range={range}
        build={(table) => {
          const region = col(table, 'region');
          const kind = col(table, 'orgKind');
          const w = col(table, 'warnings');
          const s = col(table, 'sightings');
          const pivot = pivotRank(table, {
            category: (r): ChartCategory => {
              const label = `${cellText(r, region) ?? 'No region'} · ${orgKindWords(cellText(r, kind))}`;
              return { key: label, label };
            },
            measures: [
              { key: 'warnings', label: 'Warnings', value: (r) => cellNumber(r, w) },
              { key: 'sightings', label: 'Sightings', value: (r) => cellNumber(r, s) },
            ],
            limit: 20,
          });
          return { pivot, orientation: 'horizontal', stacked: false, summary: rankSummary('Activity by region and kind of organisation', table, pivot) };
        }}
      />
      <ChartCard
        chart="most-sighted"
        title="Most-sighted indicators"
        description="The values members reported seeing most (false-positive reports are not counted). The chart shows the top 15; the table and the CSV the top 50."
        range={range}
        build={(table) => {
          const type = col(table, 'type');
          const value = col(table, 'value');
          const n = col(table, 'sightings');
          const pivot = pivotRank(table, {
            category: (r): ChartCategory => {
              const v = cellText(r, value) ?? '';
              return { key: `${cellText(r, type)}|${v}`, label: v, title: `${v} (${indicatorTypeLabel(cellText(r, type) ?? '')})` };
            },
            measures: [{ key: 'sightings', label: 'Sightings', value: (r) => cellNumber(r, n) }],
            limit: 15,
          });
          return { pivot, orientation: 'horizontal', summary: rankSummary('Most-sighted indicators', table, pivot) };
        }}
      />
      <ChartCard
        chart="feed-health"
        title="Feed health"
        description="Runs of each feed in the time range, those that failed in the second colour; the table has each feed’s last run."
        range={range}
        build={(table) => {
          const feed = col(table, 'feed');
          const kind = col(table, 'kind');
          const runs = col(table, 'runs');
          const failed = col(table, 'failedRuns');
          const pivot = pivotRank(table, {
            category: (r): ChartCategory => {
              const name = cellText(r, feed) ?? 'Feed';
              return { key: `${name}|${cellText(r, kind)}`, label: name, title: `${name} (${feedKindName(cellText(r, kind) ?? '')})` };
            },
            measures: [
              { key: 'ok', label: 'Runs that succeeded', value: (r) => Math.max(0, cellNumber(r, runs) - cellNumber(r, failed)) },
              { key: 'failed', label: 'Runs that failed', value: (r) => cellNumber(r, failed) },
            ],
            limit: 25,
          });
          return { pivot, orientation: 'horizontal', summary: rankSummary('Feed health: runs', table, pivot) };
        }}
      />
    </Page>
  );
}

function NewIndicatorsChart({ range, bucket }: { range: { from: string; to: string }; bucket: 'day' | 'week' }) {
  const [split, setSplit] = useState<'type' | 'source'>('type');
  const per = bucket === 'week' ? 'week' : 'day';
  const title = `New indicators per ${per}`;
  return (
    <ChartCard
      chart="new-indicators"
      title={title}
      description="Values newly listed by a feed, a warning or a STIX object that you may read, each counted once per source."
      range={range}
      controls={
        <SelectField
          label="Colours show"
          value={split}
          options={[
            { value: 'type', label: 'The type of indicator' },
            { value: 'source', label: 'Where it came from' },
          ]}
          onChange={(v) => setSplit(v === 'source' ? 'source' : 'type')}
        />
      }
      build={(table) => {
        const type = col(table, 'type');
        const sourceKind = col(table, 'sourceKind');
        const feedId = col(table, 'feedId');
        const feed = col(table, 'feed');
        const pivot = pivotTime(table, {
          time: 'day',
          count: 'count',
          bucket,
          group: (r) => {
            if (split === 'type') return { key: String(r[type]), label: indicatorTypeLabel(String(r[type])) };
            const kind = cellText(r, sourceKind) ?? '';
            if (kind === 'feed') return { key: `feed:${cellText(r, feedId) ?? ''}`, label: `Feed: ${cellText(r, feed) ?? 'removed'}` };
            return { key: kind, label: sourceWords[kind] ?? kind };
          },
        });
        return { pivot, orientation: 'vertical', summary: timeSummary(title, table, pivot, 'new indicators') };
      }}
    />
  );
}

interface ChartSpec {
  pivot: Pivot;
  orientation: 'vertical' | 'horizontal';
  stacked?: boolean;
  summary: string;
}

interface ChartCardProps {
  chart: TrendChartId;
  title: string;
  description: string;
  range: { from: string; to: string };
  build(table: TrendTable): ChartSpec;
  controls?: ReactNode;
}

/** One chart: heading, what it shows, the SVG and its legend, the table, the CSV. */
function ChartCard({ chart, title, description, range, build, controls }: ChartCardProps) {
  const query = { chart, from: range.from, to: range.to };
  const data = useApi<TrendTable>(trendsPath, query);
  const table = data.data;
  const headingId = `chart-${chart}`;
  const spec = table ? build(table) : null;
  const shownColumns = table ? table.columns.map((c, i) => [c, i] as const).filter(([c]) => !hiddenColumns.has(c)) : [];
  const rows: Cell[][] = table ? table.rows.map((r) => shownColumns.map(([c, i]) => displayCell(chart, c, r[i] ?? null))) : [];

  return (
    <section className="card trend-card" aria-labelledby={headingId} data-testid={`trend-${chart}`}>
      <div className="section-head">
        <h2 id={headingId}>{title}</h2>
        <a className="button button-secondary button-small" href={withQuery(trendsPath, { ...query, format: 'csv' })} download>
          Download CSV<span className="visually-hidden"> of {title.toLowerCase()}</span>
        </a>
      </div>
      <p className="muted">{description}</p>
      {controls ? <div className="trend-controls">{controls}</div> : null}
      <LoadState loading={data.loading && !table} error={data.error} what={title.toLowerCase()} />
      {spec && table ? (
        <>
          {spec.pivot.categories.length === 0 || spec.pivot.total === 0 ? (
            <p className="trend-empty">Nothing in this time range.</p>
          ) : (
            <>
              <BarChart summary={spec.summary} categories={spec.pivot.categories} series={spec.pivot.series} values={spec.pivot.values} orientation={spec.orientation} stacked={spec.stacked} testId={`chart-svg-${chart}`} />
              <ChartLegend series={spec.pivot.series} totals={spec.pivot.seriesTotals} />
            </>
          )}
          <ChartTable caption={title} columns={shownColumns.map(([c]) => columnWords[c] ?? c)} rows={rows} empty="No rows in this time range." />
        </>
      ) : null}
    </section>
  );
}

/** A table cell in words: types, kinds and times as people read them. */
function displayCell(chart: TrendChartId, column: string, cell: Cell): Cell {
  if (cell === null || typeof cell !== 'string') return cell;
  switch (column) {
    case 'kind':
      return chart === 'feed-health' ? feedKindName(cell) : warningKindLabel(cell);
    case 'type':
      return indicatorTypeLabel(cell);
    case 'sourceKind':
      return sourceWords[cell] ?? cell;
    case 'orgKind':
      return orgKindWords(cell);
    case 'lastSightedAt':
    case 'lastRunAt':
    case 'lastSuccessAt':
      return formatDateTime(cell);
    default:
      return cell;
  }
}

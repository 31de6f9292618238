// The archive of threat reports, searchable by date and kind, newest first; under it the
// reader's own email reports, and for operators making a report now and the outside recipients.
import { useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api.ts';
import { Badge, Time } from '../components/bits.tsx';
import { SelectField, TextField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { MakeReportForm, ReportRecipients } from '../components/report-admin.tsx';
import { ReportSubscriptionForm } from '../components/report-subscription.tsx';
import { reportKindLabels, reportKinds, reportPath, type ReportListItem } from '../report-types.ts';
import { Link, useSearchParams } from '../router.tsx';
import { useMe } from '../session.tsx';
import type { ListOf } from '../types.ts';

const pageSize = 20;
const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

interface Search {
  from: string;
  to: string;
  kind: string;
}

export function ReportsPage() {
  const me = useMe();
  const params = useSearchParams();
  const [draft, setDraft] = useState<Search>(() => ({ from: params.get('from') ?? '', to: params.get('to') ?? '', kind: params.get('kind') ?? '' }));
  const [search, setSearch] = useState<Search>(draft);
  const [items, setItems] = useState<ReportListItem[]>([]);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  const load = async (after: ReportListItem | null) => {
    setLoading(true);
    setError(null);
    try {
      const result = await api.get<ListOf<ReportListItem>>('/api/reports', { ...search, before: after?.cursor ?? null, limit: pageSize });
      setItems((old) => [...(after ? old : []), ...result.items]);
      setMore(result.items.length === pageSize);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load(null);
  }, [search, tick]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const from = draft.from.trim();
    const to = draft.to.trim();
    setFormError(null);
    if ((from && !isDate(from)) || (to && !isDate(to))) setFormError('Give dates as year-month-day, like 2026-03-04.');
    else if (from && to && from > to) setFormError('The first date is after the last one: swap them.');
    else setSearch({ from, to, kind: draft.kind });
  };

  const filtered = search.from !== '' || search.to !== '' || search.kind !== '';
  return (
    <Page
      title="Threat reports"
      intro={
        <p>
          What the region saw each day, week and month. Your copy of each report holds only what your organisation may see.
        </p>
      }
    >
      <form className="filters" aria-label="Find reports" onSubmit={apply} noValidate>
        <TextField label="From" type="date" hint="Reports issued on this day or later" value={draft.from} onChange={(from) => setDraft({ ...draft, from })} />
        <TextField label="To" type="date" hint="Reports issued on this day or earlier" value={draft.to} onChange={(to) => setDraft({ ...draft, to })} />
        <SelectField
          label="Kind"
          value={draft.kind}
          options={[{ value: '', label: 'All reports' }, ...reportKinds.map((k) => ({ value: k, label: reportKindLabels[k] }))]}
          onChange={(kind) => setDraft({ ...draft, kind })}
        />
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            Find reports
          </button>
          {filtered ? (
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                const all = { from: '', to: '', kind: '' };
                setDraft(all);
                setSearch(all);
              }}
            >
              Show all
            </button>
          ) : null}
        </div>
      </form>
      <Notice error={formError} />
      <section className="card" aria-labelledby="report-archive">
        <h2 id="report-archive">{filtered ? 'Reports found' : 'All reports'}</h2>
        <LoadState loading={loading && items.length === 0} error={error} what="the reports" />
        {!loading && !error && items.length === 0 ? (
          <p className="muted">{filtered ? 'No reports match.' : 'No reports yet: the first is made at the report time after the hub started.'}</p>
        ) : null}
        {items.length > 0 ? (
          <ul className="plain-list report-list" data-testid="report-list">
            {items.map((r) => (
              <li key={r.id} data-testid="report-row">
                <Link to={reportPath(r)} className="report-title">
                  {r.title}
                </Link>
                <span className="muted block">
                  <Badge tone="info">{reportKindLabels[r.kind] ?? r.kind}</Badge> {r.period} · covers <Time iso={r.from} /> to <Time iso={r.to} />
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        <div className="pager">
          <p className="muted" role="status">
            {items.length > 0 ? `Showing ${items.length} report${items.length === 1 ? '' : 's'}.` : ''}
            {loading && items.length > 0 ? ' Loading more…' : ''}
          </p>
          {more ? (
            <button type="button" className="button button-secondary" disabled={loading} onClick={() => void load(items[items.length - 1] ?? null)}>
              Older reports
            </button>
          ) : null}
        </div>
      </section>
      <ReportSubscriptionForm />
      {me.user.isOperator ? (
        <>
          <MakeReportForm onMade={() => setTick((t) => t + 1)} />
          <ReportRecipients />
        </>
      ) : null}
    </Page>
  );
}

// For member analysts: what residents checked with the public phishing check, grouped into
// campaigns (a shared link, domain, sender's domain or attachment) with reports per day,
// each one a click away from a prefilled warning; and the latest reports.
import { useState } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { Badge, Time } from '../components/bits.tsx';
import { SelectField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { saveWarningDraft } from '../phishing/draft.ts';
import { campaignKindLabels, verdictHeadlines, verdictTones, type Campaign, type PhishingCheck } from '../phishing/types.ts';
import { Link, navigate } from '../router.tsx';
import { useApi } from '../use-api.ts';
import '../phishing/phishing.css';

const dayOptions = [
  { value: '7', label: 'Last 7 days' },
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
];
const kindOptions = [{ value: '', label: 'Everything shared' }, ...Object.entries(campaignKindLabels).map(([value, label]) => ({ value, label }))];

export function PhishingReportsPage() {
  const [days, setDays] = useState('30');
  const [kind, setKind] = useState('');
  const campaigns = useApi<{ items: Campaign[] }>('/api/phishing/campaigns', { days, kind });
  return (
    <Page
      title="Phishing reports"
      intro={
        <p>
          Emails residents and staff checked with the public <Link to="/check">phishing check</Link>. Personal data is removed before anything
          is stored.
        </p>
      }
    >
      <section aria-labelledby="campaigns-heading">
        <div className="section-head">
          <h2 id="campaigns-heading">Campaigns</h2>
        </div>
        <div className="filters">
          <SelectField label="Period" value={days} options={dayOptions} onChange={setDays} />
          <SelectField label="Shared" value={kind} options={kindOptions} onChange={setKind} />
        </div>
        <LoadState loading={campaigns.loading} error={campaigns.error} what="campaigns" />
        {campaigns.data && campaigns.data.items.length === 0 ? <p className="muted">No two reports share anything in this period.</p> : null}
        <ul className="campaign-list">
          {campaigns.data?.items.map((c) => (
            <CampaignCard key={`${c.kind}|${c.value}`} campaign={c} />
          ))}
        </ul>
      </section>
      <RecentReports />
    </Page>
  );
}

function CampaignCard({ campaign: c }: { campaign: Campaign }) {
  const peak = Math.max(1, ...c.daily.map((d) => d.reports));
  const promote = () => {
    const subject = c.subjects[0] ? `: “${c.subjects[0]}”` : '';
    navigate(
      saveWarningDraft({
        kind: 'phishing',
        severity: 'medium',
        services: 'email',
        title: `Phishing campaign${subject}`.slice(0, 200),
        details: [
          `${c.reports} reports to the hub's phishing check between ${new Date(c.firstSeen).toDateString()} and ${new Date(c.lastSeen).toDateString()} share the ${campaignKindLabels[c.kind].toLowerCase()} ${c.defanged}.`,
          c.subjects.length ? `Subjects seen: ${c.subjects.join(' / ')}` : '',
        ]
          .filter(Boolean)
          .join('\n\n'),
        indicators: c.value,
      }),
    );
  };
  return (
    <li className="card campaign">
      <p className="campaign-key">
        <span className="muted">{campaignKindLabels[c.kind]}</span> <code className="indicator-value">{c.defanged}</code>
      </p>
      <p>
        <strong>{c.reports} reports</strong>, <Time iso={c.firstSeen} /> to <Time iso={c.lastSeen} />{' '}
        {Object.entries(c.verdicts)
          .filter(([, n]) => n > 0)
          .map(([v, n]) => (
            <Badge key={v} tone={verdictTones[v as keyof typeof verdictTones] ?? 'neutral'}>
              {verdictHeadlines[v as keyof typeof verdictHeadlines] ?? v}: {n}
            </Badge>
          ))}
      </p>
      <ol className="day-bars" aria-label="Reports per day">
        {c.daily.map((d) => (
          <li key={d.day} style={{ height: `${Math.max(8, (d.reports / peak) * 48)}px` }} title={`${d.day}: ${d.reports}`}>
            <span className="visually-hidden">
              {d.day}: {d.reports} report{d.reports === 1 ? '' : 's'}
            </span>
          </li>
        ))}
      </ol>
      {c.subjects.length ? (
        <ul className="plain-list subjects">
          {c.subjects.map((s) => (
            <li key={s}>“{s}”</li>
          ))}
        </ul>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button button-secondary button-small" onClick={promote}>
          Report as a warning…
        </button>
        {c.warningIds.map((id) => (
          <Link key={id} to={`/warnings/${seg(id)}`}>
            Warning shared by a resident
          </Link>
        ))}
      </div>
    </li>
  );
}

function RecentReports() {
  const [pages, setPages] = useState<PhishingCheck[][]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const first = useApi<{ items: PhishingCheck[]; total: number; nextBefore: string | null }>('/api/phishing/checks', { limit: 25 });
  const items = [...(first.data?.items ?? []), ...pages.flat()];
  const nextBefore = next === undefined ? first.data?.nextBefore : next;
  const more = async () => {
    if (!nextBefore) return;
    try {
      const page = await api.get<{ items: PhishingCheck[]; nextBefore: string | null }>('/api/phishing/checks', { limit: 25, before: nextBefore });
      setPages((p) => [...p, page.items]);
      setNext(page.nextBefore);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section aria-labelledby="recent-heading">
      <div className="section-head">
        <h2 id="recent-heading">Latest reports</h2>
        {first.data ? <p className="result-count">{first.data.total} in all</p> : null}
      </div>
      <LoadState loading={first.loading} error={first.error} what="reports" />
      {items.length ? (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Latest phishing reports</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Verdict</th>
                <th scope="col">Subject</th>
                <th scope="col">Sender&rsquo;s domain</th>
                <th scope="col">Via</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td data-label="When">
                    <Time iso={r.createdAt} />
                  </td>
                  <td data-label="Verdict">
                    <Badge tone={verdictTones[r.verdict]}>{verdictHeadlines[r.verdict]}</Badge>
                  </td>
                  <td data-label="Subject" className="break">
                    {r.subject || <span className="muted">(none)</span>}
                  </td>
                  <td data-label="Sender's domain">{r.senderDomain ? <code>{r.senderDomain.replaceAll('.', '[.]')}</code> : '—'}</td>
                  <td data-label="Via">{r.channel === 'mail' ? 'Mailbox' : 'Web'}</td>
                  <td data-label="">
                    {r.shared?.warningId ? <Link to={`/warnings/${seg(r.shared.warningId)}`}>Shared warning</Link> : null}{' '}
                    {r.rawKept ? (
                      <a href={`/api/phishing/raw/${seg(r.id)}`} download>
                        Download email
                      </a>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : first.data ? (
        <p className="muted">No reports yet.</p>
      ) : null}
      <Notice error={error} />
      {nextBefore ? (
        <p>
          <button type="button" className="button button-secondary" onClick={() => void more()}>
            Older reports
          </button>
        </p>
      ) : null}
    </section>
  );
}

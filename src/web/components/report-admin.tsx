// The operators' part of the reports page: making a report now (or finding the one that exists)
// and the outside recipients of the public edition, such as a mailing list of local businesses.
import { useState, type FormEvent } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { reportKindLabels, reportKinds, reportPath, type GenerateResult, type ReportKind, type ReportRecipient } from '../report-types.ts';
import { Link } from '../router.tsx';
import type { ListOf } from '../types.ts';
import { useApi } from '../use-api.ts';
import { Badge, ConfirmButton, Time } from './bits.tsx';
import { CheckList } from './check-list.tsx';
import { CheckboxField, SelectField, TextField } from './fields.tsx';
import { LoadState, Notice } from './notice.tsx';

const kindItems = reportKinds.map((k) => ({ id: k, label: reportKindLabels[k] }));

export function MakeReportForm({ onMade }: { onMade(): void }) {
  const [kind, setKind] = useState<ReportKind>('daily');
  const [date, setDate] = useState('');
  const [send, setSend] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<GenerateResult | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const made = await api.post<GenerateResult>('/api/reports/generate', { kind, ...(date ? { date } : {}), send });
      setResult(made);
      onMade();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="make-report">
      <h2 id="make-report">Make a report now</h2>
      <p className="hint">
        Reports are made by themselves at the report time; make one here for a period the hub missed. Give a date in the period (for a daily report, the
        morning it is issued), or none for the latest period that has ended.
      </p>
      <form className="form form-inline" onSubmit={submit} aria-labelledby="make-report" noValidate>
        <SelectField label="Kind" value={kind} options={kindItems.map((k) => ({ value: k.id, label: k.label }))} onChange={(v) => setKind(v as ReportKind)} />
        <TextField label="A date in the period" type="date" value={date} onChange={setDate} />
        <CheckboxField label="Mail it to subscribers who have not had it" checked={send} onChange={setSend} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Make report
          </button>
        </div>
      </form>
      <Notice
        error={error}
        success={
          result ? (
            <>
              <Link to={reportPath(result.report)}>{result.report.title}</Link> {result.created ? 'was made.' : 'existed already: nothing new was made.'}
              {result.queued > 0 ? ` Queued for ${result.queued} subscriber${result.queued === 1 ? '' : 's'}.` : send ? ' Every subscriber had it already.' : ''}
            </>
          ) : null
        }
      />
    </section>
  );
}

export function ReportRecipients() {
  const list = useApi<ListOf<ReportRecipient>>('/api/reports/recipients');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [kinds, setKinds] = useState<string[]>(['daily']);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});
  const items = list.data?.items ?? [];

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setMessage({});
    if (kinds.length === 0) {
      setMessage({ error: 'Choose at least one report for them to receive.' });
      return;
    }
    setBusy(true);
    try {
      const added = await api.post<ReportRecipient>('/api/reports/recipients', { email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}), kinds });
      setMessage({ success: `${added.email} will receive the public edition.` });
      setEmail('');
      setName('');
      list.reload();
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (r: ReportRecipient) => {
    setMessage({});
    try {
      await api.delete(`/api/reports/recipients/${seg(r.id)}`);
      setMessage({ success: `${r.email} was removed and will receive no more reports.` });
      list.reload();
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    }
  };

  return (
    <section className="card" aria-labelledby="report-recipients">
      <h2 id="report-recipients">Outside recipients of the public edition</h2>
      <p className="hint">The public edition holds TLP:CLEAR only. Each mail has a link to unsubscribe, which works without signing in.</p>
      <LoadState loading={list.loading && !list.data} error={list.error} what="the recipients" />
      {list.data && items.length === 0 ? <p className="muted">No outside recipients yet.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Outside recipients</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Receives</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id} data-testid="recipient-row">
                  <th scope="row" data-label="Email" className="break">
                    {r.email}
                  </th>
                  <td data-label="Name" className="break">
                    {r.name ?? <span className="muted">—</span>}
                  </td>
                  <td data-label="Receives">
                    {r.unsubscribedAt ? <Badge tone="neutral">Unsubscribed</Badge> : r.kinds.map((k) => reportKindLabels[k] ?? k).join(', ')}
                  </td>
                  <td data-label="Added">
                    <Time iso={r.createdAt} />
                  </td>
                  <td data-label="Actions">
                    <ConfirmButton label="Remove" ariaLabel={`Remove ${r.email}`} question="They receive no more reports." confirmLabel="Yes, remove" danger small onConfirm={() => remove(r)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <form className="form" onSubmit={add} aria-labelledby="add-recipient" noValidate>
        <h3 id="add-recipient">Add a recipient</h3>
        <div className="inline-fields">
          <TextField label="Email" type="email" autoComplete="off" maxLength={254} value={email} onChange={setEmail} />
          <TextField label="Name (optional)" autoComplete="off" maxLength={200} value={name} onChange={setName} />
        </div>
        <CheckList legend="They receive" items={kindItems} selected={kinds} onChange={setKinds} />
        <Notice error={message.error} success={message.success} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Add recipient
          </button>
        </div>
      </form>
    </section>
  );
}

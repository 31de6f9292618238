// The "Email alerts" section of the account page: when to be mailed about new warnings
// (at once, an hourly digest, never) and about which ones.
import { useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api.ts';
import { AlertFilterFields, cleanFilter, isEmptyFilter } from '../components/alert-filter.tsx';
import { RadioField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { useApi } from '../use-api.ts';
import type { AlertFilter, AlertMode, AlertPrefs } from '../warning-types.ts';

const modes: { value: AlertMode; label: string; hint: string }[] = [
  { value: 'immediate', label: 'Immediately', hint: 'One email for each warning, as soon as it is sent.' },
  { value: 'hourly', label: 'Hourly digest', hint: 'At most one email an hour, listing what arrived.' },
  { value: 'none', label: 'Never', hint: 'No email: check the warnings page yourself.' },
];

export function EmailAlerts() {
  const prefs = useApi<AlertPrefs>('/api/me/alerts');
  const [mode, setMode] = useState<AlertMode>('immediate');
  const [filter, setFilter] = useState<AlertFilter>({});
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});

  useEffect(() => {
    if (!prefs.data) return;
    setMode(prefs.data.mode);
    setFilter(prefs.data.filter ?? {});
  }, [prefs.data]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage({});
    try {
      const saved = await api.put<AlertPrefs>('/api/me/alerts', { mode, filter: cleanFilter(filter) });
      if (saved && typeof saved === 'object' && 'mode' in saved) prefs.set(saved);
      setMessage({ success: 'Your email alert settings are saved.' });
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="account-alerts">
      <h2 id="account-alerts">Email alerts</h2>
      <LoadState loading={prefs.loading && !prefs.data} error={prefs.error} what="your alert settings" />
      {prefs.data ? (
        <form className="form" onSubmit={submit}>
          <fieldset className="fieldset">
            <legend>Email me about new warnings</legend>
            {modes.map((m) => (
              <RadioField
                key={m.value}
                name="alert-mode"
                label={m.label}
                hint={m.hint}
                value={m.value}
                checked={mode === m.value}
                onChange={(v) => setMode(v as AlertMode)}
              />
            ))}
          </fieldset>
          {mode !== 'none' ? (
            <details className="filter-details" open={!isEmptyFilter(prefs.data.filter)}>
              <summary>Only some warnings</summary>
              <AlertFilterFields filter={filter} onChange={setFilter} />
            </details>
          ) : null}
          <Notice error={message.error} success={message.success} />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              Save alert settings
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

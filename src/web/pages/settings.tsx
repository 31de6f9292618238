// Hub-wide settings, for the operator.
import { useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api.ts';
import { CheckboxField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { useSession } from '../session.tsx';
import type { HubSettings } from '../types.ts';
import { useApi } from '../use-api.ts';

export function SettingsPage() {
  const { refresh, me } = useSession();
  const selfAffected = me !== null && !me.user.totpEnabled;
  const settings = useApi<HubSettings>('/api/settings');
  const [requireTotp, setRequireTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});

  useEffect(() => {
    if (settings.data) setRequireTotp(settings.data.requireTotpForAdmins);
  }, [settings.data]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage({});
    try {
      const saved = await api.patch<HubSettings>('/api/settings', { requireTotpForAdmins: requireTotp });
      settings.set(saved);
      setMessage({ success: 'Settings saved.' });
      void refresh(); // the rule may apply to the operator too
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title="Settings">
      <LoadState loading={settings.loading && !settings.data} error={settings.error} what="settings" />
      {settings.data ? (
        <section className="card" aria-labelledby="settings-security">
          <h2 id="settings-security">Sign-in security</h2>
          <form className="form" onSubmit={submit}>
            <CheckboxField
              label="Require two-factor sign-in for admins"
              hint={
                selfAffected
                  ? 'Organisation admins and operators without an authenticator app must set one up before they can use the hub. That includes you: you have not set one up yet.'
                  : 'Organisation admins and operators without an authenticator app must set one up before they can use the hub.'
              }
              checked={requireTotp}
              onChange={setRequireTotp}
            />
            <Notice error={message.error} success={message.success} />
            <div className="form-actions">
              <button type="submit" className="button button-primary" disabled={busy}>
                Save settings
              </button>
            </div>
          </form>
        </section>
      ) : null}
    </Page>
  );
}

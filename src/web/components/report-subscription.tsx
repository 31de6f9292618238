// "Your email reports": which reports the signed-in user is mailed (daily, weekly, monthly or
// none) and which sections they carry, with the public edition and its feeds to pass on.
// Report mails link here as /reports#subscription.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api.ts';
import { reportKindLabels, reportKinds, reportSectionLabels, reportSections, type ReportKind, type ReportSection, type ReportSubscription } from '../report-types.ts';
import { useApi } from '../use-api.ts';
import { CheckList } from './check-list.tsx';
import { LoadState, Notice } from './notice.tsx';

const kindHints: Record<ReportKind, string> = {
  daily: 'Every morning, covering the 24 hours before.',
  weekly: 'Once a week, covering the seven days before.',
  monthly: 'On the first of the month, covering the month before.',
};

const kindItems = reportKinds.map((k) => ({ id: k, label: reportKindLabels[k], hint: kindHints[k] }));
const sectionItems = reportSections.map((s) => ({
  id: s,
  label: reportSectionLabels[s],
  hint: s === 'watchlist' ? 'Matches of your organisation’s watchlist; not in an operator’s copy.' : undefined,
}));

/** What was saved, in words, for the notice. */
function savedText(saved: ReportSubscription): string {
  if (saved.kinds.length === 0) return 'Saved: you will not be mailed any reports. They stay in the archive above.';
  const kinds = reportKinds.filter((k) => saved.kinds.includes(k)).map((k) => reportKindLabels[k].toLowerCase());
  const sections = saved.sections.length === 0 ? 'every section' : saved.sections.map((s) => reportSectionLabels[s].toLowerCase()).join(', ');
  return `Saved: you will be mailed the ${kinds.join(', ')}, with ${sections}.`;
}

export function ReportSubscriptionForm() {
  const sub = useApi<ReportSubscription>('/api/reports/subscription');
  const [kinds, setKinds] = useState<string[]>([]);
  const [sections, setSections] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});
  const section = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!sub.data) return;
    setKinds(sub.data.kinds);
    // None chosen means all: show them all ticked, so what is seen is what is mailed.
    setSections(sub.data.sections.length === 0 ? [...reportSections] : sub.data.sections);
  }, [sub.data]);

  // A mail's link (/reports#subscription) arrives before this section exists: go there once it does.
  const loaded = sub.data !== null;
  useEffect(() => {
    if (loaded && window.location.hash === '#subscription') section.current?.scrollIntoView({ block: 'start' });
  }, [loaded]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage({});
    if (kinds.length > 0 && sections.length === 0) {
      setMessage({ error: 'Choose at least one section, or untick every report to be mailed none.' });
      return;
    }
    setBusy(true);
    try {
      const body: ReportSubscription = {
        kinds: reportKinds.filter((k) => kinds.includes(k)),
        sections: sections.length === reportSections.length ? [] : reportSections.filter((s): s is ReportSection => sections.includes(s)),
      };
      const saved = await api.put<ReportSubscription>('/api/reports/subscription', body);
      sub.set(saved);
      setMessage({ success: savedText(saved) });
    } catch (e) {
      setMessage({ error: `Not saved: ${errorMessage(e)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" id="subscription" ref={section} aria-labelledby="subscription-heading">
      <h2 id="subscription-heading">Your email reports</h2>
      <p>
        Each copy holds only what you may see. The public edition, TLP:CLEAR only and in plain words, is for businesses and residents:{' '}
        <a href="/public/reports">the public reports</a>, with an <a href="/public/reports/feed.atom">Atom feed</a> and an{' '}
        <a href="/public/reports/feed.rss">RSS feed</a>.
      </p>
      <LoadState loading={sub.loading && !sub.data} error={sub.error} what="your email reports" />
      {sub.data ? (
        <form className="form" onSubmit={submit} aria-labelledby="subscription-heading">
          <CheckList legend="Email me" items={kindItems} selected={kinds} onChange={setKinds} />
          <CheckList legend="Sections in my reports" items={sectionItems} selected={sections} onChange={setSections} disabled={kinds.length === 0} />
          <Notice error={message.error} success={message.success} />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              Save email reports
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

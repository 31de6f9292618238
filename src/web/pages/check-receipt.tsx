// A phishing-check result opened from its receipt link (the page after a check, the link in
// the mailbox's reply): the same result, and the choice to share it with the hub.
import { seg } from '../api.ts';
import { LoadState } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { Link } from '../router.tsx';
import { CheckResult } from '../phishing/result.tsx';
import type { PhishingCheck } from '../phishing/types.ts';
import { useApi } from '../use-api.ts';
import { useCheckServiceWorker } from './check.tsx';

export function CheckReceiptPage({ receipt }: { receipt: string }) {
  useCheckServiceWorker();
  const valid = /^[A-Za-z0-9_-]{43}$/.test(receipt);
  const check = useApi<PhishingCheck>(valid ? `/api/phishing/checks/${seg(receipt)}` : null);
  return (
    <Page title="Is this email safe?" narrow>
      {!valid ? (
        <p role="alert" className="notice notice-error">
          This link is not complete: copy the whole link from the email or page you got it from.
        </p>
      ) : (
        <LoadState loading={check.loading} error={check.error} what="the result" />
      )}
      {check.data ? <CheckResult check={check.data} receipt={receipt} receiptUrl={`${window.location.origin}/check/r/${receipt}`} onChange={check.set} /> : null}
      <p>
        <Link to="/check">Check another email</Link>
      </p>
    </Page>
  );
}

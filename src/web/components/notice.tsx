// Live regions for the outcome of an action. The regions are always in the document so
// that assistive technology announces text when it appears.
import type { ReactNode } from 'react';

export interface NoticeProps {
  error?: ReactNode;
  success?: ReactNode;
}

export function Notice({ error, success }: NoticeProps) {
  return (
    <>
      <div role="alert" className="live-region">
        {error ? <p className="notice notice-error">{error}</p> : null}
      </div>
      <div role="status" className="live-region">
        {success ? <p className="notice notice-success">{success}</p> : null}
      </div>
    </>
  );
}

/** A loading or failed GET, in place of the content it would show. */
export function LoadState({ loading, error, what }: { loading: boolean; error: string | null; what: string }) {
  if (error) {
    return (
      <div role="alert" className="live-region">
        <p className="notice notice-error">
          Could not load {what}: {error}
        </p>
      </div>
    );
  }
  if (loading) {
    return (
      <p className="muted" role="status">
        Loading {what}…
      </p>
    );
  }
  return null;
}

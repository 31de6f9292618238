// The frame of every page: document title, the h1 that takes focus after navigation
// (so screen readers announce the new page), and the message passed by navigate().
import { useEffect, useRef, type ReactNode } from 'react';
import { useLive } from '../live.tsx';
import { useFlash, useLocation } from '../router.tsx';
import { Notice } from './notice.tsx';

let firstRender = true;

export interface PageProps {
  title: string;
  /** Shown under the title. */
  intro?: ReactNode;
  /** Buttons or links at the right of the title. */
  actions?: ReactNode;
  children?: ReactNode;
  narrow?: boolean;
}

export function Page({ title, intro, actions, children, narrow }: PageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { key } = useLocation();
  const flash = useFlash();
  const { unread } = useLive();

  useEffect(() => {
    // The unread count in the tab's title shows from another tab or window.
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${title} · Tocsin`;
  }, [title, unread]);

  useEffect(() => {
    // On first load the browser starts at the top of the document; after an in-app
    // navigation, move focus to the new heading as a full page load would.
    if (firstRender) {
      firstRender = false;
      return;
    }
    heading.current?.focus();
  }, [key]);

  return (
    <div className={narrow ? 'page page-narrow' : 'page'}>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {intro ? <div className="page-intro">{intro}</div> : null}
      <Notice success={flash} />
      {children}
    </div>
  );
}

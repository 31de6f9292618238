// One warning in the dashboard's list: its markings, title, source, audience and time.
import { Link } from '../router.tsx';
import { warningKindLabel, type Warning } from '../warning-types.ts';
import { Badge, Time } from './bits.tsx';
import { SeverityBadge, TlpBadge } from './tlp-badge.tsx';

function names(refs: { name: string }[]): string {
  return refs.map((r) => r.name).join(', ');
}

/** Who it went to, in words. Recipients see the groups; only the sender sees named organisations. */
export function audienceSummary(w: Warning): string {
  const { kind, orgs, groups } = w.audience;
  if (kind === 'orgs') {
    if (orgs.length > 0) return `To ${names(orgs)}`;
    return w.isOwn ? 'To named organisations' : 'To named organisations, including yours';
  }
  if (kind === 'groups') {
    if (groups.length === 0) return 'To sharing groups';
    return `To ${groups.length === 1 ? 'the group' : 'the groups'} ${names(groups)}`;
  }
  if (kind === 'members') return 'To all members';
  if (kind === 'public') return 'Public';
  return kind;
}

/** "Springfield", "Springfield (you, sent anonymously)", or "A member city in Region 3". */
export function sourceSummary(w: Warning): string {
  if (!w.isOwn) return w.source.label;
  return w.source.anonymous ? `${w.source.label} (you, sent anonymously)` : `${w.source.label} (you)`;
}

export function WarningCard({ warning: w, isNew }: { warning: Warning; isNew?: boolean }) {
  const retracted = w.status === 'retracted';
  const titleId = `warning-${w.id}-title`;
  return (
    <article
      className={`warning-card${retracted ? ' is-retracted' : ''}${isNew ? ' is-new' : ''} sev-${w.severity}`}
      aria-labelledby={titleId}
      data-testid="warning-card"
    >
      <div className="warning-tags">
        <TlpBadge tlp={w.tlp} />
        <SeverityBadge severity={w.severity} />
        <span className="warning-kind">{warningKindLabel(w.kind)}</span>
        {retracted ? <Badge tone="bad">Retracted</Badge> : null}
        {isNew ? <Badge tone="info">New</Badge> : null}
      </div>
      <h2 className="warning-title" id={titleId}>
        <Link to={`/warnings/${encodeURIComponent(w.id)}`}>{retracted ? <s>{w.title}</s> : w.title}</Link>
      </h2>
      <p className="warning-meta">
        <span>From {sourceSummary(w)}</span>
        <span>{audienceSummary(w)}</span>
        <span>
          <Time iso={w.createdAt} />
          {w.version > 1 && !retracted ? (
            <>
              {' '}
              · updated <Time iso={w.updatedAt} />
            </>
          ) : null}
        </span>
      </p>
      {retracted ? (
        <p className="warning-retraction">
          Retracted <Time iso={w.retractedAt} />
          {w.retractionReason ? <>: {w.retractionReason}</> : null}
        </p>
      ) : null}
    </article>
  );
}

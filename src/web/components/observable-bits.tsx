// Pieces shared by the search, pivot and watchlist pages: an observable's value (always
// defanged, and only ever a link to its own pivot page), its marks, and the warning lists' names.
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { defang, type ObservableSummary, type WarningListInfo } from '../intel-types.ts';
import { Link } from '../router.tsx';
import { Badge } from './bits.tsx';

/** The value defanged, in monospace: never a link to what it names. */
export function ObservableValue({ type, value }: { type: string; value: string }) {
  return <code className="indicator-value">{defang(type, value)}</code>;
}

/** The defanged value as a link to the hub's own pivot page for it. */
export function ObservableLink({ id, type, value }: { id: number; type: string; value: string }) {
  return (
    <Link to={`/intel/${id}`} className="observable-link">
      <ObservableValue type={type} value={value} />
    </Link>
  );
}

let listNames: Promise<Map<string, string>> | null = null;

/** Warning list id → name, loaded once per page load; ids stand in until then (or if it fails). */
export function useWarningListNames(): ReadonlyMap<string, string> {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    listNames ??= api
      .get<{ items: WarningListInfo[] }>('/api/intel/warning-lists')
      .then((r) => new Map(r.items.map((l) => [l.id, l.name])))
      .catch(() => {
        listNames = null;
        return new Map<string, string>();
      });
    void listNames.then((m) => {
      if (live) setNames(m);
    });
    return () => {
      live = false;
    };
  }, []);
  return names;
}

type Marked = Pick<ObservableSummary, 'inForce' | 'onWarningList' | 'warningList' | 'suppressed' | 'ubiquitous' | 'sourceCount'>;

/** In force or not, and the flags that say "do not block on this": warning list, suppressed, ubiquitous. */
export function ObservableMarks({ o, listNames }: { o: Marked; listNames: ReadonlyMap<string, string> }) {
  return (
    <span className="badges observable-marks">
      {o.sourceCount === 0 ? (
        <Badge tone="neutral">Sighted only</Badge>
      ) : o.inForce ? (
        <Badge tone="good">In force</Badge>
      ) : (
        <Badge tone="neutral">Not in force</Badge>
      )}
      {o.onWarningList ? <Badge tone="warn">On warning list: {listNames.get(o.warningList ?? '') ?? o.warningList}</Badge> : null}
      {o.suppressed ? <Badge tone="bad">Suppressed as a false positive</Badge> : null}
      {o.ubiquitous ? <Badge tone="info">Ubiquitous</Badge> : null}
    </span>
  );
}

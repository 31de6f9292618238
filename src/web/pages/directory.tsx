// The member directory: every organisation in the hub, searchable by name, kind and region.
import { useEffect, useState } from 'react';
import { Page } from '../components/page.tsx';
import { LoadState } from '../components/notice.tsx';
import { SelectField, TextField } from '../components/fields.tsx';
import { OrgTable } from '../components/org-table.tsx';
import { useApi } from '../use-api.ts';
import { orgKinds, type ListOf, type Org } from '../types.ts';

const kindOptions = [{ value: '', label: 'All kinds' }, ...orgKinds];

/** Waits until typing pauses before the value changes, so each key press is not a request. */
export function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function DirectoryPage() {
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const [region, setRegion] = useState('');
  const query = { q: useDebounced(q.trim()), kind, region: useDebounced(region.trim()) };
  const orgs = useApi<ListOf<Org>>('/api/orgs', query);
  const items = orgs.data?.items ?? [];
  const filtered = query.q !== '' || query.kind !== '' || query.region !== '';

  return (
    <Page title="Member directory" intro={<p>The organisations that share through this hub.</p>}>
      <form className="filters" role="search" aria-label="Filter organisations" onSubmit={(e) => e.preventDefault()}>
        <TextField label="Search" type="search" placeholder="Name, domain…" value={q} onChange={setQ} />
        <SelectField label="Kind" value={kind} options={kindOptions} onChange={setKind} />
        <TextField label="Region" value={region} onChange={setRegion} />
      </form>
      <LoadState loading={orgs.loading && !orgs.data} error={orgs.error} what="the directory" />
      {orgs.data ? (
        <>
          <p className="result-count" role="status">
            {items.length === 1 ? '1 organisation' : `${items.length} organisations`}
            {filtered ? ' match' : ''}
          </p>
          {items.length > 0 ? <OrgTable orgs={items} caption="Member organisations" /> : null}
        </>
      ) : null}
    </Page>
  );
}

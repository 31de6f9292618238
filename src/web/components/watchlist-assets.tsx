// The organisation's watched assets on the watchlist page: read-only for members, and for its
// admins an edit form that sends only the lists that changed (each list sent replaces that list
// whole, through PATCH /api/orgs/:id, as docs/WATCHLISTS.md says).
import { useState, type FormEvent } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { parseAsns, parseLines, sameList } from '../format.ts';
import { assetLists, type AssetListName, type WatchAssets } from '../intel-types.ts';
import { TextAreaField } from './fields.tsx';
import { Notice } from './notice.tsx';

type Draft = Record<AssetListName, string>;

function toDraft(assets: WatchAssets): Draft {
  return {
    domains: assets.domains.join('\n'),
    ipRanges: assets.ipRanges.join('\n'),
    asns: assets.asns.map((a) => `AS${a}`).join('\n'),
    emailDomains: assets.emailDomains.join('\n'),
    brands: assets.brands.join('\n'),
    lookalikePatterns: assets.lookalikePatterns.join('\n'),
  };
}

/** The lists that differ from what is stored, ready to PATCH; or what to fix first. */
function changedLists(assets: WatchAssets, draft: Draft): { patch: Partial<WatchAssets> } | { error: string } {
  const asns = parseAsns(draft.asns);
  if ('bad' in asns) return { error: `"${asns.bad}" is not an AS number (write 64500 or AS64500).` };
  const patch: Partial<WatchAssets> = {};
  if (!sameList(asns.asns, assets.asns)) patch.asns = asns.asns;
  for (const name of ['domains', 'ipRanges', 'emailDomains', 'brands', 'lookalikePatterns'] as const) {
    const values = parseLines(draft[name]);
    if (!sameList(values, assets[name])) patch[name] = values;
  }
  return { patch };
}

function AssetList({ values }: { values: readonly string[] }) {
  if (values.length === 0) return <span className="muted">None listed</span>;
  return (
    <ul className="plain-list">
      {values.map((v) => (
        <li key={v}>
          <code>{v}</code>
        </li>
      ))}
    </ul>
  );
}

function shown(assets: WatchAssets, name: AssetListName): string[] {
  return name === 'asns' ? assets.asns.map((a) => `AS${a}`) : assets[name];
}

export interface WatchAssetsSectionProps {
  orgId: string;
  assets: WatchAssets;
  canEdit: boolean;
  onSaved(): void;
}

export function WatchAssetsSection({ orgId, assets, canEdit, onSaved }: WatchAssetsSectionProps) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    setError(null);
    setSaved(null);
    const changed = changedLists(assets, draft);
    if ('error' in changed) {
      setError(changed.error);
      return;
    }
    if (Object.keys(changed.patch).length === 0) {
      setDraft(null);
      setSaved('Nothing changed.');
      return;
    }
    setBusy(true);
    try {
      await api.patch(`/api/orgs/${seg(orgId)}`, changed.patch);
      setDraft(null);
      setSaved('Assets saved. New intel that touches them will show up below.');
      onSaved();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="watch-assets">
      <div className="section-head">
        <h2 id="watch-assets">{draft ? 'Edit watched assets' : 'Watched assets'}</h2>
        {canEdit && !draft ? (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setDraft(toDraft(assets));
              setSaved(null);
            }}
          >
            Edit assets
          </button>
        ) : null}
      </div>
      {draft ? (
        <form className="form" onSubmit={submit} aria-label="Watched assets">
          <p className="hint">One per line. Each list you change replaces the old one.</p>
          <div className="grid-3">
            {assetLists.map((list) => (
              <TextAreaField
                key={list.name}
                label={list.label}
                hint={list.hint}
                spellCheck={false}
                autoComplete="off"
                rows={4}
                value={draft[list.name]}
                onChange={(value) => setDraft({ ...draft, [list.name]: value })}
              />
            ))}
          </div>
          <Notice error={error} />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              Save assets
            </button>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                setDraft(null);
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <Notice success={saved} />
          {!canEdit ? <p className="hint">Your organisation&rsquo;s administrators can change these.</p> : null}
          <dl className="details" data-testid="watch-assets">
            {assetLists.map((list) => (
              <div key={list.name}>
                <dt>{list.label}</dt>
                <dd>
                  <AssetList values={shown(assets, list.name)} />
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}

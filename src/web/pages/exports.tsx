// The organisation's exports (the lists its firewalls, IDS sensors, DNS resolvers and SIEMs
// fetch), each with its devices and whether they still fetch; and for its admins the form to
// save a new one. Devices that stopped fetching are called out above everything else.
import { seg } from '../api.ts';
import { Badge, Time } from '../components/bits.tsx';
import { ExportForm } from '../components/export-form.tsx';
import { LoadState } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { deviceStatusLabels, deviceStatusTone, formatLabel, staleDevices, type Export, type ExportFormat, type ExportToken } from '../export-types.ts';
import { Link, navigate } from '../router.tsx';
import { useMe } from '../session.tsx';
import type { ListOf, MeResponse } from '../types.ts';
import { useApi } from '../use-api.ts';

/** May save new exports: an organisation's admins (for it), and the operator (for any). The hub decides the same. */
export function canCreateExports(me: MeResponse): boolean {
  return me.user.isOperator || (me.user.orgId !== null && me.user.role === 'admin');
}

export function exportPath(exp: Pick<Export, 'id'>): string {
  return `/connect/exports/${seg(exp.id)}`;
}

/** The device's status badge; with its last fetch, unless it never fetched. */
export function DeviceStatus({ token, withLastFetch = true }: { token: ExportToken; withLastFetch?: boolean }) {
  return (
    <>
      <Badge tone={deviceStatusTone[token.status]}>{deviceStatusLabels[token.status]}</Badge>
      {withLastFetch && token.lastFetchAt ? (
        <span className="muted">
          {' '}
          last fetch <Time iso={token.lastFetchAt} />
        </span>
      ) : null}
    </>
  );
}

/** Devices that have not fetched within their export's staleAfterHours: a firewall that stopped pulling. */
export function StaleDevicesNotice({ exports, linkEach }: { exports: readonly Export[]; linkEach: boolean }) {
  const stale = exports.flatMap((exp) => staleDevices(exp).map((token) => ({ exp, token })));
  if (stale.length === 0) return null;
  return (
    <section className="callout callout-warn" aria-labelledby="stale-devices" data-testid="stale-devices">
      <h2 id="stale-devices">
        {stale.length === 1 ? '1 device has stopped fetching' : `${stale.length} devices have stopped fetching`}
      </h2>
      <p>They may be blocking with an old list. Check that the device still runs and can reach the hub.</p>
      <ul>
        {stale.map(({ exp, token }) => (
          <li key={token.id}>
            <strong>{token.name}</strong>
            {linkEach ? (
              <>
                {' '}
                (<Link to={exportPath(exp)}>{exp.name}</Link>)
              </>
            ) : null}
            : no fetch for more than {exp.staleAfterHours} hours, last <Time iso={token.lastFetchAt} />
            {token.lastFetchIp ? ` from ${token.lastFetchIp}` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ExportsPage() {
  const me = useMe();
  const exports = useApi<ListOf<Export>>('/api/exports');
  const formats = useApi<ListOf<ExportFormat>>('/api/exports/formats');
  const items = exports.data?.items ?? [];
  const formatList = formats.data?.items ?? null;

  return (
    <Page
      title="Exports"
      intro={
        <p>
          An export is a list your firewalls, IDS sensors, DNS resolvers and SIEMs fetch from the hub on their own
          schedule, at a fixed address, each device with its own token. They carry what your organisation may see, and never values that
          expired, were withdrawn, or are on a warning list. For tools that speak TAXII, see{' '}
          <Link to="/connect">Connect your tools</Link>.
        </p>
      }
      actions={
        <button type="button" className="button button-secondary" onClick={exports.reload}>
          Refresh
        </button>
      }
    >
      <StaleDevicesNotice exports={items} linkEach />
      <section className="card" aria-labelledby="export-list">
        <h2 id="export-list">{me.user.isOperator ? 'Exports on this hub' : 'Your organisation’s exports'}</h2>
        <LoadState loading={exports.loading && !exports.data} error={exports.error} what="the exports" />
        {exports.data && items.length === 0 ? (
          <p className="muted">
            No exports yet.{canCreateExports(me) ? '' : ' Your organisation’s administrators can set one up.'}
          </p>
        ) : null}
        {items.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-stack">
              <caption className="visually-hidden">Exports and their devices</caption>
              <thead>
                <tr>
                  <th scope="col">Export</th>
                  <th scope="col">Format</th>
                  <th scope="col">Devices</th>
                </tr>
              </thead>
              <tbody>
                {items.map((exp) => (
                  <tr key={exp.id} data-testid="export-row" className={staleDevices(exp).length > 0 ? 'is-stale' : undefined}>
                    <th scope="row" data-label="Export" className="break">
                      <Link to={exportPath(exp)}>{exp.name}</Link>
                    </th>
                    <td data-label="Format">{formatLabel(formatList, exp.format)}</td>
                    <td data-label="Devices">
                      {exp.tokens.length === 0 ? (
                        <span className="muted">No devices yet</span>
                      ) : (
                        <ul className="plain-list export-devices">
                          {exp.tokens.map((token) => (
                            <li key={token.id} className={token.status === 'stale' ? 'is-stale' : undefined} data-testid="export-device">
                              <span className="break">{token.name}</span> <DeviceStatus token={token} />
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      {canCreateExports(me) ? (
        <section className="card" aria-label="New export">
          <LoadState loading={formats.loading && !formats.data} error={formats.error} what="the formats" />
          {formatList ? (
            <ExportForm
              formats={formatList}
              onSaved={(exp) =>
                navigate(exportPath(exp), {
                  flash: `${exp.name} was saved. Check the preview, then add a device to get its address and token.`,
                })
              }
            />
          ) : null}
        </section>
      ) : null}
    </Page>
  );
}

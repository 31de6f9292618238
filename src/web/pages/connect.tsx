// "Connect your tools": what a SOC engineer needs to point a SIEM, TIP or script at the hub's
// TAXII 2.1 server — the discovery URL, the API root, their own collections (read from the
// TAXII server itself, so what is shown is what a tool will see), and examples to copy.
import { useEffect, useState, type ReactNode } from 'react';
import { CopyButton } from '../components/bits.tsx';
import { LoadState } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { Link } from '../router.tsx';
import { useMe } from '../session.tsx';

const taxiiAccept = 'application/taxii+json;version=2.1';

interface Discovery {
  title: string;
  default?: string;
  api_roots?: string[];
}

interface TaxiiCollection {
  id: string;
  title: string;
  description?: string;
  alias?: string;
  can_read: boolean;
  can_write: boolean;
}

interface TaxiiInfo {
  discoveryUrl: string;
  apiRoot: string;
  collections: TaxiiCollection[];
}

async function taxiiGet<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: taxiiAccept }, credentials: 'same-origin' });
  const body = (await response.json().catch(() => null)) as (T & { description?: string }) | null;
  if (!response.ok || !body) throw new Error(body?.description ?? `The TAXII server answered ${response.status}.`);
  return body;
}

async function loadTaxii(): Promise<TaxiiInfo> {
  const discovery = await taxiiGet<Discovery>('/taxii2/');
  const apiRoot = discovery.default ?? discovery.api_roots?.[0];
  if (!apiRoot) throw new Error('The TAXII server lists no API root.');
  // Ask the API root on this origin (the advertised one may be behind another name).
  const local = new URL(apiRoot).pathname;
  const list = await taxiiGet<{ collections?: TaxiiCollection[] }>(`${local}collections/`);
  return { discoveryUrl: new URL('../', apiRoot).toString(), apiRoot, collections: list.collections ?? [] };
}

export function ConnectPage() {
  const me = useMe();
  const [info, setInfo] = useState<TaxiiInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadTaxii()
      .then((result) => live && setInfo(result))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : 'Could not reach the TAXII server.'));
    return () => {
      live = false;
    };
  }, []);

  const first = info?.collections.find((c) => c.alias === 'members') ?? info?.collections[0];
  const writable = info?.collections.find((c) => c.can_write);
  const root = info?.apiRoot ?? '';
  const cid = first?.id ?? 'COLLECTION_ID';

  return (
    <Page
      title="Connect your tools"
      intro={
        <>
          <p>
            The hub is a TAXII 2.1 server. Point your SIEM, threat-intelligence platform or scripts at it and they
            receive what your organisation may read, as STIX 2.1, and can share back. Tools see exactly the
            collections listed below.
          </p>
          <p>
            Firewalls, IDS sensors, DNS resolvers and SIEMs that read a list from an address (an external dynamic
            list, Suricata or Zeek rules, a response policy zone, a CSV) fetch an export instead, each device with its
            own token: see <Link to="/connect/exports">Exports for your devices</Link>.
          </p>
        </>
      }
    >
      <section className="card" aria-labelledby="steps-heading">
        <h2 id="steps-heading">1. Create an API token</h2>
        <p>
          Under <Link to="/tokens">Tokens</Link>, create a token for each tool (for example &ldquo;Splunk&rdquo;), with
          the <strong>read</strong> scope, and <strong>write</strong> too if the tool should share back. The token acts as
          you ({me.user.email}), so the tool sees what you see.
        </p>
        <p>
          Give the token as the <strong>password</strong> of HTTP Basic authentication (any user name, e.g.{' '}
          <code>token</code>) or as <code>Authorization: Bearer &lt;token&gt;</code>. Every request must also send{' '}
          <code>Accept: {taxiiAccept}</code>.
        </p>
      </section>

      <section className="card" aria-labelledby="urls-heading">
        <h2 id="urls-heading">2. The addresses</h2>
        <LoadState loading={!info && !error} error={error} what="the TAXII server" />
        {info ? (
          <dl className="connect-urls">
            <Copyable label="Discovery URL" value={info.discoveryUrl} />
            <Copyable label="API root" value={info.apiRoot} />
          </dl>
        ) : null}
      </section>

      <section className="card" aria-labelledby="collections-heading">
        <h2 id="collections-heading">3. Your collections</h2>
        <p>Each audience you belong to is a collection. A tool reading a collection gets every object in it that you may read, oldest first, in pages.</p>
        {info && info.collections.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-stack">
              <caption className="visually-hidden">Your TAXII collections</caption>
              <thead>
                <tr>
                  <th scope="col">Collection</th>
                  <th scope="col">ID</th>
                  <th scope="col">Read</th>
                  <th scope="col">Write</th>
                </tr>
              </thead>
              <tbody>
                {info.collections.map((c) => (
                  <tr key={c.id}>
                    <th scope="row" data-label="Collection">
                      {c.title}
                      {c.description ? <span className="muted block connect-note">{c.description}</span> : null}
                    </th>
                    <td data-label="ID" className="break">
                      <code>{c.id}</code> <CopyButton text={c.id} what={`the id of ${c.title}`} />
                    </td>
                    <td data-label="Read">{c.can_read ? 'Yes' : 'No'}</td>
                    <td data-label="Write">{c.can_write ? 'Yes' : 'No'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {info && info.collections.length === 0 ? <p className="muted">You have no collections.</p> : null}
      </section>

      {info ? (
        <section className="card" aria-labelledby="examples-heading">
          <h2 id="examples-heading">4. Examples</h2>
          <p>
            Replace <code>$TOCSIN_TOKEN</code> with your token. Objects come in pages (1,000 at most by default): keep asking with the{' '}
            <code>next</code> value while <code>more</code> is true, and next time start from the last{' '}
            <code>X-TAXII-Date-Added-Last</code> header as <code>added_after</code>.
          </p>
          <Example title="curl: list your collections">{`curl -u "token:$TOCSIN_TOKEN" \\
  -H 'Accept: ${taxiiAccept}' \\
  '${root}collections/'`}</Example>
          <Example title="curl: read indicators added since a time">{`curl -g -H "Authorization: Bearer $TOCSIN_TOKEN" \\
  -H 'Accept: ${taxiiAccept}' \\
  '${root}collections/${cid}/objects/?match[type]=indicator&added_after=2026-01-01T00:00:00Z&limit=500'
# -g: match[type] is literal brackets, not a curl pattern`}</Example>
          {writable ? (
            <Example title="curl: share objects (a STIX bundle or envelope)">{`curl -H "Authorization: Bearer $TOCSIN_TOKEN" \\
  -H 'Accept: ${taxiiAccept}' \\
  -H 'Content-Type: ${taxiiAccept}' \\
  --data-binary @bundle.json \\
  '${root}collections/${writable.id}/objects/'
# answers with a status resource: successes and failures per object`}</Example>
          ) : null}
          <Example title="Python (taxii2-client)">{`import os
from taxii2client.v21 import Collection, Server, as_pages

TOKEN = os.environ["TOCSIN_TOKEN"]
server = Server("${info.discoveryUrl}", user="token", password=TOKEN)
for collection in server.api_roots[0].collections:
    print(collection.id, collection.title, collection.can_write)

collection = Collection("${root}collections/${cid}/", user="token", password=TOKEN)
for envelope in as_pages(collection.get_objects, per_request=1000, added_after="2026-01-01T00:00:00Z"):
    for obj in envelope.get("objects", []):
        print(obj["type"], obj["id"])`}</Example>
          <Example title="Microsoft Sentinel (Threat Intelligence – TAXII data connector)">{`Friendly name:      Tocsin ${first?.title ?? ''}
API root URL:       ${root}
Collection ID:      ${cid}
Username:           token
Password:           your API token
Import indicators:  All available
Polling frequency:  Once an hour`}</Example>
          <Example title="Splunk Enterprise Security (Threat Intelligence Management, TAXII 2.1 source)">{`TAXII version:   2.1
Discovery URL:   ${info.discoveryUrl}
API root:        ${root}
Collection:      ${cid}
Username:        token
Password:        your API token (ES 8.4 and later: store it as a credential and refer to it)`}</Example>
          <p>
            One-off files instead: <Link to="/stix">STIX import and export</Link>.
          </p>
        </section>
      ) : null}
    </Page>
  );
}

function Copyable({ label, value }: { label: string; value: string }) {
  return (
    <div className="connect-url">
      <dt>{label}</dt>
      <dd>
        <code>{value}</code> <CopyButton text={value} what={label} />
      </dd>
    </div>
  );
}

function Example({ title, children }: { title: string; children: ReactNode }) {
  const text = String(children);
  return (
    <div className="connect-example">
      <div className="connect-example-head">
        <h3>{title}</h3>
        <CopyButton text={text} what={title} />
      </div>
      <pre className="code-block">{text}</pre>
    </div>
  );
}

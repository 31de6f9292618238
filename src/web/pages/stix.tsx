// STIX bundles in and out: upload a bundle into one of your collections (a progress bar
// while the file is sent, then the hub's progress while it imports, then what failed and
// why), see your organisation's recent imports, and download a collection as a bundle.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorMessage, withQuery } from '../api.ts';
import { Badge, Time } from '../components/bits.tsx';
import { SelectField, TextField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { Link } from '../router.tsx';
import { useMe } from '../session.tsx';
import { formatBytes, tlpLabels, uploadBundle, type CollectionChoice, type CollectionChoices, type ImportJob } from '../stix-upload.ts';
import { useApi } from '../use-api.ts';

const statusTone = { queued: 'neutral', running: 'info', done: 'good', failed: 'bad' } as const;
const statusLabel = { queued: 'Waiting', running: 'Importing', done: 'Done', failed: 'Stopped' } as const;

export function StixPage() {
  const choices = useApi<CollectionChoices>('/api/stix/collections');
  const recent = useApi<{ items: ImportJob[] }>('/api/stix/imports');
  const writable = (choices.data?.items ?? []).filter((c) => c.canWrite);

  return (
    <Page
      title="STIX import and export"
      intro={
        <p>
          Bring in intelligence from other tools as STIX 2.1 bundles, and take out what you may read. For tools that
          should stay in step automatically, use TAXII instead: see <Link to="/connect">Connect your tools</Link>.
        </p>
      }
    >
      <LoadState loading={choices.loading && !choices.data} error={choices.error} what="your collections" />
      {choices.data && writable.length > 0 ? <ImportForm collections={writable} maxBytes={choices.data.maxUploadBytes} onStarted={recent.reload} /> : null}
      {choices.data && writable.length === 0 ? (
        <section className="card" aria-labelledby="import-heading">
          <h2 id="import-heading">Import a bundle</h2>
          <p className="muted">Analysts and administrators of member organisations can import bundles. You can export below.</p>
        </section>
      ) : null}
      {choices.data ? <ExportForm collections={choices.data.items} /> : null}
      <RecentImports jobs={recent.data?.items ?? null} error={recent.error} />
    </Page>
  );
}

function ImportForm({ collections, maxBytes, onStarted }: { collections: CollectionChoice[]; maxBytes: number; onStarted(): void }) {
  const me = useMe();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [collectionId, setCollectionId] = useState(collections.find((c) => c.kind === 'members')?.id ?? collections[0]!.id);
  const collection = collections.find((c) => c.id === collectionId) ?? collections[0]!;
  const [tlp, setTlp] = useState<string>(collection.defaultTlp);
  const [sent, setSent] = useState<{ loaded: number; total: number } | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = (sent !== null && job === null && error === null) || job?.status === 'queued' || job?.status === 'running';

  // The TLP list follows the collection: public takes only CLEAR, RED only goes to the inbox.
  useEffect(() => {
    if (!(collection.allowedTlps as string[]).includes(tlp)) setTlp(collection.defaultTlp);
  }, [collection, tlp]);

  // Follow the import until it ends.
  useEffect(() => {
    if (!job || job.status === 'done' || job.status === 'failed') return;
    let cancelled = false;
    const timer = window.setTimeout(() => {
      api
        .get<ImportJob>(`/api/stix/imports/${job.id}`)
        .then((next) => {
          if (cancelled) return;
          setJob(next);
          if (next.status === 'done' || next.status === 'failed') onStarted();
        })
        .catch((e: unknown) => !cancelled && setError(errorMessage(e)));
    }, 500);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [job, onStarted]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setJob(null);
    if (!file) return setError('Choose the bundle file to import.');
    if (file.size === 0) return setError(`The file ${file.name} is empty.`);
    if (file.size > maxBytes) return setError(`The file is ${formatBytes(file.size)}; the hub accepts uploads of up to ${formatBytes(maxBytes)}. Split it, or ask an operator to import it with the tocsin command.`);
    setSent({ loaded: 0, total: file.size });
    try {
      const started = await uploadBundle(file, { collection: collection.id, tlp, name: file.name }, me.csrfToken, (loaded, total) => setSent({ loaded, total }));
      setJob(started);
      onStarted();
    } catch (e) {
      setSent(null);
      setError(errorMessage(e));
    }
  };

  return (
    <section className="card" aria-labelledby="import-heading">
      <h2 id="import-heading">Import a bundle</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor="bundle-file">STIX 2.1 bundle (JSON file)</label>
          <p className="hint" id="bundle-file-hint">
            Up to {formatBytes(maxBytes)}. Each object is checked on its own: invalid ones are listed with the reason, the rest are imported.
          </p>
          <input
            id="bundle-file"
            ref={fileInput}
            type="file"
            accept=".json,application/json,application/stix+json"
            aria-describedby="bundle-file-hint"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            disabled={busy}
          />
        </div>
        <div className="grid-2">
          <SelectField
            label="Share with (collection)"
            hint={collection.description}
            value={collection.id}
            options={collections.map((c) => ({ value: c.id, label: c.title }))}
            onChange={setCollectionId}
            disabled={busy}
          />
          <SelectField
            label="TLP for objects without a TLP marking"
            hint="Objects that carry a TLP marking keep it."
            value={tlp}
            options={collection.allowedTlps.map((t) => ({ value: t, label: tlpLabels[t] }))}
            onChange={setTlp}
            disabled={busy}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
      <Notice error={error} />
      {sent ? <UploadProgress sent={sent} job={job} /> : null}
      {job && (job.status === 'done' || job.status === 'failed') ? <ImportResult job={job} /> : null}
    </section>
  );
}

function UploadProgress({ sent, job }: { sent: { loaded: number; total: number }; job: ImportJob | null }) {
  const uploaded = job !== null || sent.loaded >= sent.total;
  const importing = job !== null && job.totalBytes > 0;
  return (
    <div className="stix-progress">
      <div className="progress-row">
        <label htmlFor="upload-progress">{uploaded ? 'Uploaded' : 'Uploading'}</label>
        <progress id="upload-progress" max={sent.total || 1} value={job ? sent.total : sent.loaded} />
        <span className="muted">
          {formatBytes(job ? sent.total : sent.loaded)} of {formatBytes(sent.total)}
        </span>
      </div>
      {importing ? (
        <div className="progress-row">
          <label htmlFor="import-progress">{job.status === 'queued' ? 'Waiting to import' : job.status === 'running' ? 'Importing' : 'Imported'}</label>
          <progress id="import-progress" max={job.totalBytes} value={job.status === 'done' ? job.totalBytes : job.bytesRead} />
          <span className="muted" data-testid="import-counts">
            {job.objects} objects read · {job.successes} imported · {job.failures} failed
          </span>
        </div>
      ) : null}
      <p role="status" className="live-region">
        {job === null ? (uploaded ? 'Upload finished; starting the import.' : '') : job.status === 'queued' ? 'Upload finished; the import will start shortly.' : job.status === 'running' ? 'Importing.' : ''}
      </p>
    </div>
  );
}

function ImportResult({ job }: { job: ImportJob }) {
  const failures = job.failureList ?? [];
  return (
    <div className="stix-result">
      {job.status === 'done' ? (
        <p role="status" className="notice notice-success">
          Import finished: {job.successes} of {job.objects} objects imported into {job.collection.title}
          {job.failures ? `, ${job.failures} failed (listed below)` : ''}.
        </p>
      ) : (
        <p role="alert" className="notice notice-error">
          {job.error ?? 'The import stopped.'}
        </p>
      )}
      {failures.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption>
              Objects not imported{job.failuresTruncated ? ` (the first ${failures.length} of ${job.failures})` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Object</th>
                <th scope="col">Version</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {failures.map((f, i) => (
                <tr key={`${f.id}-${i}`}>
                  <th scope="row" data-label="Object" className="break">
                    <code>{f.id}</code>
                  </th>
                  <td data-label="Version">{f.version || '—'}</td>
                  <td data-label="Why" className="break">
                    {f.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function ExportForm({ collections }: { collections: CollectionChoice[] }) {
  const [collectionId, setCollectionId] = useState(collections.find((c) => c.kind === 'members')?.id ?? collections[0]?.id ?? '');
  const [types, setTypes] = useState('');
  const [versions, setVersions] = useState('latest');
  const href = withQuery('/api/stix/export', { collection: collectionId, type: types.replace(/\s+/g, ''), versions });
  return (
    <section className="card" aria-labelledby="export-heading">
      <h2 id="export-heading">Export a collection</h2>
      <p>Downloads everything in the collection that you may read, as one STIX 2.1 bundle, oldest first.</p>
      <div className="grid-3">
        <SelectField label="Collection" value={collectionId} options={collections.map((c) => ({ value: c.id, label: c.title }))} onChange={setCollectionId} />
        <TextField label="Only these types (optional)" hint="Comma-separated, e.g. indicator,malware" value={types} onChange={setTypes} />
        <SelectField
          label="Versions"
          value={versions}
          options={[
            { value: 'latest', label: 'The latest version of each object' },
            { value: 'all', label: 'Every version' },
          ]}
          onChange={setVersions}
        />
      </div>
      <p>
        <a className="button button-secondary" href={href} download>
          Download bundle
        </a>
      </p>
    </section>
  );
}

function RecentImports({ jobs, error }: { jobs: ImportJob[] | null; error: string | null }) {
  return (
    <section className="card" aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recent imports</h2>
      <LoadState loading={jobs === null && !error} error={error} what="recent imports" />
      {jobs && jobs.length === 0 ? <p className="muted">No imports yet.</p> : null}
      {jobs && jobs.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Recent imports</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Collection</th>
                <th scope="col">Started</th>
                <th scope="col">Objects</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id}>
                  <th scope="row" data-label="File" className="break">
                    {j.fileName ?? 'bundle'} <span className="muted block">{formatBytes(j.totalBytes)}</span>
                  </th>
                  <td data-label="Collection">{j.collection.title}</td>
                  <td data-label="Started">
                    <Time iso={j.createdAt} />
                  </td>
                  <td data-label="Objects">
                    {j.successes} imported, {j.failures} failed
                  </td>
                  <td data-label="Status">
                    <Badge tone={statusTone[j.status]}>{statusLabel[j.status]}</Badge>
                    {j.error ? <span className="muted block">{j.error}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

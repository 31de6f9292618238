// Types of the STIX import and export API, and the upload itself: XMLHttpRequest rather than
// fetch, because only XHR reports how much of a large file has been sent.
import { ApiError, withQuery, type Query } from './api.ts';

export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

export interface CollectionChoice {
  id: string;
  kind: 'public' | 'members' | 'group' | 'inbox';
  title: string;
  description: string;
  canWrite: boolean;
  defaultTlp: Tlp;
  allowedTlps: Tlp[];
}

export interface CollectionChoices {
  items: CollectionChoice[];
  maxUploadBytes: number;
}

export interface ImportFailure {
  id: string;
  version: string;
  message?: string;
}

export interface ImportJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  fileName: string | null;
  collection: { id: string; title: string };
  defaultTlp: string;
  totalBytes: number;
  bytesRead: number;
  objects: number;
  successes: number;
  failures: number;
  failureList?: ImportFailure[];
  failuresTruncated: boolean;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export const tlpLabels: Record<Tlp, string> = {
  clear: 'TLP:CLEAR',
  green: 'TLP:GREEN',
  amber: 'TLP:AMBER',
  'amber+strict': 'TLP:AMBER+STRICT',
  red: 'TLP:RED',
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** POST the file as the request body; `onProgress` gets the bytes sent so far. */
export function uploadBundle(file: File, query: Query, csrfToken: string | null, onProgress: (sent: number, total: number) => void): Promise<ImportJob> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', withQuery('/api/stix/imports', query));
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      type Answer = { code?: string; message?: string; requestId?: string } | null;
      let body: Answer;
      try {
        body = JSON.parse(xhr.responseText) as Answer;
      } catch {
        body = null;
      }
      if (xhr.status === 202 && body) return resolve(body as unknown as ImportJob);
      if (body?.code && body.message) return reject(new ApiError(xhr.status, body.code, body.message, undefined, body.requestId));
      reject(new ApiError(xhr.status, `HTTP_${xhr.status}`, `The upload failed (${xhr.status}).`));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', 'The upload broke off: check your connection and try again.'));
    xhr.send(file);
  });
}

// Handing a prefilled warning to the "Report an attack" form: the draft waits in this tab's
// session storage under an id carried in the address (?draft=…), so reading it has no side
// effect and a reload finds it again.
const prefix = 'tocsin:warning-draft:';

export interface WarningDraft {
  kind?: string;
  severity?: string;
  title?: string;
  details?: string;
  services?: string;
  /** one indicator per line */
  indicators?: string;
}

/** Store a draft; resolves to the form's address. Older drafts of this tab are dropped. */
export function saveWarningDraft(draft: WarningDraft): string {
  const id = crypto.randomUUID();
  try {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith(prefix)) sessionStorage.removeItem(key);
    sessionStorage.setItem(prefix + id, JSON.stringify(draft));
  } catch {
    // Storage refused (private mode, full): the form opens empty.
  }
  return `/warnings/new?draft=${id}`;
}

/** The draft named in `search` (the form's query string), or nothing. */
export function warningDraftFrom(search: string): WarningDraft {
  const id = new URLSearchParams(search).get('draft');
  if (!id) return {};
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(prefix + id) ?? '{}');
    if (!parsed || typeof parsed !== 'object') return {};
    const out: WarningDraft = {};
    for (const key of ['kind', 'severity', 'title', 'details', 'services', 'indicators'] as const) {
      const value = (parsed as Record<string, unknown>)[key];
      if (typeof value === 'string') out[key] = value;
    }
    return out;
  } catch {
    return {};
  }
}

// TAXII 2.1 media types, exactly as clients compare them. The reference client checks that
// the Content-Type starts with application/taxii+json and carries a literal version=2.1
// token, so the header is written verbatim (Fastify would quote "2.1").
export const taxiiMediaType = 'application/taxii+json;version=2.1';
export const stixMediaType = 'application/stix+json;version=2.1';

/**
 * Does the Accept header allow a TAXII 2.1 answer? A comma list; an entry matches when its
 * type is application/taxii+json and its version, if any, is 2.1 (q and other parameters are
 * ignored). A missing header or no match is refused with 406, as the specification says.
 */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((entry) => isTaxiiType(entry, true));
}

/** Is this Content-Type a TAXII 2.1 body (version absent or 2.1)? */
export function isTaxiiContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && isTaxiiType(contentType, false);
}

function isTaxiiType(entry: string, allowQ: boolean): boolean {
  const [type = '', ...params] = entry.split(';').map((p) => p.trim());
  if (type.toLowerCase() !== 'application/taxii+json') return false;
  for (const param of params) {
    const eq = param.indexOf('=');
    const name = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (name === 'version' && value !== '2.1') return false;
    if (name === 'q' && !allowQ) return false;
    if (name === 'q' && Number(value) === 0) return false;
  }
  return true;
}

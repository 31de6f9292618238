// What an HTML body holds for the checks: links with the text people see, forms, scripts and
// the visible text. A small linear tag scanner, not a DOM: phishing HTML is often broken on
// purpose, and the input is already bounded by the MIME reader.

export interface Link {
  /** the target as written (entities decoded, trimmed) */
  href: string;
  /** what the reader sees: anchor text, or '' for a bare URL in plain text */
  text: string;
  source: 'html' | 'text' | 'attachment';
}

export interface FormInfo {
  action: string;
  hasPassword: boolean;
  /** names of the other inputs (email, user, card…), bounded */
  fields: string[];
}

export interface HtmlFacts {
  links: Link[];
  forms: FormInfo[];
  scripts: number;
  /** script code that hides what it does (atob, unescape, eval, fromCharCode…) */
  obfuscatedScript: boolean;
  /** <meta http-equiv=refresh> targets */
  refreshTargets: string[];
  /** invisible runs of text (zero font size, display:none, transparent…) placed inside words */
  hiddenInWords: number;
  /** characters of text inside hidden elements */
  hiddenChars: number;
  /** visible text only: hidden elements are left out */
  text: string;
}

// Inline styles that make text invisible to the reader while filters still read it.
const hidingStyle = /font-size\s*:\s*0(?![.\d]*[1-9])|display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?![.\d]*[1-9])|color\s*:\s*transparent|max-height\s*:\s*0(?![.\d]*[1-9])|mso-hide\s*:\s*all/i;
const voidTags = new Set(['br', 'img', 'input', 'meta', 'link', 'hr', 'col', 'area', 'base', 'wbr', 'source']);

const namedEntities: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', zwnj: '\u200c', zwj: '\u200d', shy: '\u00ad', copy: '©', reg: '®',
  hellip: '…', mdash: '—', ndash: '–', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', euro: '€', pound: '£', trade: '™', middot: '·',
  bull: '•', laquo: '«', raquo: '»', eacute: 'é', egrave: 'è', aacute: 'á', agrave: 'à', oacute: 'ó', uacute: 'ú', iacute: 'í',
  ccedil: 'ç', atilde: 'ã', otilde: 'õ', ntilde: 'ñ', uuml: 'ü', ouml: 'ö', auml: 'ä', szlig: 'ß', ecirc: 'ê', acirc: 'â', ocirc: 'ô',
};

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,8});?/g, (m, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '';
    }
    return namedEntities[body.toLowerCase()] ?? m;
  });
}


const attrPatterns = new Map<string, RegExp>();

/** One attribute's value from a tag's raw attribute text (entities decoded), or undefined. */
function attr(raw: string, key: string): string | undefined {
  if (!raw) return undefined;
  let re = attrPatterns.get(key);
  if (!re) {
    re = new RegExp(`(?:^|[\\s"'/])${key}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))|(?:^|[\\s"'/])${key}(?=[\\s/]|$)`, 'i');
    attrPatterns.set(key, re);
  }
  const m = re.exec(raw);
  if (!m) return undefined;
  return decodeEntities(m[1] ?? m[2] ?? m[3] ?? '').trim();
}

const obfuscation = /\batob\s*\(|\bunescape\s*\(|\beval\s*\(|fromCharCode|document\.write\s*\(|\\x[0-9a-f]{2}\\x[0-9a-f]{2}|window\.location(?:\.href)?\s*=|location\.replace\s*\(/i;
const blockTags = new Set(['p', 'div', 'br', 'tr', 'td', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'section', 'article', 'blockquote', 'hr', 'title']);

const tagStart = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]{0,30})/y;
const tagRest = /(?:[^>"'=]|=\s*"[^"]*"|=\s*'[^']*'|=)*>/y;

/**
 * The tags and comments of `html` in one forward pass, each character read once: a quote
 * right after `=` opens an attribute value that only its closing quote ends (as in browsers),
 * a comment runs to "-->", script and style content runs to its end tag, and a tag or comment
 * never closed ends the scan. A '<' that starts no tag is text. One object is reused for every
 * tag: the scan allocates only the slices it hands out.
 */
class TagScanner {
  start = 0;
  end = 0;
  comment = false;
  closing = false;
  name = '';
  attrs = '';
  /** set by the reader after <script> or <style>: everything up to the end tag is text */
  rawUntil: string | null = null;
  private i = 0;

  constructor(private readonly html: string) {}

  private found(start: number, end: number, comment: boolean, closing: boolean, name: string, attrs: string): true {
    this.start = start;
    this.end = end;
    this.comment = comment;
    this.closing = closing;
    this.name = name;
    this.attrs = attrs;
    this.i = end;
    return true;
  }

  next(): boolean {
    const html = this.html;
    const n = html.length;
    while (this.i < n) {
      if (this.rawUntil) {
        const endTag = new RegExp(`</${this.rawUntil}\\s*>`, 'ig');
        endTag.lastIndex = this.i;
        const m = endTag.exec(html);
        if (!m) return false;
        return this.found(m.index, m.index + m[0].length, false, true, this.rawUntil, '');
      }
      const lt = html.indexOf('<', this.i);
      if (lt < 0) return false;
      if (html.startsWith('<!--', lt)) {
        const close = html.indexOf('-->', lt + 4);
        return this.found(lt, close < 0 ? n : close + 3, true, false, '', '');
      }
      tagStart.lastIndex = lt;
      const m = tagStart.exec(html);
      if (!m) {
        this.i = lt + 1;
        continue;
      }
      const j = lt + m[0].length;
      // Fast path: a well-formed tag ends where this sticky pattern stops; it fails in one
      // linear scan when a quote never closes, and the careful loop below takes over.
      tagRest.lastIndex = j;
      const rest = tagRest.exec(html);
      if (rest) return this.found(lt, j + rest[0].length, false, m[1] === '/', m[2]!.toLowerCase(), html.slice(j, j + rest[0].length - 1));
      let k = j;
      let quote = 0;
      let afterEquals = false;
      for (; k < n; k++) {
        const c = html.charCodeAt(k);
        if (quote) {
          if (c === quote) quote = 0;
        } else if (c === 62 /* > */) break;
        else if (c === 61 /* = */) afterEquals = true;
        else if (afterEquals && (c === 34 || c === 39)) {
          quote = c;
          afterEquals = false;
        } else if (c !== 32 && c !== 9 && c !== 10 && c !== 13) afterEquals = false;
      }
      if (k >= n) return false;
      return this.found(lt, k + 1, false, m[1] === '/', m[2]!.toLowerCase(), html.slice(j, k));
    }
    return false;
  }
}

/**
 * A page hidden in script (HTML smuggling: document.write(unescape("%3Cform…")), atob("PGZvcm0…")):
 * long string literals passed to a decoder are decoded and read as HTML once, so that the
 * form and links they carry count like visible ones.
 */
function readSmuggled(script: string, facts: HtmlFacts, maxLinks: number, source: Link['source']): void {
  let budget = 2 * 1024 * 1024;
  for (const m of script.matchAll(/\b(unescape|decodeURIComponent|atob)\s*\(\s*(["'`])([^"'`]{100,})\2/g)) {
    const literal = m[3]!.slice(0, budget);
    budget -= literal.length;
    let decoded = '';
    try {
      decoded = m[1] === 'atob' ? Buffer.from(literal, 'base64').toString('utf8') : decodeURIComponent(literal.replace(/%(?![0-9a-f]{2})/gi, '%25'));
    } catch {
      continue;
    }
    if (!/<[a-z!]/i.test(decoded)) continue;
    const inner = readHtml(decoded, maxLinks - facts.links.length, source, 1);
    facts.links.push(...inner.links);
    facts.forms.push(...inner.forms);
    facts.refreshTargets.push(...inner.refreshTargets);
    if (budget <= 0 || facts.links.length >= maxLinks) break;
  }
}

/** Links, forms, scripts and visible text of `html`; `maxLinks` bounds the links kept. */
export function readHtml(html: string, maxLinks: number, source: Link['source'] = 'html', depth = 0): HtmlFacts {
  const facts: HtmlFacts = { links: [], forms: [], scripts: 0, obfuscatedScript: false, refreshTargets: [], hiddenInWords: 0, hiddenChars: 0, text: '' };
  // The element that hides text, and how deep inside it the scanner is.
  let hidden: { tag: string; depth: number; letterBefore: boolean } | null = null;
  const text: string[] = [];
  let anchor: { href: string; text: string[] } | null = null;
  let form: FormInfo | null = null;
  let skipUntil: string | null = null;
  let last = 0;
  const scan = new TagScanner(html);
  const m = scan;
  while (scan.next()) {
    const between = html.slice(last, m.start);
    if (m.comment) {
      if (!skipUntil && !hidden && between) {
        const t = decodeEntities(between);
        text.push(t);
        if (anchor) anchor.text.push(t);
      }
      last = m.end;
      continue;
    }
    last = m.end;
    const closing = m.closing;
    const name = m.name;
    if (skipUntil) {
      if (closing && name === skipUntil) {
        if (name === 'script' && obfuscation.test(between)) {
          facts.obfuscatedScript = true;
          if (depth === 0) readSmuggled(between, facts, maxLinks, source);
        }
        skipUntil = null;
        scan.rawUntil = null;
      }
      continue;
    }
    if (between && hidden) facts.hiddenChars += between.trim().length;
    if (between && !hidden) {
      const t = decodeEntities(between);
      text.push(t);
      if (anchor) anchor.text.push(t);
    }
    if (hidden && name === hidden.tag && !voidTags.has(name)) {
      hidden.depth += closing ? -1 : 1;
      if (hidden.depth === 0) {
        // Text hidden between two letters splits a word for filters but not for the reader.
        const next = html.slice(last, last + 1);
        if (hidden.letterBefore && /\p{L}/u.test(next)) facts.hiddenInWords++;
        hidden = null;
      }
      continue;
    }
    if (closing) {
      if (name === 'a' && anchor) {
        if (facts.links.length < maxLinks) facts.links.push({ href: anchor.href, text: anchor.text.join('').replace(/\s+/g, ' ').trim(), source });
        anchor = null;
      } else if (name === 'form' && form) {
        facts.forms.push(form);
        form = null;
      }
      if (blockTags.has(name)) text.push('\n');
      continue;
    }
    if (name === 'script' || name === 'style' || name === 'head' || name === 'noscript') {
      if (name === 'script') facts.scripts++;
      if (name !== 'head') skipUntil = name;
      if (name === 'script' || name === 'style') scan.rawUntil = name;
      continue;
    }
    if (blockTags.has(name)) text.push('\n');
    // Attributes matter for links, forms and hiding styles; other tags skip the parse.
    const rawAttrs = m.attrs;
    // Hiding styles are looked for in the raw attribute text: parsing every tag's attributes
    // would cost more than the rest of the scan.
    if (!hidden && !voidTags.has(name) && rawAttrs.length > 6 && (hidingStyle.test(rawAttrs) || /(?:^|\s)hidden(?=[\s=/]|$)/i.test(rawAttrs))) {
      const before = text.length > 0 ? text[text.length - 1]! : '';
      hidden = { tag: name, depth: 1, letterBefore: /\p{L}$/u.test(before) };
    }
    // Hidden parts still count for links and forms: kits reveal the password step with script.
    if (name === 'a' || name === 'area') {
      const href = attr(rawAttrs, 'href');
      if (href !== undefined && name === 'a') {
        if (anchor && facts.links.length < maxLinks) facts.links.push({ href: anchor.href, text: anchor.text.join('').trim(), source });
        anchor = { href, text: [] };
      } else if (href !== undefined && facts.links.length < maxLinks) facts.links.push({ href, text: attr(rawAttrs, 'alt') ?? '', source });
    } else if (name === 'form') {
      if (form) facts.forms.push(form);
      form = { action: attr(rawAttrs, 'action') ?? '', hasPassword: false, fields: [] };
    } else if (name === 'input') {
      const type = (attr(rawAttrs, 'type') ?? 'text').toLowerCase();
      const field = (attr(rawAttrs, 'name') ?? attr(rawAttrs, 'id') ?? '').toLowerCase();
      const target = form ?? (facts.forms[facts.forms.length - 1] as FormInfo | undefined) ?? (facts.forms[facts.forms.push({ action: '', hasPassword: false, fields: [] }) - 1] as FormInfo);
      if (type === 'password' || /pass(?:word|wd)?\b|\bpwd\b|\bpin\b/.test(field)) target.hasPassword = true;
      if (type !== 'hidden' && type !== 'submit' && field && target.fields.length < 20) target.fields.push(field.slice(0, 40));
    } else if (name === 'meta') {
      if ((attr(rawAttrs, 'http-equiv') ?? '').toLowerCase() === 'refresh') {
        const url = /url\s*=\s*['"]?([^'"\s]+)/i.exec(attr(rawAttrs, 'content') ?? '');
        if (url) facts.refreshTargets.push(url[1]!);
      }
    } else if (name === 'img' && anchor) {
      anchor.text.push(attr(rawAttrs, 'alt') ?? '');
    }
  }
  if (skipUntil === 'script' && obfuscation.test(html.slice(last))) {
    facts.obfuscatedScript = true;
    if (depth === 0) readSmuggled(html.slice(last), facts, maxLinks, source);
  }
  if (!skipUntil && !hidden) text.push(decodeEntities(html.slice(last)));
  if (anchor && facts.links.length < maxLinks) facts.links.push({ href: anchor.href, text: anchor.text.join('').trim(), source });
  if (form) facts.forms.push(form);
  facts.text = text.join('').replace(/[ \t\r\f\v]+/g, ' ').replace(/\n\s*/g, '\n').trim();
  return facts;
}

/**
 * Bare URLs in plain text (http, https, ftp and www. forms), bounded; with `bareHosts`, also
 * scheme-less names like "insta-club.example.app/x" whose host passes the test.
 */
export function linksInText(text: string, maxLinks: number, source: Link['source'] = 'text', bareHosts?: (host: string) => boolean): Link[] {
  const out: Link[] = [];
  if (bareHosts) {
    // Word-like tokens holding a dot and no scheme: "insta-club.example.app/x". Cheaper than a
    // host pattern tried at every position of a long text.
    for (const [token] of text.matchAll(/[^\s<>"'`()[\]{}|\\^,;]{4,2000}/g)) {
      if (out.length >= maxLinks) break;
      if (!token.includes('.') || token.includes('://') || token.includes('@')) continue;
      const m = /^((?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\.){1,6}[a-z]{2,24})(\/.*)?$/i.exec(token.replace(/[.,;:!?)\]}>*]+$/, ''));
      if (m && bareHosts(m[1]!.toLowerCase())) out.push({ href: `http://${m[0]}`, text: '', source });
    }
  }
  for (const m of text.matchAll(/\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'`{}|\\^[\]]{2,2000}/gi)) {
    if (out.length >= maxLinks) break;
    const href = m[0].replace(/[.,;:!?)\]}>*]+$/, '');
    out.push({ href: /^www\./i.test(href) ? `http://${href}` : href, text: '', source });
  }
  return out;
}

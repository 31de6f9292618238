// Free text (an IOC note, a blog post saved as text): indicators found line by line with the
// MISP extraction rules of stix/extract.ts — refanged, typed, normalised, each kept once.
import { scanIndicators } from '../../stix/extract.js';
import { refang } from '../../stix/text.js';
import { Output, lineRun, type FeedRun, type LineParser } from './run.js';
import type { Reporter } from './report.js';
import type { FeedInput, InputOptions } from './types.js';

export interface TextOptions extends InputOptions {
  /**
   * Keep network indicators (URLs, domains, IPs, emails) only when written defanged: in an IOC
   * note the indicators are defanged and the reference links are not. Hashes and CVEs are
   * never defanged and are always kept. Default false.
   */
  defangedOnly?: boolean;
}

// Remembering every value ever seen would grow without bound on a huge text: past this many,
// duplicates are no longer recognised (and a warning says so).
const maxRemembered = 200_000;
const networkTypes = new Set(['url', 'domain', 'ipv4', 'ipv6', 'cidr', 'email']);

class TextParser implements LineParser {
  private readonly seen = new Set<string>();

  constructor(
    private readonly out: Output,
    private readonly reporter: Reporter,
    private readonly defangedOnly: boolean,
  ) {}

  line(text: string, lineNo: number): void {
    if (text.trim() === '') {
      this.reporter.report.blankLines += 1;
      return;
    }
    // The line layer already bounds the line (maxLineBytes): extract's own size cap is lifted.
    const { indicators } = scanIndicators(text, { maxIndicators: 10_000, maxInputBytes: Number.MAX_SAFE_INTEGER });
    for (const found of indicators) {
      this.reporter.report.itemsRead += 1;
      if (this.defangedOnly && networkTypes.has(found.type) && refang(found.original) === found.original) {
        this.reporter.skip('not-defanged');
        continue;
      }
      const key = `${found.type} ${found.value}`;
      if (this.seen.has(key)) {
        this.reporter.skip('duplicate');
        continue;
      }
      if (this.seen.size < maxRemembered) this.seen.add(key);
      else this.reporter.warn(`More than ${maxRemembered} distinct indicators: later duplicates are not recognised.`);
      this.out.push({ type: found.type, value: found.value, sourceRef: `line ${lineNo}`, ...(found.note ? { comment: found.note } : {}) });
    }
  }

  finish(): void {}
}

/** Indicators in free text. Never throws for bad input: see the run's report. */
export function parseText(input: FeedInput, options: TextOptions = {}): FeedRun {
  return lineRun('text', input, options, (out, reporter) => new TextParser(out, reporter, options.defangedOnly ?? false));
}

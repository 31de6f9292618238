// The bounds every analysis keeps, whatever it is fed, and the per-message time budget.
// Hostile mail must never cost unbounded memory or time: each reader stops at these and says so.

export const limits = {
  /** largest input accepted, bytes (AnalysisOptions.maxBytes overrides) */
  maxBytes: 10 * 1024 * 1024,
  /** default per-message time budget (AnalysisOptions.budgetMs overrides) */
  budgetMs: 2000,
  /** MIME parts read in one message, nested messages included */
  maxParts: 500,
  /** multipart / message nesting depth */
  maxDepth: 10,
  /** one header field's value is cut here (a 1 MB header line is an attack, not mail) */
  maxHeaderValue: 16 * 1024,
  /** header fields kept per entity */
  maxHeaderFields: 1000,
  /** a part's decoded content is cut here */
  maxPartBytes: 5 * 1024 * 1024,
  /** total decoded text (plain + HTML) analysed per message */
  maxTextChars: 2 * 1024 * 1024,
  /** links examined per message */
  maxLinks: 500,
  /** names listed from an archive */
  maxArchiveEntries: 200,
  /** indicators handed to the hub's knowledge lookup */
  maxIndicators: 300,
} as const;

/** A deadline: checks ask `expired()` between steps and stop when it says yes. */
export class Budget {
  readonly deadline: number;
  /** set once a check was skipped or cut short for lack of time */
  ranOut = false;

  constructor(
    readonly ms: number,
    readonly started: number = performance.now(),
  ) {
    this.deadline = started + ms;
  }

  expired(): boolean {
    if (!this.ranOut && performance.now() > this.deadline) this.ranOut = true;
    return this.ranOut;
  }

  elapsed(): number {
    return performance.now() - this.started;
  }
}

// RFC 4180 fields, one physical line at a time: a quoted field may hold the delimiter, `""`
// for a quote, and line breaks (the record then continues on the next line). Lenient where
// real files are sloppy: a quote inside an unquoted field, or text after a closing quote, is
// kept as written. State carries over between lines, so a record of k lines costs k scans.

export type FieldsResult = 'done' | 'open' | 'too-many-columns';

export class CsvFields {
  fields: string[] = [];
  private field = '';
  private inQuotes = false;
  /** a quoted field was closed and its delimiter not seen yet */
  private closed = false;
  /** nothing but blanks read in this field yet: a quote here opens a quoted field */
  private atStart = true;
  /** text followed a closing quote somewhere in this record */
  sloppy = false;

  constructor(
    private readonly delimiter: number,
    private readonly maxColumns: number,
  ) {}

  get open(): boolean {
    return this.inQuotes;
  }

  reset(): void {
    this.fields = [];
    this.field = '';
    this.inQuotes = false;
    this.closed = false;
    this.sloppy = false;
    this.atStart = true;
  }

  /** Add one physical line to the record. 'open': a quoted field goes on past this line. */
  line(text: string): FieldsResult {
    if (!this.inQuotes && this.fields.length === 0 && this.field === '' && text.indexOf('"') < 0) return this.plain(text);
    const d = this.delimiter;
    const n = text.length;
    let i = 0;
    let from = 0; // start of the unread run of ordinary characters
    if (this.inQuotes) this.field += '\n';
    while (i < n) {
      const c = text.charCodeAt(i);
      if (this.inQuotes) {
        if (c !== 34) {
          i++;
          continue;
        }
        this.field += text.slice(from, i);
        if (text.charCodeAt(i + 1) === 34) {
          this.field += '"';
          i += 2;
        } else {
          this.inQuotes = false;
          this.closed = true;
          i += 1;
        }
        from = i;
        continue;
      }
      if (c === d) {
        this.field += text.slice(from, i);
        if (this.push()) return 'too-many-columns';
        i += 1;
        from = i;
        continue;
      }
      if (c === 34 && this.atStart) {
        // Blanks before the opening quote (`a, "b"`) are not part of the field.
        this.inQuotes = true;
        this.atStart = false;
        i += 1;
        from = i;
        continue;
      }
      if (c !== 32 && c !== 9) {
        if (this.closed) this.sloppy = true;
        this.atStart = false;
      }
      i++;
    }
    this.field += text.slice(from, n);
    if (this.inQuotes) return 'open';
    return this.push() ? 'too-many-columns' : 'done';
  }

  private push(): boolean {
    if (this.fields.length >= this.maxColumns) return true;
    this.fields.push(this.field);
    this.field = '';
    this.closed = false;
    this.atStart = true;
    return false;
  }

  /** No quotes at all: split on the delimiter with indexOf. */
  private plain(text: string): FieldsResult {
    const d = String.fromCharCode(this.delimiter);
    let from = 0;
    for (;;) {
      if (this.fields.length >= this.maxColumns) return 'too-many-columns';
      const at = text.indexOf(d, from);
      if (at < 0) {
        this.fields.push(text.slice(from));
        return 'done';
      }
      this.fields.push(text.slice(from, at));
      from = at + 1;
    }
  }
}

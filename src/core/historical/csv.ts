/**
 * CSV lines (RFC 4180 fields on one line): comma-separated, a field may be double-quoted with `""` for a quote.
 * A quoted field cannot span lines (uploads are read line by line): such a line is an error.
 */

/** The fields of one line, or undefined when its quotes are unbalanced. */
export function parseCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line.charCodeAt(i) === 34 /* " */) {
      let field = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        field += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          field += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(field);
      if (i === n) return out;
      if (line.charCodeAt(i) !== 44 /* , */) return undefined;
      i++;
      continue;
    }
    const comma = line.indexOf(',', i);
    if (comma < 0) {
      out.push(line.slice(i));
      return out;
    }
    out.push(line.slice(i, comma));
    i = comma + 1;
  }
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: quoted when it holds a comma, a quote or a line break; null and undefined are empty. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A CSV cell of an events upload as a record value: empty is absent (undefined), a decimal number is a number,
 * anything else stays text (CSV has no types; a view's feature fields then reject non-numbers as JSON does).
 */
export function csvValue(cell: string): string | number | undefined {
  if (cell === '') return undefined;
  return NUMBER.test(cell) ? Number(cell) : cell;
}

/**
 * A small, fast CSV reader for numeric data sets: a header row of feature names, then one sample per
 * row, one of the columns being the integer class label.
 *
 * Why hand-written: the brief measured danfo's readCSV at ~2.7 s on a 2,500×801 file; on the 2-core dev
 * machine (node 20) it takes 280–300 ms on caltech10 (1123×801, 1.8 MB) and 200–235 ms on mnist
 * (2000×257), after 660 ms for `require("danfojs-node")` itself. This reader scans the bytes once and
 * writes numbers straight into a Float32Array, without a substring per cell: 10 ms on caltech10, 8 ms on
 * mnist, 16 ms on coil1 (720×1025) (best of 7, raw .csv), against 15 / 18 / 40 ms for
 * split(lines) + split(",") + Number() — the values are bit-identical to Number()'s (checked on all files).
 * Gunzipping the stored .csv.gz adds 1–8 ms. Whole loadDomain (gunzip + parse + tensor): 11–14 ms for either
 * file once warm (also under jest); the first call in a fresh process takes 25–80 ms (cold JIT, tf's first tensor).
 */

export type MissingPolicy = "error" | "nan";

export interface CsvOptions {
  /** name of the label column; default "label" (matched case-insensitively) */
  labelColumn?: string;
  /** what a `?` or empty cell means: an error (default) or NaN in X */
  missing?: MissingPolicy;
}

export interface ParsedCsv {
  /** features, row-major, rows × cols */
  data: Float32Array;
  rows: number;
  cols: number;
  /** the label column, as written in the file */
  labels: Int32Array;
  featureNames: string[];
  /** the label column's name as written in the header */
  labelName: string;
}

export const CSV_OPTIONS = ["labelColumn", "missing"] as const;
const MISSING_POLICIES: readonly MissingPolicy[] = ["error", "nan"];

/** Throws on an option that CsvOptions does not know or on a bad value, listing the valid ones. */
export function checkCsvOptions(options: object, extra: readonly string[] = []): void {
  const valid = [...CSV_OPTIONS, ...extra];
  for (const key of Object.keys(options)) {
    if (!valid.includes(key)) throw new Error(`unknown option "${key}"; valid options: ${valid.join(", ")}`);
  }
  const o = options as CsvOptions;
  if (o.missing !== undefined && !MISSING_POLICIES.includes(o.missing)) {
    throw new Error(`option missing must be one of ${MISSING_POLICIES.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(o.missing)}`);
  }
  if (o.labelColumn !== undefined && (typeof o.labelColumn !== "string" || o.labelColumn === "")) {
    throw new Error(`option labelColumn must be a non-empty column name, got ${JSON.stringify(o.labelColumn)}`);
  }
}

// exact powers of ten: mantissa (< 2^53) times or divided by one of them is a single, correctly rounded
// IEEE operation, so the result equals Number(text) (Clinger's fast path)
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

// Hot loops read only module-level constants, never globals (Infinity, Math.*): under a vm context (jest,
// notebook kernels) each global lookup goes through the context's interceptor, which made parsing 30x slower.
const INF = Infinity;
const COMMA = 44, LF = 10, CR = 13, SPACE = 32, TAB = 9, QUOTE = 34, MINUS = 45, PLUS = 43, DOT = 46;
const ZERO = 48, NINE = 57, LOWER_E = 101, UPPER_E = 69, QUESTION = 63;

/** Splits one header line on commas, honouring double quotes ("" inside quotes is a quote). */
export function splitHeader(line: string): string[] {
  const out: string[] = [];
  let cell = "";
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQuotes) {
      if (c === '"') {
        if (line[i + 1] === '"') { cell += '"'; i++; } else inQuotes = false;
      } else cell += c;
    } else if (c === '"') inQuotes = true;
    else if (c === ",") { out.push(cell.trim()); cell = ""; }
    else cell += c;
  }
  out.push(cell.trim());
  return out;
}

function findLabelColumn(header: string[], wanted: string | undefined, file: string): number {
  const name = wanted ?? "label";
  let idx = header.indexOf(name);
  if (idx < 0) idx = header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  if (idx < 0) {
    const shown = header.length > 12 ? [...header.slice(0, 5), "…", ...header.slice(-5)] : header;
    throw new Error(`${file}: no label column "${name}" in the header (${header.length} columns: ${shown.join(", ")}); ` +
      `pass { labelColumn } to choose another column`);
  }
  return idx;
}

/**
 * Parses a numeric CSV (Buffer, bytes or string). `file` only names the source in error messages, which give
 * the 1-based line (the header is line 1) and the column's 1-based index and name.
 */
export function parseCsv(input: Uint8Array | string, file = "<csv>", options: CsvOptions = {}): ParsedCsv {
  checkCsvOptions(options);
  const b: Uint8Array = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const len = b.length;
  const missingAsNaN = options.missing === "nan";

  // header: the first line, decoded as text (names may be quoted or non-ASCII); a UTF-8 BOM is skipped
  const start = len >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  let headerEnd = start;
  while (headerEnd < len && b[headerEnd] !== LF) headerEnd++;
  const headerLine = Buffer.from(b.buffer, b.byteOffset + start, headerEnd - start).toString("utf8").replace(/\r$/, "");
  if (headerLine.trim() === "") {
    throw new Error(`${file}: the file is empty${len > 0 ? " (its first line, the header, is blank)" : ""}; expected a header row of feature names and a label column`);
  }
  const header = splitHeader(headerLine);
  const C = header.length;
  const labelCol = findLabelColumn(header, options.labelColumn, file);
  const featureNames = header.filter((_, j) => j !== labelCol);
  const cols = C - 1;
  if (cols === 0) throw new Error(`${file}: the header has only the label column "${header[labelCol]}", no feature columns`);

  // upper bound on the number of rows: the newlines after the header, plus a last line without one
  let maxRows = 1;
  for (let i = headerEnd + 1; i < len; i++) if (b[i] === LF) maxRows++;
  let data = new Float32Array(maxRows * cols);
  let labels = new Int32Array(maxRows);

  let p = headerEnd + 1; // cursor
  let line = 1;
  let rows = 0;
  let blankLine = 0; // first blank line seen; only trailing blank lines are allowed

  const cellText = (from: number): string => {
    let e = from;
    while (e < len && b[e] !== COMMA && b[e] !== LF && b[e] !== CR) e++;
    const t = Buffer.from(b.buffer, b.byteOffset + from, e - from).toString("utf8");
    return t.length > 40 ? `${t.slice(0, 40)}…` : t;
  };
  const where = (col: number): string => `${file}: line ${line}, column ${col + 1} ("${header[col]}")`;
  const countCells = (from: number): number => {
    let n = 1;
    for (let i = from; i < len && b[i] !== LF; i++) if (b[i] === COMMA) n++;
    return n;
  };
  const wrongLength = (lineStart: number): Error =>
    new Error(`${file}: line ${line} has ${countCells(lineStart)} cells, expected ${C} (as many as the header's columns)`);

  while (p < len) {
    line++;
    const lineStart = p;
    let q = p;
    while (q < len && (b[q] === SPACE || b[q] === TAB || b[q] === CR)) q++;
    if (q >= len || b[q] === LF) {
      if (blankLine === 0) blankLine = line;
      p = q + 1;
      continue;
    }
    if (blankLine !== 0) throw new Error(`${file}: line ${blankLine} is blank but data follows on line ${line}; only trailing blank lines are allowed`);

    const base = rows * cols;
    let k = 0; // feature index within the row
    for (let col = 0; col < C; col++) {
      const cellStart = p;
      while (p < len && (b[p] === SPACE || b[p] === TAB)) p++;
      let quoted = false;
      if (b[p] === QUOTE) { quoted = true; p++; }
      const numStart = p;
      let neg = false;
      if (b[p] === MINUS) { neg = true; p++; } else if (b[p] === PLUS) p++;
      let mant = 0, digits = 0, exp = 0, sawDigit = false, exact = true;
      let c = b[p];
      while (c >= ZERO && c <= NINE) {
        sawDigit = true;
        if (mant !== 0 || c !== ZERO) {
          if (digits < 15) { mant = mant * 10 + (c - ZERO); digits++; } else { exact = false; }
        }
        c = b[++p];
      }
      if (c === DOT) {
        c = b[++p];
        while (c >= ZERO && c <= NINE) {
          sawDigit = true;
          if (mant !== 0 || c !== ZERO) {
            if (digits < 15) { mant = mant * 10 + (c - ZERO); digits++; exp--; } else { exact = false; }
          } else exp--;
          c = b[++p];
        }
      }
      if (sawDigit && (c === LOWER_E || c === UPPER_E)) {
        c = b[++p];
        let eneg = false;
        if (c === MINUS) { eneg = true; c = b[++p]; } else if (c === PLUS) c = b[++p];
        let e = 0, eDigit = false;
        while (c >= ZERO && c <= NINE) { eDigit = true; if (e < 100000) e = e * 10 + (c - ZERO); c = b[++p]; }
        if (!eDigit) sawDigit = false; // "1e" is not a number
        exp += eneg ? -e : e;
      }
      const numEnd = p;
      if (quoted && b[p] === QUOTE) p++;
      while (p < len && (b[p] === SPACE || b[p] === TAB || b[p] === CR)) p++;
      const atEnd = p >= len || b[p] === COMMA || b[p] === LF;

      let value: number;
      if (sawDigit && atEnd) {
        if (!exact || exp > 22 || exp < -22) {
          value = Number(Buffer.from(b.buffer, b.byteOffset + numStart, numEnd - numStart).toString("latin1"));
        } else {
          value = exp < 0 ? mant / POW10[-exp] : mant * POW10[exp];
          if (neg) value = -value;
        }
      } else {
        // not a number: a missing value (empty or "?") or an error
        const text = cellText(cellStart).trim().replace(/^"(.*)"$/, "$1").trim();
        if (text !== "" && text !== "?") throw new Error(`${where(col)}: "${text}" is not a number`);
        const what = text === "" ? "empty cell" : '"?"';
        if (col === labelCol) throw new Error(`${where(col)}: the label is missing (${what}); every row needs a label`);
        if (!missingAsNaN) throw new Error(`${where(col)}: missing value (${what}); pass { missing: "nan" } to read it as NaN`);
        while (p < len && b[p] !== COMMA && b[p] !== LF) p++;
        value = NaN;
      }

      if (col === labelCol) {
        if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
          throw new Error(`${where(col)}: the label ${cellText(cellStart).trim()} is not an integer (class labels must be 32-bit integers)`);
        }
        labels[rows] = value;
      } else {
        data[base + k] = value; // rounds to float32; a finite double may overflow it
        const f = data[base + k++];
        if (f === INF || f === -INF) throw new Error(`${where(col)}: ${cellText(cellStart).trim()} does not fit in a 32-bit float`);
      }

      // after the cell: a comma unless it was the last one, a line end if it was
      if (col < C - 1) {
        if (b[p] !== COMMA) throw wrongLength(lineStart);
        p++;
      } else {
        if (p < len && b[p] !== LF) throw wrongLength(lineStart);
        p++;
      }
    }
    rows++;
  }

  if (rows === 0) throw new Error(`${file}: the file has a header but no data rows`);
  if (rows < maxRows) {
    data = data.slice(0, rows * cols);
    labels = labels.slice(0, rows);
  }
  return { data, rows, cols, labels, featureNames, labelName: header[labelCol] };
}

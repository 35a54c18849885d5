/**
 * The session's input history for history_request, with IPython's semantics: entries are
 * (session, line, input) or (session, line, [input, output]) with `output`; "tail" gives the last n,
 * "range" lines start..stop-1 of a session, "search" a glob over the whole input (the last n matches,
 * optionally unique). Only this kernel's session is kept (session 1; 0 or a negative offset of 0 name
 * it too); nothing is written to disk.
 */
export type HistoryEntry = [number, number, string] | [number, number, [string, string | null]];

export interface HistoryRequest {
  hist_access_type?: "tail" | "range" | "search";
  output?: boolean;
  raw?: boolean;
  session?: number;
  start?: number;
  stop?: number;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}

interface Line {
  line: number;
  input: string;
  output: string | null;
}

export const SESSION = 1;

export class History {
  private readonly lines: Line[] = [];

  add(line: number, input: string): void {
    this.lines.push({ line, input, output: null });
  }

  /** The text/plain of a line's execute_result. */
  setOutput(line: number, output: string): void {
    const entry = this.lines.find((l) => l.line === line);
    if (entry) entry.output = output;
  }

  query(req: HistoryRequest): HistoryEntry[] {
    const output = Boolean(req.output);
    let found: Line[];
    switch (req.hist_access_type) {
      case "range": {
        const session = req.session ?? 0;
        if (session !== 0 && session !== SESSION) return [];
        const start = req.start ?? 1;
        const stop = req.stop ?? Infinity;
        found = this.lines.filter((l) => l.line >= start && l.line < stop);
        break;
      }
      case "search": {
        const re = globToRegExp(req.pattern ?? "*");
        found = lastN(dedupe(this.lines.filter((l) => re.test(l.input)), req.unique), req.n);
        break;
      }
      case "tail":
      default:
        found = lastN(dedupe(this.lines, req.unique), req.n ?? 10);
    }
    return found.map((l) => (output ? [SESSION, l.line, [l.input, l.output]] : [SESSION, l.line, l.input]));
  }
}

function lastN(lines: Line[], n: number | null | undefined): Line[] {
  return typeof n === "number" && n >= 0 ? lines.slice(Math.max(0, lines.length - n)) : lines;
}

/** With `unique`, each input once, at its latest line. */
function dedupe(lines: Line[], unique: boolean | undefined): Line[] {
  if (!unique) return lines;
  const latest = new Map<string, Line>();
  for (const l of lines) latest.set(l.input, l);
  return lines.filter((l) => latest.get(l.input) === l);
}

/** A glob as SQLite's GLOB (what IPython uses): `*`, `?`, `[...]`, matched against the whole input. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let set = glob.slice(i + 1, end);
        if (set.startsWith("^")) set = "^" + set.slice(1);
        re += `[${set.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

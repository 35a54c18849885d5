/**
 * Just enough of source maps (v3) to point a stack frame at a cell's line: decode "mappings" and look a
 * generated position up. A cell goes through two emits (TypeScript → ES module, ES module → CommonJS),
 * so a frame is mapped twice.
 */

/** Per generated line: segments [generatedColumn, sourceLine, sourceColumn], sorted by column. */
type Lines = [number, number, number][][];

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

export class SourceMap {
  private readonly lines: Lines;

  constructor(json: string) {
    const map = JSON.parse(json) as { mappings?: string };
    this.lines = decodeMappings(map.mappings ?? "");
  }

  /** The source position (0-based line and column) of a generated one, or null where nothing maps. */
  originalPosition(line: number, column: number): { line: number; column: number } | null {
    const segments = this.lines[line];
    if (!segments?.length) return null;
    let best = segments[0];
    for (const s of segments) {
      if (s[0] > column) break;
      best = s;
    }
    return { line: best[1], column: best[0] <= column ? best[2] + (column - best[0]) : best[2] };
  }
}

function decodeMappings(mappings: string): Lines {
  const lines: Lines = [];
  let srcLine = 0;
  let srcCol = 0;
  let srcIndex = 0;
  for (const lineText of mappings.split(";")) {
    const segments: [number, number, number][] = [];
    let genCol = 0;
    for (const seg of lineText.split(",")) {
      if (!seg) continue;
      const v = decodeVlq(seg);
      genCol += v[0];
      if (v.length >= 4) {
        srcIndex += v[1];
        srcLine += v[2];
        srcCol += v[3];
        segments.push([genCol, srcLine, srcCol]);
      }
    }
    void srcIndex; // one source per map here
    segments.sort((a, b) => a[0] - b[0]);
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = DIGIT.get(ch);
    if (digit === undefined) throw new Error(`invalid base64 digit in a source map: ${ch}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

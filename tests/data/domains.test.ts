import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { dataDir, listDomains, loadDomain, toDataFrame } from "../../src/data";

// class counts from each data set's README.md
const EXPECTED: Record<string, { rows: number; cols: number; counts: number[] }> = {
  "office_caltech10_surf/amazon": { rows: 958, cols: 800, counts: [92, 82, 94, 99, 100, 100, 99, 100, 94, 98] },
  "office_caltech10_surf/caltech10": { rows: 1123, cols: 800, counts: [151, 110, 100, 138, 85, 128, 133, 94, 87, 97] },
  "office_caltech10_surf/dslr": { rows: 157, cols: 800, counts: [12, 21, 12, 13, 10, 24, 22, 12, 8, 23] },
  "office_caltech10_surf/webcam": { rows: 295, cols: 800, counts: [29, 21, 31, 27, 27, 30, 43, 30, 27, 30] },
  "mnist_usps/mnist": { rows: 2000, cols: 256, counts: [196, 227, 207, 202, 196, 179, 191, 206, 195, 201] },
  "mnist_usps/mnist10k": { rows: 10000, cols: 256, counts: [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978] },
  "mnist_usps/usps": { rows: 1800, cols: 256, counts: [352, 241, 165, 166, 166, 126, 139, 172, 129, 144] },
  "coil20/coil1": { rows: 720, cols: 1024, counts: new Array(20).fill(36) },
  "coil20/coil2": { rows: 720, cols: 1024, counts: new Array(20).fill(36) },
};

beforeAll(async () => {
  await tf.setBackend("cpu");
});

test("the data folder is the workspace's data/ and lists every id", () => {
  expect(dataDir()).toBe(path.resolve(__dirname, "../../data"));
  expect(listDomains()).toEqual(Object.keys(EXPECTED).sort());
});

test.each(Object.entries(EXPECTED))("%s: shape, labels 1..K and class counts as in its README", async (id, e) => {
  const d = await loadDomain(id);
  expect(d.X.shape).toEqual([e.rows, e.cols]);
  expect(d.y.length).toBe(e.rows);
  expect(d.featureNames).toEqual(Array.from({ length: e.cols }, (_, j) => `f${j}`));
  expect(d.name).toBe(id.split("/")[1]);
  const counts = new Array(e.counts.length).fill(0);
  for (const v of d.y) counts[v - 1]++;
  expect(counts).toEqual(e.counts);
  const x = d.X.dataSync();
  let min = Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] < min) min = x[i];
  expect(min).toBeGreaterThanOrEqual(0); // all three data sets are counts or pixel intensities
  d.X.dispose();
});

test("ids resolve from another working directory, with or without .csv; TRANSFERLAB_DATA overrides", async () => {
  const cwd = process.cwd();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-cwd-"));
  process.chdir(tmp);
  try {
    const a = await loadDomain("office_caltech10_surf/dslr");
    const b = await loadDomain("office_caltech10_surf/dslr.csv");
    expect(a.X.shape).toEqual([157, 800]);
    expect(b.path).toBe(a.path);
    expect(a.path).toBe(path.resolve(__dirname, "../../data/office_caltech10_surf/dslr.csv.gz"));
    a.X.dispose();
    b.X.dispose();

    fs.mkdirSync(path.join(tmp, "mine"));
    fs.writeFileSync(path.join(tmp, "mine", "toy.csv"), "f0,label\n1,0\n");
    process.env.TRANSFERLAB_DATA = tmp;
    expect(dataDir()).toBe(tmp);
    expect(listDomains()).toEqual(["mine/toy"]);
    const t = await loadDomain("mine/toy");
    expect(Array.from(t.y)).toEqual([0]);
    t.X.dispose();
    process.env.TRANSFERLAB_DATA = path.join(tmp, "absent");
    expect(() => dataDir()).toThrow(/TRANSFERLAB_DATA=.*absent is not a directory/);
  } finally {
    delete process.env.TRANSFERLAB_DATA;
    process.chdir(cwd);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("load time of caltech10 and mnist (printed, not asserted)", async () => {
  const times: string[] = [];
  for (const id of ["office_caltech10_surf/caltech10", "mnist_usps/mnist"]) {
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      const d = await loadDomain(id);
      times.push(`${id} run ${r + 1}: ${(performance.now() - t0).toFixed(1)} ms (${d.X.shape.join("×")})`);
      d.X.dispose();
    }
  }
  console.log(`loadDomain (gunzip + parse + tensor):\n${times.join("\n")}`);
});

test("toDataFrame: the features and the label, for display", async () => {
  const d = await loadDomain("office_caltech10_surf/dslr");
  const df = toDataFrame(d);
  expect(df.shape).toEqual([157, 801]);
  expect(df.columns[0]).toBe("f0");
  expect(df.columns[800]).toBe("label");
  expect(df.column("label").values).toEqual(Array.from(d.y));
  expect(df.iat(3, 5)).toBe(d.X.arraySync()[3][5]);
  expect(() => toDataFrame({ X: d.X, y: [1, 2] })).toThrow(/X has 157 rows but y has 2 labels/);
  d.X.dispose();
});

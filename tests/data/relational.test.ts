/** The relational loaders: counts as in data/relational/README.md, and malformed facts named by file and line. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadRelational, parseFacts, parseModes } from "../../src/data";
import { closedWorld, subsampleExamples } from "../../src/relation";

test("UW-CSE: 5 blocks, the README's per-fold counts, predicate types from background.txt", async () => {
  const d = await loadRelational("uwcse");
  expect(d.target).toBe("advisedby");
  expect(d.blocks.map((b) => b.id)).toEqual(["fold1", "fold2", "fold3", "fold4", "fold5"]);
  expect(d.blocks.map((b) => [b.facts.length, b.pos.length, b.neg.length])).toEqual([[465, 16, 2385], [733, 33, 5151], [182, 9, 775], [449, 20, 3701], [731, 35, 4589]]);
  expect(d.predicates.taughtby.types).toEqual(["course", "person", "quarter"]);
  expect(d.predicates.inphase.constantArgs).toEqual([false, true]);
  expect(d.predicates.courselevel).toEqual({ name: "courselevel", types: ["course", "level"], constantArgs: [false, true] });
  expect(Object.keys(d.predicates)).toHaveLength(15);
});

test("IMDB: camel-case workedUnder, modes from FoldN/imdb_bk.txt, 2 : 1 sampled negatives", async () => {
  const d = await loadRelational("imdb");
  expect(d.target).toBe("workedUnder"); // UW-CSE's predicates are all lower case: names differ in case
  expect(d.blocks.map((b) => [b.facts.length, b.pos.length, b.neg.length])).toEqual([[159, 56, 112], [150, 58, 116], [163, 178, 356], [106, 45, 90], [118, 45, 90]]);
  expect(d.predicates.movie.types).toEqual(["movie", "person"]);
  expect(d.predicates.female_gender.types).toEqual(["person"]);
  const some = await loadRelational("imdb", { folds: [2, 4] });
  expect(some.blocks.map((b) => b.id)).toEqual(["fold2", "fold4"]);
});

test("closed world: UW-CSE's negatives are every other pair of persons of the block; subsampling keeps the facts", async () => {
  const d = await loadRelational("uwcse");
  for (const b of d.blocks) {
    const cw = closedWorld(b, d.predicates, d.target);
    expect(new Set(cw.neg.map((e) => e.args.join(",")))).toEqual(new Set(b.neg.map((e) => e.args.join(","))));
  }
  const half = subsampleExamples(d.blocks[1], 0.5, 0);
  expect(half.pos.length).toBe(Math.round(33 / 2));
  expect(half.facts).toBe(d.blocks[1].facts);
  expect(subsampleExamples(d.blocks[1], 0.5, 0)).toEqual(half);
  expect(() => subsampleExamples(d.blocks[1], 0)).toThrow("fraction must be in (0, 1]");
});

describe("malformed facts name the file and line", () => {
  const modes = parseModes("advisedby(+person,+person).\npublication(-title,+person).\nmode: inphase(+person,#phase).\nimport: \"x\"\n", "bg.txt");

  test("modes: +, -, # and the mode: prefix; a conflicting redeclaration is an error", () => {
    expect(modes.inphase).toEqual({ name: "inphase", types: ["person", "phase"], constantArgs: [false, true] });
    expect(() => parseModes("p(+a).\np(+a,+b).", "bg.txt")).toThrow("bg.txt: line 2: p declared with arity 2, but with arity 1 before");
    expect(() => parseModes("p(+a).\np(+b).", "bg.txt")).toThrow("bg.txt: line 2: argument 1 of p has type b, but a in an earlier mode");
    expect(() => parseModes("p(a).", "bg.txt")).toThrow('bg.txt: line 1: mode argument "a" of p must be +type, -type or #type');
  });

  test("bad arity, unbalanced parentheses, unknown predicates (with a case hint), missing period, variables", () => {
    expect(parseFacts("% comment\n\npublication(t1,p1).\n", "f.txt", modes)).toEqual([{ pred: "publication", args: ["t1", "p1"], line: 3 }]);
    expect(() => parseFacts("publication(t1,p1).\npublication(t1).\n", "f.txt", modes))
      .toThrow("f.txt: line 2: publication has 1 argument, but it is declared with arity 2 (publication(title,person))");
    expect(() => parseFacts("publication(t1,p1.\n", "f.txt", modes)).toThrow('f.txt: line 1: unbalanced parentheses in "publication(t1,p1." (1 "(", 0 ")")');
    expect(() => parseFacts("publication(t1,(p1)).\n", "f.txt", modes)).toThrow(/f\.txt: line 1: .*not a constant/);
    expect(() => parseFacts("ok(a).\nadvisedBy(p1,p2).\n", "f.txt", { ...modes, ok: { name: "ok", types: ["x"], constantArgs: [false] } }))
      .toThrow('f.txt: line 2: unknown predicate "advisedBy" (did you mean "advisedby"? predicate names are case-sensitive); declared: advisedby, inphase, ok, publication');
    expect(() => parseFacts("publication(t1,p1)\n", "f.txt", modes)).toThrow('f.txt: line 1: "publication(t1,p1)" does not end with "."');
    expect(() => parseFacts("publication(T,p1).\n", "f.txt", modes)).toThrow('f.txt: line 1: argument "T" of publication is not a constant');
    expect(() => parseFacts("p(a).\np(a,b).\n", "f.txt")).toThrow("f.txt: line 2: p has 2 arguments, but 1 on an earlier line");
  });

  test("loadRelational: a bad fact in a fold file, examples of another predicate, unknown ids and options", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-rel-"));
    try {
      fs.writeFileSync(path.join(dir, "background.txt"), "advisedby(+person,+person).\nprofessor(+person).\n");
      fs.mkdirSync(path.join(dir, "fold1", "test"), { recursive: true });
      const put = (name: string, text: string) => fs.writeFileSync(path.join(dir, "fold1", "test", name), text);
      put("test_facts.txt", "professor(p1).\nprofessor(p2,p3).\n");
      put("test_pos.txt", "advisedby(p2,p1).\n");
      put("test_neg.txt", "advisedby(p1,p2).\n");
      await expect(loadRelational(dir)).rejects.toThrow(/fold1\/test\/test_facts\.txt: line 2: professor has 2 arguments, but it is declared with arity 1/);
      put("test_facts.txt", "professor(p1).\n");
      put("test_neg.txt", "advisedby(p1,p2).\nprofessor(p2).\n");
      await expect(loadRelational(dir)).rejects.toThrow(/test_neg\.txt: line 2: an example of professor, but the target predicate is advisedby/);
      put("test_neg.txt", "advisedby(p1,p2).\n");
      const ok = await loadRelational(dir);
      expect(ok.blocks[0].pos).toEqual([{ pred: "advisedby", args: ["p2", "p1"], line: 1 }]);
      await expect(loadRelational(dir, { target: "teaches" })).rejects.toThrow(/target "teaches" is not declared/);
      await expect(loadRelational(dir, { folds: [2] })).rejects.toThrow(/no fold 2 in/);
      await expect(loadRelational("nosuchset")).rejects.toThrow(/no data set "nosuchset".*ids: imdb, uwcse/);
      await expect(loadRelational(dir, { fold: [1] } as never)).rejects.toThrow('loadRelational: unknown option "fold" (did you mean "folds"?)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

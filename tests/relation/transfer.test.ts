/** Rules, coverage, the rule learner, predicate mapping, revision and the transfer experiment. */
import { loadRelational, RelationalBlock, RelationalDataset } from "../../src/data";
import {
  World, coveredExamples, parseRule, formatRule, canonicalRule, ruleCoverage, learnRules, pathRules, RuleModel, aucPR, thresholdAccuracy,
  mappingCandidates, applyMapping, searchMappings, scoreMapping, reviseRules, RelationalTransfer, relationalTransferCurve, closedWorld, refinements,
} from "../../src/relation";

const fact = (text: string, line = 0) => {
  const m = /^(\w+)\((.*)\)$/.exec(text)!;
  return { pred: m[1], args: m[2].split(","), line };
};

let uwcse: RelationalDataset, imdb: RelationalDataset;
beforeAll(async () => {
  uwcse = await loadRelational("uwcse");
  imdb = await loadRelational("imdb");
});

describe("rules and coverage", () => {
  const block: RelationalBlock = {
    id: "toy",
    facts: ["movie(m1,ann)", "movie(m1,dan)", "movie(m2,bob)", "movie(m2,dan)", "movie(m3,cat)", "director(dan)", "actor(ann)", "actor(bob)", "actor(cat)"].map((t) => fact(t)),
    pos: ["workedUnder(ann,dan)", "workedUnder(bob,dan)"].map((t) => fact(t)),
    neg: ["workedUnder(cat,dan)", "workedUnder(ann,bob)", "workedUnder(dan,dan)"].map((t) => fact(t)),
  };

  test("format, parse and canonical names round-trip", () => {
    const r = parseRule("workedUnder(X,Y) :- movie(M,X), movie(M,Y), director(Y).");
    expect(formatRule(canonicalRule(r))).toBe("workedUnder(A,B) :- movie(C,A), movie(C,B), director(B).");
    expect(formatRule(parseRule("p(A,B)."))).toBe("p(A,B).");
  });

  test("a rule covers the examples its body proves; constants and unbound head variables", () => {
    const w = new World(block.facts);
    const examples = [...block.pos, ...block.neg];
    const cover = (text: string) => Array.from(coveredExamples(parseRule(text), w, examples)!);
    expect(cover("workedUnder(A,B) :- movie(C,A), movie(C,B), director(B).")).toEqual([1, 1, 0, 0, 1]);
    expect(cover("workedUnder(A,B) :- movie(C,A), movie(C,B), director(B), actor(A).")).toEqual([1, 1, 0, 0, 0]);
    expect(cover("workedUnder(A,B) :- director(B).")).toEqual([1, 1, 1, 0, 1]); // A unbound: any A
    expect(cover("workedUnder(A,B) :- movie(m2,A).")).toEqual([0, 1, 0, 0, 1]); // bob and dan were in m2
    expect(cover("workedUnder(A,B) :- movie(m9,A).")).toEqual([0, 0, 0, 0, 0]); // an unknown constant
    expect(cover("workedUnder(A,B).")).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(ruleCoverage(parseRule("workedUnder(A,B) :- actor(A)."), block)!)).toEqual([1, 1, 1, 1, 0]);
  });

  test("the learner finds the IMDB rule through relational pathfinding; refinements stay linked and typed", () => {
    const schema = { target: imdb.target, predicates: imdb.predicates };
    const paths = pathRules([imdb.blocks[0]], schema, 3, 5).map(formatRule);
    expect(paths).toContain("workedUnder(A,B) :- movie(C,A), movie(C,B).");
    const rules = learnRules(imdb, {}, [closedWorld(imdb.blocks[0], imdb.predicates, imdb.target)]);
    expect(rules.map((r) => r.text)).toContain("workedUnder(A,B) :- movie(C,A), movie(C,B), director(B).");
    const r0 = parseRule("workedUnder(A,B).");
    const refined = refinements(r0, schema, new Map(), 4).map(formatRule);
    expect(refined).toContain("workedUnder(A,B) :- movie(C,A).");
    expect(refined).toContain("workedUnder(A,B) :- genre(A,C).");
    expect(refined).not.toContain("workedUnder(A,B) :- workedUnder(A,B)."); // never the target itself
    expect(refined.every((t) => /[AB]/.test(t.split(":-")[1]))).toBe(true);
    expect(() => learnRules(imdb, { beamWidth: 0 })).toThrow('learnRules: option "beamWidth" must be an integer ≥ 1');
  });
});

describe("the rule model and its metrics", () => {
  test("aucPR: perfect ranking 1, ties enter together, a known average precision", () => {
    expect(aucPR([0.9, 0.8, 0.1], [1, 1, 0])).toBe(1);
    expect(aucPR([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0])).toBe(0.25);
    // ranks: 1 (pos), 2 (neg), 3 (pos): AP = ½·1 + ½·⅔
    expect(aucPR([0.9, 0.8, 0.7], [1, 0, 1])).toBeCloseTo(0.5 + 1 / 3, 12);
    expect(() => aucPR([0.1], [0])).toThrow("no positive example");
    expect(thresholdAccuracy([0.9, 0.2, 0.6], [1, 0, 0])).toBeCloseTo(2 / 3, 12);
  });

  test("noisy-or: confidences are m-estimates; covered examples rank above the rest", () => {
    const train = closedWorld(imdb.blocks[1], imdb.predicates, imdb.target);
    const model = new RuleModel().fit([parseRule("workedUnder(A,B) :- movie(C,A), movie(C,B), director(B).")], [train]);
    expect(model.rules[0].pos).toBe(58);
    expect(model.rules[0].confidence).toBeGreaterThan(0.9);
    expect(model.baseRate).toBeLessThan(0.01);
    const p = model.predict(imdb.blocks[0]);
    expect(aucPR(p.scores, p.labels)).toBeGreaterThan(0.95);
  });
});

describe("predicate mapping and revision", () => {
  const imdbRules = () => [
    parseRule("workedUnder(A,B) :- movie(C,A), movie(C,B), director(B)."),
    parseRule("workedUnder(A,B) :- movie(C,A), movie(C,B), genre(B,D)."),
  ];
  const schema = (d: RelationalDataset) => ({ target: d.target, predicates: d.predicates });

  test("candidates are type-consistent: one target type per source type and no two source types to one target type", () => {
    const all = mappingCandidates(imdbRules(), schema(imdb), schema(uwcse));
    expect(all.length).toBe(36);
    expect(all).toContainEqual({ predicates: { director: "professor", genre: "hasposition", movie: "publication" }, types: { person: "person", movie: "title", genre: "position" } });
    for (const m of all) {
      const images = Object.values(m.types);
      expect(new Set(images).size).toBe(images.length);
      // movie(movie, person) never maps to a (person, person) predicate: movie → person would clash with person → person
      expect(["tempadvisedby", "sameperson"]).not.toContain(m.predicates.movie);
    }
    expect(mappingCandidates(imdbRules(), schema(imdb), schema(uwcse), { allowDrop: false }).every((m) => Object.values(m.predicates).every((p) => p !== null))).toBe(true);
    expect(() => mappingCandidates(imdbRules(), { ...schema(imdb), target: "movie2" }, schema(uwcse))).toThrow('the source target predicate "movie2" is not declared');
  });

  test("applying a mapping renames predicates, drops unmapped literals and turns constants into variables", () => {
    const m = { predicates: { inphase: "genre", publication: "movie", ta: null, taughtby: null }, types: {} };
    expect(formatRule(applyMapping(parseRule("advisedby(A,B) :- inphase(A,post_quals), publication(C,A), publication(C,B)."), m, "workedUnder")))
      .toBe("workedUnder(A,B) :- genre(A,C), movie(D,A), movie(D,B).");
    expect(formatRule(applyMapping(parseRule("advisedby(A,B) :- ta(C,A,D), taughtby(C,B,D)."), m, "workedUnder"))).toBe("workedUnder(A,B).");
    expect(() => applyMapping(parseRule("advisedby(A,B) :- student(A)."), m, "workedUnder")).toThrow('the mapping does not cover predicate "student"');
  });

  test("on a UW-CSE training block, the natural mapping movie → publication ranks first", () => {
    const train = [closedWorld(uwcse.blocks[1], uwcse.predicates, uwcse.target)];
    const ranked = searchMappings(imdbRules(), schema(imdb), schema(uwcse), train);
    expect(ranked[0].mapping.predicates.movie).toBe("publication");
    expect(ranked[0].score).toBeGreaterThan(ranked[ranked.length - 1].score);
    const dropped = scoreMapping(imdbRules(), { predicates: { director: null, genre: null, movie: null }, types: {} }, schema(uwcse), train);
    expect(dropped.rules.map(formatRule)).toEqual(["advisedby(A,B)."]);
    expect(ranked[0].score).toBeGreaterThan(dropped.score);
  });

  test("revision repairs a mapped rule on the target (adds the literal it lacks); rules that do not hold are dropped", () => {
    const train = [closedWorld(imdb.blocks[1], imdb.predicates, imdb.target)];
    const mapped = [parseRule("workedUnder(A,B) :- movie(C,A), movie(C,B)."), parseRule("workedUnder(A,B) :- female_gender(A), female_gender(B).")];
    const revised = reviseRules(mapped, schema(imdb), train);
    expect(revised[0].text).toMatch(/^workedUnder\(A,B\) :- movie\(C,A\), movie\(C,B\), director\(B\)/);
    expect(revised[0].neg).toBe(0);
    expect(revised.every((r) => r.precision >= 0.1 && r.pos >= 2)).toBe(true);
    // without revision steps only the threshold acts: co-cast pairs (actor–actor too) and two women do not hold
    const asMapped = [...mapped, parseRule("workedUnder(A,B) :- movie(C,A), movie(C,B), director(B).")];
    const kept = reviseRules(asMapped, schema(imdb), train, { steps: 0 });
    expect(kept.map((r) => r.text)).toEqual(["workedUnder(A,B) :- movie(C,A), movie(C,B), director(B)."]);
  });
});

describe("relational transfer", () => {
  test("IMDB → UW-CSE: source rules, the chosen mapping, and transfer beating target-only with half a block", () => {
    const t = new RelationalTransfer().fitSource(imdb, imdb.blocks.map((b) => closedWorld(b, imdb.predicates, imdb.target)));
    expect(t.sourceRules.map((r) => r.text)).toContain("workedUnder(A,B) :- movie(C,A), movie(C,B), director(B).");
    expect(() => new RelationalTransfer().fitTarget(uwcse, [uwcse.blocks[0]])).toThrow("call fitSource(source) before fitTarget");
    const curve = relationalTransferCurve(imdb, uwcse, { sizes: [0.5, 1], folds: [0, 2] });
    expect(curve.folds).toHaveLength(4);
    expect(curve.folds.every((f) => /movie → publication/.test(f.mapping))).toBe(true);
    // measured over all 5 folds: transfer 0.224 / 0.223 vs target-only 0.060 / 0.132
    expect(curve.transfer.aucPR[0]).toBeGreaterThan(curve.targetOnly.aucPR[0]);
    expect(() => relationalTransferCurve(imdb, uwcse, { sizes: [5] })).toThrow("a training size must be a fraction in (0, 1) or an integer in 1..4");
  });

  test("UW-CSE → IMDB: publication → movie, and the transferred theory ranks IMDB's test pairs almost perfectly", () => {
    const curve = relationalTransferCurve(uwcse, imdb, { sizes: [1], folds: [0, 1] });
    expect(curve.folds.every((f) => /publication → movie/.test(f.mapping))).toBe(true);
    expect(curve.transfer.aucPR[0]).toBeGreaterThan(0.95);
    expect(curve.transfer.aucPR[0]).toBeGreaterThanOrEqual(curve.targetOnly.aucPR[0]);
  });
});

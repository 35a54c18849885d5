/**
 * Academic integrity: the exercises ask students to write functions transferlab already has
 * (`kmmObjective`, `linearCka`, `leep`, …). A solution cell names in its metadata the library names its
 * answer may not use:
 *
 *   "metadata": { "tlab": { "forbid": ["kmmObjective"] } }
 *
 * and each student's solution cells are read with TypeScript's syntax tree for uses of them: property
 * access on the transferlab namespace or one of its namespaces (`tl.instance.kmmObjective`, through any alias of them), named or destructuring
 * imports, `tl["kmmObjective"]`; computed access (`tl["kmm" + "Objective"]`, `tl[name]`), a require or
 * import of a computed specifier, and the namespace handed to a function (`Object.values(tl)`) are flagged
 * as suspicious: the grader cannot tell what they reach.
 */
import type * as TS from "@tslab/typescript-for-tslab";
import type { Cell, Notebook } from "../notebook";
import { joinText } from "../notebook";
import { gradeId, isGrade, isSolution } from "./checksum";
import { typescript } from "./tsnames";

export interface IntegrityFinding {
  /** the solution cell */
  grade_id: string;
  /** the forbidden name, or "?" for a computed access */
  name: string;
  /** line in the cell, 1-based */
  line: number;
  suspicious: boolean;
  message: string;
}

export type IntegrityMode = "zero" | "warn";

const LIBRARY = /^transferlab(\/|$)/;

/**
 * The library's namespaces (src/index.ts): `tl.instance.kmmObjective` reaches a library function as `tl.kmmObjective`
 * would. tests/grade/integrity.test.ts checks the list against transferlab's own exports.
 */
export const NAMESPACES: ReadonlySet<string> = new Set(["linalg", "optim", "kernels", "feature", "instance", "model", "deep", "logic", "report"]);

/** The library names a solution cell may not use (its metadata's tlab.forbid). */
export function forbiddenNames(cell: Cell): string[] {
  const f = (cell.metadata as { tlab?: { forbid?: unknown } }).tlab?.forbid;
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === "string") : [];
}

export const declaresForbidden = (nb: Notebook) => nb.cells.some((c) => isSolution(c) && forbiddenNames(c).length > 0);

/** Is `node` require("transferlab…"), or a require/import whose specifier is computed ("dynamic")? */
function requireOf(t: typeof TS, node: TS.Node): "library" | "dynamic" | undefined {
  if (!t.isCallExpression(node)) return undefined;
  const callee = node.expression;
  const isRequire = t.isIdentifier(callee) && callee.text === "require";
  const isImport = callee.kind === t.SyntaxKind.ImportKeyword;
  if (!isRequire && !isImport) return undefined;
  const arg = node.arguments[0];
  if (!arg) return undefined;
  if (t.isStringLiteralLike(arg)) return LIBRARY.test(arg.text) ? "library" : undefined;
  return "dynamic";
}

/** Aliases of the transferlab namespace declared anywhere in `cells` (import * as tl, const tl = require(…), const t2 = tl). */
function namespaceAliases(t: typeof TS, files: TS.SourceFile[]): Set<string> {
  const aliases = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    const add = (n: string) => !aliases.has(n) && (aliases.add(n), (grew = true));
    for (const sf of files) {
      const visit = (node: TS.Node): void => {
        if (t.isImportDeclaration(node) && t.isStringLiteral(node.moduleSpecifier) && LIBRARY.test(node.moduleSpecifier.text)) {
          const c = node.importClause;
          if (c?.name) add(c.name.text);
          if (c?.namedBindings && t.isNamespaceImport(c.namedBindings)) add(c.namedBindings.name.text);
        } else if (t.isImportEqualsDeclaration(node) && t.isExternalModuleReference(node.moduleReference)) {
          const e = node.moduleReference.expression;
          if (t.isStringLiteral(e) && LIBRARY.test(e.text)) add(node.name.text);
        } else if (t.isVariableDeclaration(node) && t.isIdentifier(node.name) && node.initializer) {
          let init: TS.Expression = node.initializer;
          while (t.isAwaitExpression(init) || t.isParenthesizedExpression(init) || t.isAsExpression(init)) init = init.expression;
          // const ns = tl.instance (a namespace of the library) aliases it too
          if (t.isPropertyAccessExpression(init) && NAMESPACES.has(init.name.text)) init = init.expression;
          if (requireOf(t, init) === "library" || (t.isIdentifier(init) && aliases.has(init.text))) add(node.name.text);
        }
        t.forEachChild(node, visit);
      };
      visit(sf);
    }
  }
  return aliases;
}

/** Uses of forbidden library names in the solution cells of `nb` (the executed, restored notebook). */
export function checkIntegrity(nb: Notebook): IntegrityFinding[] {
  const t = typescript();
  const code = nb.cells.filter((c) => c.cell_type === "code");
  const files = new Map(code.map((c, i) => [c, t.createSourceFile(`cell${i}.ts`, joinText(c.source), t.ScriptTarget.Latest, true, t.ScriptKind.TS)]));
  const aliases = namespaceAliases(t, [...files.values()]);
  const findings: IntegrityFinding[] = [];
  for (const cell of code) {
    const forbid = forbiddenNames(cell);
    if (!isSolution(cell) || forbid.length === 0) continue;
    const sf = files.get(cell)!;
    const id = gradeId(cell);
    const lineOf = (n: TS.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const flag = (n: TS.Node, name: string, how: string) =>
      findings.push({ grade_id: id, name, line: lineOf(n), suspicious: false, message: `cell "${id}" line ${lineOf(n)}: ${how} transferlab's ${name}, which this exercise asks you to write yourself` });
    const suspect = (n: TS.Node, how: string) =>
      findings.push({ grade_id: id, name: "?", line: lineOf(n), suspicious: true, message: `cell "${id}" line ${lineOf(n)}: suspicious: ${how} (the grader cannot tell which library function it reaches)` });
    const isNs = (e: TS.Expression): boolean => {
      // (tl as any), (<any>tl), tl!, ((tl)) are still the namespace
      while (t.isParenthesizedExpression(e) || t.isAsExpression(e) || t.isTypeAssertionExpression(e) || t.isNonNullExpression(e)) e = e.expression;
      // a namespace of the library (tl.instance, tl.feature, …) is the library too
      if (t.isPropertyAccessExpression(e)) return NAMESPACES.has(e.name.text) && isNs(e.expression);
      return t.isIdentifier(e) && aliases.has(e.text);
    };
    const destructured = (pattern: TS.ObjectBindingPattern) => {
      for (const el of pattern.elements) {
        const prop = el.propertyName ?? el.name;
        if (t.isComputedPropertyName(prop)) {
          const e = prop.expression;
          if (t.isStringLiteralLike(e)) forbid.includes(e.text) && flag(el, e.text, "destructures");
          else suspect(el, "a computed name destructured from the transferlab namespace");
        } else if (t.isIdentifier(prop) || t.isStringLiteral(prop)) {
          if (forbid.includes(prop.text)) flag(el, prop.text, "destructures");
        }
      }
    };
    const visit = (node: TS.Node): void => {
      if (t.isImportDeclaration(node) && t.isStringLiteral(node.moduleSpecifier) && LIBRARY.test(node.moduleSpecifier.text)) {
        const nb = node.importClause?.namedBindings;
        if (nb && t.isNamedImports(nb)) for (const el of nb.elements) if (forbid.includes((el.propertyName ?? el.name).text)) flag(el, (el.propertyName ?? el.name).text, "imports");
      } else if (t.isPropertyAccessExpression(node) && isNs(node.expression) && forbid.includes(node.name.text)) {
        flag(node, node.name.text, "uses");
      } else if (t.isElementAccessExpression(node) && isNs(node.expression)) {
        const arg = node.argumentExpression;
        if (t.isStringLiteralLike(arg)) forbid.includes(arg.text) && flag(node, arg.text, "uses");
        else suspect(node, "computed access to the transferlab namespace");
      } else if (t.isVariableDeclaration(node) && t.isObjectBindingPattern(node.name) && node.initializer) {
        let init: TS.Expression = node.initializer;
        while (t.isAwaitExpression(init) || t.isParenthesizedExpression(init)) init = init.expression;
        if (isNs(init) || requireOf(t, init) === "library") destructured(node.name);
      } else if (t.isCallExpression(node)) {
        if (requireOf(t, node) === "dynamic") suspect(node, "a require or import of a computed module name");
        // the namespace passed as a value: Object.values(tl), Reflect.get(tl, …), f(tl)
        for (const a of node.arguments) if (isNs(a)) suspect(a, "the transferlab namespace passed to a function");
      }
      t.forEachChild(node, visit);
    };
    visit(sf);
  }
  return findings;
}

/**
 * The test cells that grade each solution cell: those after it, up to the next solution cell. A finding in
 * a solution cell scores these 0 in "zero" mode.
 */
export function testsOf(nb: Notebook, solutionId: string): string[] {
  const ids: string[] = [];
  let inside = false;
  for (const c of nb.cells) {
    if (isSolution(c)) {
      if (inside) break;
      inside = gradeId(c) === solutionId;
      continue;
    }
    if (inside && isGrade(c)) ids.push(gradeId(c));
  }
  return ids;
}

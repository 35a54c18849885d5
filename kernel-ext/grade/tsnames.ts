/**
 * Names a cell declares at its top level (values only: functions, classes, variables, enums, namespaces
 * and import bindings; no types), read from TypeScript's syntax tree. The guard pins them after a locked
 * cell so a later redefinition is found however it is written.
 */
import { loadTypeScript, type TypeScript } from "../kernel/typescript";

let ts: TypeScript | undefined;
export const typescript = (): TypeScript => (ts ??= loadTypeScript());

export function topLevelNames(src: string): string[] {
  const t = typescript();
  const sf = t.createSourceFile("cell.ts", src, t.ScriptTarget.Latest, false, t.ScriptKind.TS);
  const names: string[] = [];
  const bind = (n: import("@tslab/typescript-for-tslab").BindingName) => {
    if (t.isIdentifier(n)) names.push(n.text);
    else for (const e of n.elements) if (!t.isOmittedExpression(e)) bind(e.name);
  };
  for (const s of sf.statements) {
    if (t.isFunctionDeclaration(s) || t.isClassDeclaration(s) || t.isEnumDeclaration(s)) {
      if (s.name) names.push(s.name.text);
    } else if (t.isModuleDeclaration(s) && t.isIdentifier(s.name) && !(s.modifiers ?? []).some((m) => m.kind === t.SyntaxKind.DeclareKeyword)) {
      names.push(s.name.text);
    } else if (t.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) bind(d.name);
    } else if (t.isImportDeclaration(s) && s.importClause && !s.importClause.isTypeOnly) {
      const c = s.importClause;
      if (c.name) names.push(c.name.text);
      if (c.namedBindings && t.isNamespaceImport(c.namedBindings)) names.push(c.namedBindings.name.text);
      else if (c.namedBindings) for (const e of c.namedBindings.elements) if (!e.isTypeOnly) names.push(e.name.text);
    } else if (t.isImportEqualsDeclaration(s) && !s.isTypeOnly) names.push(s.name.text);
  }
  return [...new Set(names)];
}

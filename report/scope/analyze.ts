import ts from "typescript";

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface BlockAnalysis {
  /** Names the block declares at top level: variables (destructuring included), functions, classes, enums, imports. */
  declared: string[];
  /** The expression of the final statement, when that statement is an expression statement. */
  lastExpression?: { start: number; end: number; statementEnd: number };
  /** Local module specifiers (`./x`, `../x`) with their offsets, quotes excluded. */
  localSpecifiers: { start: number; end: number; specifier: string }[];
  /** Every other literal module specifier (bare names, `npm:`, URLs), quotes excluded. */
  otherSpecifiers: { start: number; end: number; specifier: string }[];
  /** Arguments of `import(…)` calls that are not string literals: they are resolved when the block runs. */
  computedImports: { start: number; end: number }[];
  /** Top-level import declarations (they must stay at module level). */
  imports: { start: number; end: number }[];
  /** `import.meta` expressions (the generated module is not the chapter, so they are redirected). */
  importMetas: { start: number; end: number }[];
  /** `export` (and `export default`) keywords of top-level declarations, which cannot stay in a function body. */
  exportKeywords: { start: number; end: number }[];
}

/** Finds a block's top-level bindings, final expression and relative imports; parses only, never type-checks. */
export function analyzeBlock(code: string): BlockAnalysis {
  const file = ts.createSourceFile("block.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const declared = new Set<string>();
  for (const statement of file.statements) for (const name of declaredNames(statement)) declared.add(name);
  const last = file.statements.at(-1);
  const lastExpression = last && ts.isExpressionStatement(last)
    ? { start: last.expression.getStart(file), end: last.expression.getEnd(), statementEnd: last.getEnd() }
    : undefined;
  const imports = file.statements.filter(ts.isImportDeclaration).map((statement) => ({
    start: statement.getStart(file),
    end: statement.getEnd(),
  }));
  return {
    declared: [...declared],
    lastExpression,
    ...moduleSpecifiers(file),
    imports,
    importMetas: importMetas(file),
    exportKeywords: exportKeywords(file),
  };
}

function declaredNames(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    if (hasDeclareModifier(statement)) return [];
    return statement.declarationList.declarations.flatMap((declaration) => bindingNames(declaration.name));
  }
  if (
    ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)
  ) {
    return statement.name && !hasDeclareModifier(statement) ? [statement.name.text] : [];
  }
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly) return [];
    const names = clause.name ? [clause.name.text] : [];
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) if (!element.isTypeOnly) names.push(element.name.text);
    }
    return names;
  }
  return [];
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) =>
    ts.isOmittedExpression(element) ? [] : bindingNames(element.name)
  );
}

function hasDeclareModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.DeclareKeyword);
}

type SpecifierAnalysis = Pick<BlockAnalysis, "localSpecifiers" | "otherSpecifiers" | "computedImports">;

function moduleSpecifiers(file: ts.SourceFile): SpecifierAnalysis {
  const found: SpecifierAnalysis = { localSpecifiers: [], otherSpecifiers: [], computedImports: [] };
  const record = (literal: ts.Node | undefined, typeOnly = false) => {
    if (!literal || !(ts.isStringLiteral(literal) || ts.isNoSubstitutionTemplateLiteral(literal))) {
      return false;
    }
    const specifier = literal.text;
    const at = { start: literal.getStart(file) + 1, end: literal.getEnd() - 1, specifier };
    if (specifier.startsWith("./") || specifier.startsWith("../")) found.localSpecifiers.push(at);
    else if (!typeOnly) found.otherSpecifiers.push(at);
    return true;
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly : node.isTypeOnly;
      record(node.moduleSpecifier, typeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const argument = node.arguments[0];
      if (argument && !record(argument)) {
        found.computedImports.push({ start: argument.getStart(file), end: argument.getEnd() });
      }
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) record(argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function importMetas(file: ts.SourceFile): BlockAnalysis["importMetas"] {
  const found: BlockAnalysis["importMetas"] = [];
  const visit = (node: ts.Node) => {
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      found.push({ start: node.getStart(file), end: node.getEnd() });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function exportKeywords(file: ts.SourceFile): BlockAnalysis["exportKeywords"] {
  const found: BlockAnalysis["exportKeywords"] = [];
  for (const statement of file.statements) {
    if (!ts.canHaveModifiers(statement)) continue;
    for (const modifier of ts.getModifiers(statement) ?? []) {
      if (modifier.kind === ts.SyntaxKind.ExportKeyword || modifier.kind === ts.SyntaxKind.DefaultKeyword) {
        found.push({ start: modifier.getStart(file), end: modifier.getEnd() });
      }
    }
  }
  return found;
}

/** Source text as one line of tokens separated by single spaces: comments and line breaks dropped. */
export function singleLine(text: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const tokens: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (
      kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia ||
      kind === ts.SyntaxKind.NewLineTrivia || kind === ts.SyntaxKind.WhitespaceTrivia
    ) continue;
    tokens.push(scanner.getTokenText());
  }
  return tokens.join(" ");
}

#!/usr/bin/env node
// Builds dist/openapi/definitions.json, the OpenAPI definitions of every Kubernetes type, from the
// declarations and JSDoc of kubernetes-types plus Wharf's tables of facts kubernetes-types lacks (list and
// patch semantics, integer formats). Runs after tsc: it imports those tables from the compiled tree.
// Definitions are written in Swagger 2.0 form (`$ref: '#/definitions/<name>'`); the runtime rewrites refs
// for OpenAPI 3.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const typesDir = path.join(root, 'node_modules', 'kubernetes-types');
const compiled = path.join(root, 'dist', 'src', 'api', 'openapi');
const { listSemantics, atomicStructs, semanticsExtensions } = await import(
  pathToFileURL(path.join(compiled, 'list-semantics.js')).href
);
const { int64Fields, doubleFields } = await import(pathToFileURL(path.join(compiled, 'number-formats.js')).href);

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** kubernetes-types module path (without .d.ts, relative to the package) -> upstream definition prefix. */
function prefixOf(modulePath) {
  if (modulePath === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  if (modulePath === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
  if (modulePath === 'version') return 'io.k8s.apimachinery.pkg.version';
  if (modulePath === 'meta/v1') return 'io.k8s.apimachinery.pkg.apis.meta.v1';
  if (modulePath.startsWith('apiextensions/')) {
    return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${modulePath.split('/')[1]}`;
  }
  return `io.k8s.api.${modulePath.replace('/', '.')}`;
}

function listModules(dir, rel = '') {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listModules(path.join(dir, entry.name), r));
    else if (entry.name.endsWith('.d.ts')) out.push(r.slice(0, -'.d.ts'.length));
  }
  return out.sort();
}

function docOf(node) {
  const docs = node.jsDoc;
  if (!docs || docs.length === 0) return undefined;
  const text = ts.getTextOfJSDocComment(docs[docs.length - 1].comment);
  return text ? text.trim() : undefined;
}

/** Splits `apps/v1` into group and version; `v1` is the core group. */
function groupVersion(apiVersion) {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

function literalOf(typeNode) {
  if (typeNode && ts.isLiteralTypeNode(typeNode) && ts.isStringLiteral(typeNode.literal)) return typeNode.literal.text;
  return undefined;
}

const definitions = {};

// Wharf's own API types declared the way kubernetes-types declares them (importing from kubernetes-types by
// package path), read with the same rules.
const wharfTypes = [
  {
    file: path.join(root, 'src', 'api', 'resources', 'servicecatalog', 'types.ts'),
    modulePath: 'servicecatalog',
    prefix: 'com.github.kubernetes-sigs.service-catalog.pkg.apis.servicecatalog.v1beta1',
  },
];
const sources = [
  ...listModules(typesDir).map((modulePath) => ({ file: path.join(typesDir, `${modulePath}.d.ts`), modulePath, prefix: prefixOf(modulePath) })),
  ...wharfTypes,
];

for (const { file, modulePath, prefix } of sources) {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  // Names this module may use -> their definition names (its own declarations and its imports).
  const scope = new Map();
  for (const stmt of source.statements) {
    if (ts.isImportDeclaration(stmt) && stmt.importClause?.namedBindings && ts.isNamedImports(stmt.importClause.namedBindings)) {
      const specifier = stmt.moduleSpecifier.text;
      const target = specifier.startsWith('kubernetes-types/')
        ? specifier.slice('kubernetes-types/'.length).replace(/\.js$/, '')
        : path.posix.normalize(path.posix.join(path.posix.dirname(modulePath), specifier));
      for (const el of stmt.importClause.namedBindings.elements) {
        scope.set(el.name.text, `${prefixOf(target)}.${(el.propertyName ?? el.name).text}`);
      }
    } else if ((ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt)) && stmt.name) {
      scope.set(stmt.name.text, `${prefix}.${stmt.name.text}`);
    }
  }

  /** The schema of a TypeScript type; `numberFormat` says how a `number` here is encoded. */
  function schemaOf(typeNode, numberFormat) {
    switch (typeNode.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.NumberKeyword:
        if (numberFormat === 'double') return { type: 'number', format: 'double' };
        return { type: 'integer', format: numberFormat };
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.UnknownKeyword:
      case ts.SyntaxKind.ObjectKeyword:
        return { type: 'object' };
    }
    if (ts.isLiteralTypeNode(typeNode)) return { type: 'string' };
    if (ts.isParenthesizedTypeNode(typeNode)) return schemaOf(typeNode.type, numberFormat);
    if (ts.isArrayTypeNode(typeNode)) return { type: 'array', items: schemaOf(typeNode.elementType, numberFormat) };
    if (ts.isUnionTypeNode(typeNode)) {
      const kinds = typeNode.types.map((t) => t.kind).sort();
      if (kinds.length === 2 && kinds.includes(ts.SyntaxKind.NumberKeyword) && kinds.includes(ts.SyntaxKind.StringKeyword)) {
        return { $ref: `#/definitions/${INT_OR_STRING}` };
      }
      return {};
    }
    if (ts.isTypeLiteralNode(typeNode)) {
      const index = typeNode.members.find(ts.isIndexSignatureDeclaration);
      if (index) return { type: 'object', additionalProperties: schemaOf(index.type, numberFormat) };
      return { type: 'object' };
    }
    if (ts.isTypeReferenceNode(typeNode)) {
      const name = typeNode.typeName.getText(source);
      if (name === 'Array' && typeNode.typeArguments?.length === 1) {
        return { type: 'array', items: schemaOf(typeNode.typeArguments[0], numberFormat) };
      }
      const target = scope.get(name);
      if (!target) throw new Error(`${modulePath}: unresolved type ${name}`);
      return { $ref: `#/definitions/${target}` };
    }
    throw new Error(`${modulePath}: unsupported type ${ts.SyntaxKind[typeNode.kind]}`);
  }

  for (const stmt of source.statements) {
    if (ts.isTypeAliasDeclaration(stmt)) {
      const name = `${prefix}.${stmt.name.text}`;
      const def = { description: docOf(stmt) };
      // Only string aliases (Quantity, Time, MicroTime) have a JSON type; unions such as
      // JSONSchemaPropsOrBool are left untyped, as upstream does.
      if (stmt.type.kind === ts.SyntaxKind.StringKeyword) def.type = 'string';
      definitions[name] = def;
      continue;
    }
    if (!ts.isInterfaceDeclaration(stmt)) continue;
    const name = `${prefix}.${stmt.name.text}`;
    const def = { description: docOf(stmt), type: 'object' };
    const properties = {};
    const required = [];
    let apiVersion;
    let kind;
    const semantics = listSemantics[name] ?? {};
    const int64 = new Set(int64Fields[name] ?? []);
    const doubles = new Set(doubleFields[name] ?? []);
    for (const member of stmt.members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const field = member.name.getText(source);
      if (field === 'apiVersion') apiVersion = literalOf(member.type);
      if (field === 'kind') kind = literalOf(member.type);
      const format = doubles.has(field) ? 'double' : int64.has(field) ? 'int64' : 'int32';
      const schema = schemaOf(member.type, format);
      const prop = { description: docOf(member), ...schema };
      if (semantics[field]) Object.assign(prop, semanticsExtensions(semantics[field]));
      properties[field] = prop;
      if (!member.questionToken) required.push(field);
    }
    if (Object.keys(properties).length > 0) def.properties = properties;
    if (required.length > 0) def.required = required;
    if (atomicStructs.has(name)) def['x-kubernetes-map-type'] = 'atomic';
    if (apiVersion && kind) def['x-kubernetes-group-version-kind'] = [{ ...groupVersion(apiVersion), kind }];
    definitions[name] = def;
  }
}

// Types that kubernetes-types inlines or declares without their wire encoding.
definitions[INT_OR_STRING] = {
  description: 'IntOrString holds either an int32 or a string; JSON carries whichever it holds, unquoted or quoted.',
  type: 'string',
  format: 'int-or-string',
  'x-kubernetes-int-or-string': true,
};
for (const t of ['Time', 'MicroTime']) {
  Object.assign(definitions[`io.k8s.apimachinery.pkg.apis.meta.v1.${t}`], { type: 'string', format: 'date-time' });
}
// Empty-bodied interfaces whose values are arbitrary JSON.
delete definitions['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON'].type;
// Status has no literal apiVersion/kind in kubernetes-types, but the apiserver serves it as core v1.
definitions['io.k8s.apimachinery.pkg.apis.meta.v1.Status']['x-kubernetes-group-version-kind'] = [
  { group: '', kind: 'Status', version: 'v1' },
];

// Drop undefined descriptions so the file holds plain JSON values only.
const sorted = {};
for (const name of Object.keys(definitions).sort()) sorted[name] = definitions[name];
const outDir = path.join(root, 'dist', 'openapi');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'definitions.json'), JSON.stringify(sorted));
console.log(`gen-openapi: ${Object.keys(sorted).length} definitions -> ${path.relative(root, outDir)}/definitions.json`);

#!/usr/bin/env node
'use strict';
/**
 * Kafka message codegen: reads Apache Kafka's JSON message definitions (the source of truth, see
 * ../shared/kafka-protocol/README.md) and writes src/adapters/kafka/protocol/messages.generated.ts:
 *   - MESSAGE_SCHEMAS: the schema table (data, not code) that the runtime codec interprets,
 *     commonStructs resolved inline;
 *   - one TypeScript interface per message and per nested struct, covering every field of every version;
 *   - API_KEY (name -> api key) and ApiMessages (api key -> request/response interfaces).
 * The output is deterministic (files sorted by name, fields in wire order) so it can be committed and a
 * fresh clone builds without ../shared.
 *
 * Usage: node scripts/codegen.js <dir-of-json> [out-file]
 */
const fs = require('fs');
const path = require('path');

const PRIMITIVES = new Set([
  'bool', 'int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'float64', 'uuid', 'string', 'bytes', 'records',
]);

/** The files are JSON plus whole-line `//` comments (README: "Syntax"). */
function parseDefinition(text, file) {
  const json = text.split('\n').filter((line) => !/^\s*\/\//.test(line)).join('\n');
  try {
    return JSON.parse(json);
  } catch (err) {
    throw new Error(`${file}: ${err.message}`);
  }
}

function elementType(type) {
  return type.startsWith('[]') ? type.slice(2) : type;
}

function isStructType(type) {
  return !PRIMITIVES.has(elementType(type));
}

/** Inline commonStructs so the runtime never needs to look a struct up by name. */
function resolveFields(fields, common, file, seen) {
  return fields.map((f) => {
    const out = { ...f };
    if (isStructType(f.type)) {
      const structName = elementType(f.type);
      if (!f.fields) {
        const c = common.get(structName);
        if (!c) throw new Error(`${file}: field ${f.name} has unknown struct type ${structName}`);
        if (seen.has(structName)) throw new Error(`${file}: recursive struct ${structName}`);
        out.fields = resolveFields(c.fields, common, file, new Set([...seen, structName]));
      } else {
        out.fields = resolveFields(f.fields, common, file, seen);
      }
    } else if (f.fields) {
      throw new Error(`${file}: primitive field ${f.name} has nested fields`);
    }
    return out;
  });
}

function quote(s) {
  return `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function literal(v) {
  if (v === null) return 'null';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`unsupported literal ${JSON.stringify(v)}`);
}

const FIELD_KEYS = [
  'versions', 'nullableVersions', 'taggedVersions', 'tag', 'default', 'ignorable', 'flexibleVersions', 'mapKey', 'entityType',
];

function emitFields(fields, indent, out) {
  for (const f of fields) {
    const parts = [`name: ${quote(f.name)}`, `type: ${quote(f.type)}`];
    for (const k of FIELD_KEYS) if (k in f) parts.push(`${k}: ${literal(f[k])}`);
    if (f.fields) {
      out.push(`${indent}{ ${parts.join(', ')}, fields: [`);
      emitFields(f.fields, indent + '  ', out);
      out.push(`${indent}] },`);
    } else {
      out.push(`${indent}{ ${parts.join(', ')} },`);
    }
  }
}

function camel(name) {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function hasVersions(range) {
  return range !== undefined && range !== 'none';
}

function docLine(text) {
  return text ? text.replace(/\*\//g, '* /').replace(/\s+/g, ' ').trim() : '';
}

/** Nested interface names: `JoinGroupResponse` + `Member`, unless the struct already carries the prefix. */
function interfaceName(messageName, structName) {
  return structName.startsWith(messageName) ? structName : messageName + structName;
}

function tsType(field, messageName) {
  const nullable = hasVersions(field.nullableVersions);
  const el = elementType(field.type);
  let base;
  switch (el) {
    case 'bool': base = 'boolean'; break;
    case 'int8': case 'int16': case 'int32': case 'uint16': case 'uint32': case 'float64': base = 'number'; break;
    case 'int64': base = 'bigint'; break;
    case 'uuid': case 'string': base = 'string'; break;
    case 'bytes': base = 'Buffer'; break;
    case 'records': base = 'Buffer'; break;
    default: base = interfaceName(messageName, el);
  }
  const isArray = field.type.startsWith('[]');
  let t = isArray ? `${base}[]` : base;
  // records default to null (README "Defaults"), so they can always be null.
  if (nullable || (!isArray && el === 'records')) t += ' | null';
  return t;
}

function emitInterfaces(def, out) {
  const flexible = hasVersions(def.flexibleVersions);
  const emitted = new Map();
  const queue = [{ name: def.name, fields: def.fields, doc: `${def.name} (${def.type}${def.apiKey !== undefined ? `, api key ${def.apiKey}` : ''}, versions ${def.validVersions}).` }];
  while (queue.length) {
    const { name, fields, doc } = queue.shift();
    const signature = JSON.stringify(fields.map((f) => [f.name, f.type]));
    if (emitted.has(name)) {
      if (emitted.get(name) !== signature) throw new Error(`${def.name}: two different structs named ${name}`);
      continue;
    }
    emitted.set(name, signature);
    out.push('');
    out.push(`/** ${docLine(doc)} */`);
    out.push(`export interface ${name} {`);
    for (const f of fields) {
      const notes = [`versions ${f.versions}`];
      if (hasVersions(f.nullableVersions)) notes.push(`nullable ${f.nullableVersions}`);
      if (f.tag !== undefined) notes.push(`tag ${f.tag} in ${f.taggedVersions}`);
      if (f.default !== undefined) notes.push(`default ${JSON.stringify(f.default)}`);
      const about = docLine(f.about);
      out.push(`  /** ${about ? about + ' ' : ''}(${notes.join('; ')}) */`);
      out.push(`  ${camel(f.name)}: ${tsType(f, def.name)};`);
      if (f.fields) {
        queue.push({ name: interfaceName(def.name, elementType(f.type)), fields: f.fields, doc: `${elementType(f.type)} of ${def.name}.` });
      }
    }
    if (flexible) out.push('  _unknownTaggedFields?: TaggedField[];');
    out.push('}');
  }
}

function main() {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node scripts/codegen.js <dir-of-json> [out-file]\n');
    process.exit(2);
  }
  const outFile = process.argv[3] || path.join(__dirname, '..', 'src', 'adapters', 'kafka', 'protocol', 'messages.generated.ts');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const defs = files.map((file) => {
    const raw = parseDefinition(fs.readFileSync(path.join(dir, file), 'utf8'), file);
    const common = new Map((raw.commonStructs || []).map((c) => [c.name, c]));
    return { ...raw, fields: resolveFields(raw.fields, common, file, new Set()) };
  });

  const out = [];
  out.push('// Generated by scripts/codegen.js from Apache Kafka\'s message definitions');
  out.push('// (../shared/kafka-protocol/messages, Apache License 2.0). Do not edit: run `npm run codegen`.');
  out.push('/* eslint-disable */');
  out.push("import type { MessageSchema, TaggedField } from './schema';");
  out.push('');
  out.push('/** Every message definition, commonStructs resolved inline. Interpreted by message-codec.ts. */');
  out.push('export const MESSAGE_SCHEMAS: readonly MessageSchema[] = [');
  for (const d of defs) {
    const head = [`name: ${quote(d.name)}`, `type: ${quote(d.type)}`];
    if (d.apiKey !== undefined) head.push(`apiKey: ${d.apiKey}`);
    head.push(`validVersions: ${quote(d.validVersions)}`, `flexibleVersions: ${quote(d.flexibleVersions)}`);
    if (d.deprecatedVersions !== undefined) head.push(`deprecatedVersions: ${quote(d.deprecatedVersions)}`);
    if (d.latestVersionUnstable !== undefined) head.push(`latestVersionUnstable: ${d.latestVersionUnstable}`);
    out.push('  {');
    out.push(`    ${head.join(', ')},`);
    out.push('    fields: [');
    emitFields(d.fields, '      ', out);
    out.push('    ],');
    out.push('  },');
  }
  out.push('];');

  const apis = defs.filter((d) => d.type === 'request').map((d) => {
    const base = d.name.replace(/Request$/, '');
    const resp = defs.find((r) => r.type === 'response' && r.apiKey === d.apiKey);
    if (!resp) throw new Error(`no response for ${d.name}`);
    return { base, apiKey: d.apiKey, request: d.name, response: resp.name };
  }).sort((a, b) => a.apiKey - b.apiKey);

  out.push('');
  out.push('/** Api keys by API name (`API_KEY.JoinGroup === 11`). */');
  out.push('export const API_KEY = {');
  for (const a of apis) out.push(`  ${a.base}: ${a.apiKey},`);
  out.push('} as const;');
  out.push('');
  out.push('export type ApiName = keyof typeof API_KEY;');
  out.push('');
  out.push('/** Request and response body types by api key. */');
  out.push('export interface ApiMessages {');
  for (const a of apis) out.push(`  ${a.apiKey}: { request: ${a.request}; response: ${a.response} };`);
  out.push('}');

  for (const d of defs) emitInterfaces(d, out);

  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, out.join('\n') + '\n');
  process.stdout.write(`codegen: ${defs.length} definitions -> ${path.relative(process.cwd(), outFile)}\n`);
}

main();

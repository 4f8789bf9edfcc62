import { z } from 'zod';
import type { AnyNodeDefinition } from '../../core/common';

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  default?: unknown;
  description?: string;
  title?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  widget?: string;
  extensions?: string[];
  /** A file the node writes (an export target), not one it reads. */
  save?: boolean;
  showIf?: Record<string, unknown[]>;
  required?: boolean;
};

/** What every form field carries besides its control. */
interface FieldCommon {
  key: string;
  doc?: string;
  optional: boolean;
  /** The node cannot run without a value (marked in the form). */
  required?: boolean;
  /** Shown only while each named param has one of the listed values. */
  showIf?: Record<string, unknown[]>;
}

/** One form control, derived from a node's zod params. */
export type ParamField = FieldCommon &
  (
    | {
        kind: 'number';
        key: string;
        integer: boolean;
        min?: number;
        max?: number;
        step?: number;
        default?: number;
        doc?: string;
        optional: boolean;
      }
    | { kind: 'enum'; key: string; options: string[]; default?: string; doc?: string; optional: boolean }
    | { kind: 'boolean'; key: string; default?: boolean; doc?: string; optional: boolean }
    | { kind: 'string'; key: string; default?: string; doc?: string; optional: boolean }
    | {
        kind: 'file';
        key: string;
        extensions?: string[];
        save?: boolean;
        default?: string;
        doc?: string;
        optional: boolean;
      }
    | { kind: 'json'; key: string; default?: unknown; doc?: string; optional: boolean }
    /** A column of the node's input table (`.meta({ widget: 'column' })`). */
    | { kind: 'column'; key: string; default?: string; doc?: string; optional: boolean }
    /** Several columns of the node's input table (`.meta({ widget: 'columns' })`). */
    | { kind: 'columns'; key: string; doc?: string; optional: boolean }
  );

const cache = new Map<string, ParamField[]>();

function unwrapNullable(s: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const rest = alts.filter((a) => a.type !== 'null');
    if (rest.length === 1) return { schema: { ...rest[0], ...pick(s) }, nullable: rest.length !== alts.length };
    if (rest.every((a) => a.const !== undefined))
      return { schema: { ...pick(s), enum: rest.map((a) => a.const) }, nullable: rest.length !== alts.length };
  }
  return { schema: s, nullable: false };
}

function pick(s: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  if (s.default !== undefined) out.default = s.default;
  if (s.description !== undefined) out.description = s.description;
  if (s.widget !== undefined) out.widget = s.widget;
  if (s.extensions !== undefined) out.extensions = s.extensions;
  if (s.save !== undefined) out.save = s.save;
  if (s.showIf !== undefined) out.showIf = s.showIf;
  if (s.required !== undefined) out.required = s.required;
  return out;
}

/** Turns one JSON Schema property into a form field. */
export function fieldFor(key: string, raw: JsonSchema, required: boolean): ParamField {
  const { schema: s, nullable } = unwrapNullable(raw);
  const optional = nullable || !required || s.default !== undefined;
  const doc = s.description ?? raw.description;
  const showIf = s.showIf ?? raw.showIf;
  const base = {
    key,
    optional,
    ...(doc ? { doc } : {}),
    ...(showIf ? { showIf } : {}),
    ...((s.required ?? raw.required) === true || !optional ? { required: true } : {}),
  };
  if (s.enum && s.enum.every((v) => typeof v === 'string')) {
    return { kind: 'enum', ...base, options: s.enum, ...(typeof s.default === 'string' ? { default: s.default } : {}) };
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'number' || type === 'integer') {
    const min = s.minimum ?? s.exclusiveMinimum;
    const max = s.maximum ?? s.exclusiveMaximum;
    return {
      kind: 'number',
      ...base,
      integer: type === 'integer',
      ...(min !== undefined && Number.isFinite(min) && Math.abs(min) < Number.MAX_SAFE_INTEGER ? { min } : {}),
      ...(max !== undefined && Number.isFinite(max) && Math.abs(max) < Number.MAX_SAFE_INTEGER ? { max } : {}),
      ...(s.multipleOf ? { step: s.multipleOf } : {}),
      ...(typeof s.default === 'number' ? { default: s.default } : {}),
    };
  }
  if (type === 'boolean')
    return { kind: 'boolean', ...base, ...(typeof s.default === 'boolean' ? { default: s.default } : {}) };
  if (type === 'string' && s.widget === 'column')
    return { kind: 'column', ...base, ...(typeof s.default === 'string' ? { default: s.default } : {}) };
  if (type === 'array' && s.widget === 'columns') return { kind: 'columns', ...base };
  if (type === 'string' && s.widget === 'file') {
    return {
      kind: 'file',
      ...base,
      ...(s.extensions ? { extensions: s.extensions } : {}),
      ...(s.save === true ? { save: true } : {}),
      ...(typeof s.default === 'string' ? { default: s.default } : {}),
    };
  }
  if (type === 'string')
    return { kind: 'string', ...base, ...(typeof s.default === 'string' ? { default: s.default } : {}) };
  return { kind: 'json', ...base, ...(s.default !== undefined ? { default: s.default } : {}) };
}

/** Whether a field applies under the node's current params (its `showIf` choices). */
export function fieldApplies(field: ParamField, params: Record<string, unknown>, fields: ParamField[]): boolean {
  if (!field.showIf) return true;
  return Object.entries(field.showIf).every(([k, allowed]) => {
    const other = fields.find((f) => f.key === k);
    const v = params[k] ?? (other && 'default' in other ? other.default : undefined);
    return allowed.includes(v);
  });
}

/** The node's fields split into the basic ones (in the definition's order) and the advanced rest. */
export function splitFields(def: AnyNodeDefinition): { basic: ParamField[]; advanced: ParamField[] } {
  const fields = paramFields(def);
  if (!def.basic) return { basic: fields, advanced: [] };
  const basic = def.basic.flatMap((k) => fields.filter((f) => f.key === k));
  return { basic, advanced: fields.filter((f) => !def.basic?.includes(f.key)) };
}

/** The form for a node type: one field per param, from `z.toJSONSchema` of its zod schema (cached). */
export function paramFields(def: AnyNodeDefinition): ParamField[] {
  const hit = cache.get(def.type);
  if (hit) return hit;
  let schema: JsonSchema & { required?: string[] };
  try {
    schema = z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }) as JsonSchema & {
      required?: string[];
    };
  } catch {
    schema = {};
  }
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([key, prop]) => fieldFor(key, prop, required.has(key)));
  cache.set(def.type, fields);
  return fields;
}

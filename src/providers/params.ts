import { type OutputUnit, type Schema, Validator } from "@cfworker/json-schema";

/**
 * JSON Schema validation of model params with @cfworker/json-schema, which interprets schemas
 * instead of compiling them (Workers forbid eval and new Function).
 */
export function paramsError(schema: Record<string, unknown>, params: Record<string, unknown>): string | null {
  const result = new Validator(schema as Schema, "2020-12", false).validate(params);
  if (result.valid) return null;
  return describe(result.errors);
}

/**
 * Checks the params a job passes to its model as Eluvio's tagger does: the keys the schema
 * declares must satisfy it; keys it does not declare are not judged and go to the provider
 * unchanged (clients send provider-specific keys the catalog does not describe).
 */
export function declaredParamsError(schema: Record<string, unknown>, params: Record<string, unknown>): string | null {
  const properties = schema.properties;
  if (typeof properties !== "object" || properties === null) return paramsError(schema, params);
  const declared = Object.fromEntries(Object.entries(params).filter(([k]) => Object.hasOwn(properties, k)));
  return paramsError(schema, declared);
}

/** The most specific error, named by its field: `threshold: ...` rather than the schema's summary. */
function describe(errors: OutputUnit[]): string {
  const path = (loc: string) => loc.replace(/^#\/?/, "").replace(/\//g, ".");
  for (const e of errors) {
    const unknown = /Property "([^"]+)" does not match additional properties schema/.exec(e.error);
    if (unknown) return `${path(e.instanceLocation) ? `${path(e.instanceLocation)}.` : ""}${unknown[1]}: unknown parameter`;
  }
  const leaf = [...errors].sort((a, b) => depth(b) - depth(a))[0]!;
  return `${path(leaf.instanceLocation) || "(params)"}: ${leaf.error}`;
}

const depth = (e: OutputUnit) => (e.instanceLocation.match(/\//g) ?? []).length;

const JSON_TYPES = new Set(["object", "array", "string", "number", "integer", "boolean", "null"]);

function badTypes(node: unknown, at: string): string | null {
  if (typeof node !== "object" || node === null) return null;
  const n = node as Record<string, unknown>;
  if ("type" in n) {
    const types = Array.isArray(n.type) ? n.type : [n.type];
    const wrong = types.find((t) => typeof t !== "string" || !JSON_TYPES.has(t));
    if (wrong !== undefined) return `${at || "(root)"}: type ${JSON.stringify(wrong)} is not a JSON Schema type`;
  }
  for (const key of ["properties", "$defs", "patternProperties"]) {
    const children = n[key];
    if (typeof children === "object" && children !== null) {
      for (const [name, child] of Object.entries(children)) {
        const problem = badTypes(child, `${at}${at ? "." : ""}${name}`);
        if (problem) return problem;
      }
    }
  }
  for (const key of ["items", "additionalProperties"]) {
    const problem = badTypes(n[key], `${at}[${key}]`);
    if (problem) return problem;
  }
  return null;
}

/** A `$ref` that does not point inside the schema (the validator would fail on it only at use). */
function unresolvedRef(node: unknown, root: Record<string, unknown>): string | null {
  if (typeof node !== "object" || node === null) return null;
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref") {
      if (typeof value !== "string" || !pointsInside(root, value)) return String(value);
    } else {
      const found = unresolvedRef(value, root);
      if (found) return found;
    }
  }
  return null;
}

function pointsInside(root: Record<string, unknown>, ref: string): boolean {
  if (ref === "#") return true;
  if (!ref.startsWith("#/")) return false;
  let at: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof at !== "object" || at === null || !(key in at)) return false;
    at = (at as Record<string, unknown>)[key];
  }
  return true;
}

/**
 * Whether a schema can be used for model params (an admin's typo should fail at PUT, not at
 * every job): an object schema whose types are JSON types and whose references resolve. The
 * validator itself does not check schemas, so this does the checks that matter here.
 */
export function schemaProblem(schema: Record<string, unknown>): string | null {
  if (schema.type !== "object") return `the schema must describe an object (type "object"), not ${JSON.stringify(schema.type ?? null)}`;
  const types = badTypes(schema, "");
  if (types) return types;
  const ref = unresolvedRef(schema, schema);
  if (ref) return `Unresolved $ref ${JSON.stringify(ref)}: only references inside the schema ("#/...") are allowed`;
  try {
    new Validator(schema as Schema, "2020-12", false).validate({});
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.split("\n")[0]! : "unusable schema";
  }
}

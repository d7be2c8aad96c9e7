/**
 * RFC 8785 JSON Canonicalization Scheme for the values statements are made of.
 *
 * Statements hold strings, integers, booleans, null, arrays and objects. For those, JCS is:
 * object members sorted by their UTF-16 code units, no insignificant white space, and
 * ECMAScript's own serialisation of strings and numbers (RFC 8785 §3.2.2), which
 * `JSON.stringify` already is. Anything JSON cannot carry faithfully is refused.
 */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * @throws {TypeError} for values JSON cannot represent exactly (undefined, non-finite numbers,
 *   functions, lone surrogates, cycles).
 */
export function canonicalize(value: unknown): string {
  return serialize(value, new Set());
}

const LONE_SURROGATE = /\p{Surrogate}/u;

function serialize(value: unknown, path: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value))
        throw new TypeError('canonical JSON cannot hold a non-finite number');
      return JSON.stringify(value);
    case 'string':
      // RFC 8785 §3.2.2.2 requires well-formed UTF-16: a lone surrogate has no UTF-8 form.
      if (LONE_SURROGATE.test(value) && !value.isWellFormed()) {
        throw new TypeError('canonical JSON cannot hold a lone surrogate');
      }
      return JSON.stringify(value);
    case 'object': {
      if (path.has(value)) throw new TypeError('canonical JSON cannot hold a cycle');
      path.add(value);
      let out: string;
      if (Array.isArray(value)) {
        out = `[${value.map((item) => serialize(item, path)).join(',')}]`;
      } else {
        const members = Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        out = `{${members.map(([k, v]) => `${serialize(k, path)}:${serialize(v, path)}`).join(',')}}`;
      }
      path.delete(value);
      return out;
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}

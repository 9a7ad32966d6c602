/**
 * RFC 7396 merge patch, with one addition the reference makes: arrays of objects that carry
 * an `id` are merged element by element (matched by id) instead of replaced, so a patch can
 * change one agent in `agents.list` without restating the others.
 */
type Json = unknown;

/** Keys that would reach an object's prototype instead of becoming data. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === "object" && !Array.isArray(v);
const hasIds = (v: Json): v is Record<string, Json>[] => Array.isArray(v) && v.length > 0 && v.every((e) => isObject(e) && typeof e.id === "string");

export function mergePatch(target: Json, patch: Json): Json {
  if (hasIds(target) && hasIds(patch)) {
    const merged = target.map((item) => {
      const change = patch.find((p) => p.id === item.id);
      return change ? mergePatch(item, change) : item;
    });
    for (const item of patch) if (!target.some((t) => t.id === item.id)) merged.push(mergePatch({}, item) as Record<string, Json>);
    return merged;
  }
  if (!isObject(patch)) return patch;
  const result: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

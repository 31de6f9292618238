// Small helpers for grouping rows in memory.

/**
 * Append `item` to the list kept under `key`. Grouping with `map.set(k, [...(map.get(k) ?? []), v])`
 * copies the list on every row: quadratic, and a 10,000-value lookup spent 100 ms in it.
 */
export function addTo<K, V>(map: Map<K, V[]>, key: K, item: V): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

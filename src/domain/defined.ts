/**
 * `T` with each property that may be undefined made optional instead: the shape `exactOptionalPropertyTypes` accepts
 * for an object built from values that may be missing (parsed JSON, optional inputs).
 */
export type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** The object without its undefined properties (a missing value is an absent key, not a key set to undefined). */
export function definedOnly<T extends object>(o: T): Defined<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Defined<T>;
}

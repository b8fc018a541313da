/**
 * Dotted field paths into a generated spec type, checked by tsc: `FieldPath<BackendTrafficPolicySpec>` is the union
 * `'timeout' | 'timeout.http' | 'timeout.http.requestTimeout' | ...`, and `FieldAt<Spec, P>` the type of the field at P.
 * Paths go through nested objects whose fields are all optional (not arrays, not maps) and stop at three segments,
 * which covers every field a policy fragment sets; the union stays small enough for tsc.
 */

/** Declared keys of T; none for a map (an index signature would turn every string into a path). */
type Keys<T> = string extends keyof T ? never : keyof T & string

/**
 * A nested object a path may go through: not an array, not a primitive, and none of its fields required. Setting
 * `loadBalancer.consistentHash` would create a loadBalancer without its required `type`, which the API server refuses
 * (such a field is set whole, by its parent's path).
 */
type Nested<V> = V extends readonly unknown[] ? never : V extends object ? ({} extends V ? V : never) : never

type Depth = [never, 0, 1, 2]

type PathsUpTo<T, D extends number> = [D] extends [never]
  ? never
  : {[K in Keys<T>]-?: K | (Nested<NonNullable<T[K]>> extends never ? never : `${K}.${PathsUpTo<Nested<NonNullable<T[K]>>, Depth[D]>}`)}[Keys<T>]

/** Every field path of T, at most three segments deep. */
export type FieldPath<T> = PathsUpTo<T, 3>

/** The (non-null) type of the field of T at path P. */
export type FieldAt<T, P extends string> = P extends `${infer H}.${infer R}`
  ? H extends Keys<T>
    ? FieldAt<NonNullable<T[H]>, R>
    : never
  : P extends Keys<T>
    ? NonNullable<T[P]>
    : never

/**
 * `<list>.<type>`: an item of a top-level list of typed entries (BackendTrafficPolicy `compression.Gzip`), the form
 * mergeWithGatewayPolicies opts a single entry out by.
 */
export type ListItemPath<T> = {
  [K in Keys<T>]-?: NonNullable<T[K]> extends readonly (infer I)[] ? (I extends {type?: infer U} ? `${K}.${U & string}` : never) : never
}[Keys<T>]

import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

const make = (d1: D1Database) => drizzle(d1, { schema });
export type Db = ReturnType<typeof make>;

/**
 * One drizzle instance per D1 binding, kept for the isolate's life: building one walks the whole
 * schema (its relational config), which was a visible share of a short request's time.
 */
const instances = new WeakMap<D1Database, Db>();

export function db(env: Env): Db {
  let d = instances.get(env.DB);
  if (!d) instances.set(env.DB, (d = make(env.DB)));
  return d;
}

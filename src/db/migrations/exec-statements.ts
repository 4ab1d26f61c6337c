// Runs a block of DDL one statement at a time (PGlite's extended protocol takes one command per query).
import { sql, type Kysely } from 'kysely';

export async function execStatements(db: Kysely<unknown>, ddl: string): Promise<void> {
  const statements = ddl.split(/;\s*(?:\n|$)/).map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter(Boolean);
  for (const statement of statements) await sql.raw(statement).execute(db);
}

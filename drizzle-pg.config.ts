/** drizzle-kit settings for PostgreSQL: `npx drizzle-kit generate --config drizzle-pg.config.ts` writes server/db/migrations-pg from schema-pg.ts (itself derived from schema.ts). */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema-pg.ts',
  out: './server/db/migrations-pg',
});

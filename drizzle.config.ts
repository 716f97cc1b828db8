/** drizzle-kit settings: `npx drizzle-kit generate` writes server/db/migrations from server/db/schema.ts. */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './server/db/schema.ts',
  out: './server/db/migrations',
});

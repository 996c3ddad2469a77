import { defineConfig } from "drizzle-kit";

/** The PostgreSQL schema and its migrations, beside the SQLite ones (drizzle.config.ts). */
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/pg/schema.ts",
  out: "./db/pg/migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://localhost/glm_chat" },
});

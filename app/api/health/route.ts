import { databaseHealthy } from "@/db";

export const dynamic = "force-dynamic";

export function GET() {
  return databaseHealthy()
    ? Response.json({ status: "ok" })
    : Response.json({ status: "unavailable", reason: "database" }, { status: 503 });
}

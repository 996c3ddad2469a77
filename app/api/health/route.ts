import { databaseHealthy } from "@/db";

export const dynamic = "force-dynamic";

export async function GET() {
  return (await databaseHealthy())
    ? Response.json({ status: "ok" })
    : Response.json({ status: "unavailable", reason: "database" }, { status: 503 });
}

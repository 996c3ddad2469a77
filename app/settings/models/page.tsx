import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { ModelsPanel } from "@/components/settings/models-panel";
import { isAdmin } from "@/lib/auth/admin";
import { requireUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { modelCatalogue } from "@/lib/model-catalogue";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("models") };
}
export const dynamic = "force-dynamic";

/** The model catalogue, for admins; anyone else gets the same 404 as a page that does not exist. */
export default async function ModelsPage() {
  const user = await requireUser();
  if (!(await isAdmin(user))) notFound();
  const models = await modelCatalogue();
  return <ModelsPanel initial={[...models.all]} provisioned={Boolean(config().modelsFile)} />;
}

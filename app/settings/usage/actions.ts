"use server";

import { z } from "zod";
import { getDb } from "@/db";
import * as R from "@/db/queries/usage-report";
import { adminAction, userAction } from "@/lib/actions";
import { modelCatalogue } from "@/lib/model-catalogue";
import { USAGE_RANGES } from "@/lib/usage/ranges";

const PAGE_SIZE = 25;

const ReportInput = z.object({
  days: z.literal(USAGE_RANGES),
  offsetMinutes: z
    .number()
    .int()
    .min(-14 * 60)
    .max(14 * 60),
});
const PageInput = z.object({ page: z.number().int().min(0).max(10_000) });
/** The catalogue's names (disabled ones too) are charted as they are; anything else a client sent is "unknown model". */
const report = async ({ days, offsetMinutes }: z.output<typeof ReportInput>) => ({
  range: R.lastDays(days, offsetMinutes),
  knownModels: (await modelCatalogue()).all.map((m) => m.id),
});

/** The signed-in user's own usage. */
export const usageReportAction = userAction(ReportInput, async (input, user) => {
  const db = getDb();
  const o = { ...(await report(input)), userId: user.id };
  const [daily, byModel, byKey] = await Promise.all([R.dailyUsage(db, o), R.usageByModel(db, o), R.usageByKey(db, o)]);
  return { days: o.range.days, daily, byModel, byKey };
});

/** Everyone's usage: admins only. */
export const everyonesUsageReportAction = adminAction(ReportInput, async (input) => {
  const db = getDb();
  const o = await report(input);
  const [daily, byModel, byKey, byPerson] = await Promise.all([
    R.dailyUsageAsAdmin(db, o),
    R.usageByModelAsAdmin(db, o),
    R.usageByKeyAsAdmin(db, o),
    R.usageByPersonAsAdmin(db, o),
  ]);
  return { days: o.range.days, daily, byModel, byKey, byPerson };
});

export const recentRequestsAction = userAction(PageInput, async ({ page }, user) => ({
  ...(await R.recentRequests(getDb(), { userId: user.id, page, size: PAGE_SIZE })),
  page,
}));

export const everyonesRecentRequestsAction = adminAction(PageInput, async ({ page }) => ({
  ...(await R.recentRequestsAsAdmin(getDb(), { page, size: PAGE_SIZE })),
  page,
}));

"use server";

import { z } from "zod";
import { dailyUsage, lastDays, recentRequests, usageByKey, usageByModel } from "@/db/queries/usage-report";
import { userAction, UserFacingError } from "@/lib/actions";
import { isAdmin } from "@/lib/auth/admin";

const PAGE_SIZE = 25;

export const usageReportAction = userAction(z.object({
  days: z.union([z.literal(7), z.literal(30), z.literal(90)]),
  offsetMinutes: z.number().int().min(-14 * 60).max(14 * 60),
  everyone: z.boolean().default(false),
}), async ({ days, offsetMinutes, everyone }, user) => {
  if (everyone && !(await isAdmin(user))) throw new UserFacingError("Only admins can see everyone's usage.");
  const scope = everyone ? null : user.id;
  const range = lastDays(days, offsetMinutes);
  return {
    days: range.days,
    daily: dailyUsage(scope, range),
    byModel: usageByModel(scope, range),
    byKey: usageByKey(scope, range),
  };
});

export const recentRequestsAction = userAction(z.object({
  page: z.number().int().min(0).max(10_000),
  everyone: z.boolean().default(false),
}), async ({ page, everyone }, user) => {
  if (everyone && !(await isAdmin(user))) throw new UserFacingError("Only admins can see everyone's usage.");
  return { ...recentRequests(everyone ? null : user.id, page, PAGE_SIZE), page };
});

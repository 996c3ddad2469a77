/** The usage page's ranges in days (the server actions take the same three); 7 is the default. */
export const USAGE_RANGES = [7, 30, 90] as const;
export type UsageRange = (typeof USAGE_RANGES)[number];

/** `?range=` from the usage page's address: one of the ranges, else the default. */
export const usageRangeOf = (days: unknown): UsageRange => USAGE_RANGES.find((d) => String(d) === days) ?? 7;

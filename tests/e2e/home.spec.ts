import { expect, test } from "@playwright/test";

test("the home page lists the six GLM-4 models and shows /v1 on the host the user typed", async ({ page, baseURL }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "glm-chat" })).toBeVisible();
  for (const model of ["GLM-4-Plus", "GLM-4-Air", "GLM-4-AirX", "GLM-4-Long", "GLM-4-FlashX", "GLM-4-Flash"]) {
    await expect(page.getByText(model, { exact: true })).toBeVisible();
  }
  await expect(page.getByText(`${baseURL}/v1`).first()).toBeVisible();
  // The test server has an upstream key, so no demo notice.
  await expect(page.getByRole("status", { name: "Demo mode" })).toHaveCount(0);
});

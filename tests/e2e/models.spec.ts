import { expect, test } from "./fixtures";
import { ChatPage } from "./pages";

/**
 * /settings/models: an admin adds a model, which the picker offers at once, and disables it, which takes it
 * out of the picker. Members see neither the tab nor the page. Leaves the catalogue as it found it.
 */

test.describe("as the admin", () => {
  test.use({ signedInAs: "admin" });

  test("add a model, pick it in the chat, disable it: it leaves the picker", async ({ page }) => {
    const name = `E2E-${Date.now().toString(36)}`;
    await page.goto("/settings");
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Models" }).click();
    await expect(page).toHaveURL(/\/settings\/models$/);

    // A refused field says why beside itself and keeps what was typed.
    await page.getByLabel("Model name").fill(`${name} x`);
    await page.getByLabel("Upstream id").fill("e2e-upstream");
    await page.getByLabel("Context window").fill("32000");
    await page.getByLabel("Max output tokens").fill("4000");
    await page.getByLabel("Thinking").selectOption({ label: "Can think (optional)" });
    await page.getByRole("button", { name: "Add model" }).click();
    await expect(page.getByText("Use letters, digits and . _ : - (no spaces)")).toBeVisible();
    await expect(page.getByLabel("Upstream id")).toHaveValue("e2e-upstream");

    await page.getByLabel("Model name").fill(name);
    await page.getByRole("button", { name: "Add model" }).click();
    await expect(page.getByRole("status")).toHaveText(`${name} was added.`);
    const row = page.getByRole("row", { name: new RegExp(name) });
    await expect(row).toContainText("Can think (optional)");
    await expect(row).toContainText("Enabled");

    const chat = new ChatPage(page);
    await chat.open();
    await chat.chooseModel(name);
    await expect(chat.modelPicker).toHaveText(name);

    await page.goto("/settings/models");
    await row.getByRole("button", { name: "Disable" }).click();
    await expect(row).toContainText("Disabled");
    await expect(row.getByRole("button", { name: "Enable" })).toBeVisible();

    await chat.open();
    await chat.modelPicker.click();
    await expect(page.getByRole("option", { name: "GLM-4-Flash", exact: true })).toBeVisible();
    await expect(page.getByRole("option", { name })).toHaveCount(0);
  });
});

test.describe("as a member", () => {
  test.use({ signedInAs: "member" });

  test("no Models tab, and the page is not found", async ({ page }) => {
    await page.goto("/settings/keys");
    await expect(
      page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "API keys" }),
    ).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Models" })).toHaveCount(
      0,
    );
    const response = await page.goto("/settings/models");
    expect(response?.status()).toBe(404);
  });
});

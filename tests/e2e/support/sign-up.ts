/** Creating an account the way a person does it: the sign-up page's form, as an adult who accepts the terms. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Fills and sends the form of the sign-up page `page` shows, and waits for the account page it leads to. */
export async function signUpInPage(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('I am 18 or older').check();
  await page.getByLabel(/I accept the terms of service/).check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 }).toBe('Your account');
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { registerUser, uniqueName, type RegisteredUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { ROOT } from './support/build.js';
import { CHROMIUM_ARGS, chromiumPath } from './support/chromium.js';

/** Where the screenshots go: the page as the test left it, and on a failure, as it failed. */
const ARTIFACTS = join(ROOT, 'test-artifacts');

/**
 * Swagger UI in Debian's Chromium, as a person exploring Agora meets it: open
 * /docs, Authorize through the OAuth2 password flow, and "Try it out" on two
 * operations. Under Agora's real Content-Security-Policy, with every console
 * error and CSP violation counted.
 */
describe('Swagger UI in a real browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let user: RegisteredUser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    user = await registerUser(t, { username: uniqueName('swagger') });
    browser = await chromium.launch({
      executablePath: await chromiumPath(),
      args: CHROMIUM_ARGS,
      headless: true,
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    // A CSP violation is reported to the page as an event, whatever the console says.
    // (Browser code is passed as text: the project compiles without the DOM's types.)
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) =>
        console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI));`,
    });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Runs a step; on failure, saves what the page showed before rethrowing. */
  async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      await page.screenshot({ path: join(ARTIFACTS, `swagger-ui-failure-${name}.png`) });
      throw error;
    }
  }

  /** Expands an operation, presses "Try it out", optionally sets the body, and executes it. */
  async function tryItOut(operationId: string, body?: unknown): Promise<Locator> {
    const operation = page.locator(`[id$="-${operationId}"]`);
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('.try-out__btn').click();
    if (body !== undefined) {
      await operation.locator('textarea.body-param__text').fill(JSON.stringify(body, null, 2));
    }
    await operation.locator('.execute').click();
    // The table of the response the server sent (not the documented ones below it).
    const live = operation.locator('.live-responses-table tbody tr.response');
    await live.waitFor();
    return live;
  }

  it('authorizes with the OAuth2 password flow and runs GET /api/users/me and POST /api/posts', async () => {
    await step('open', async () => {
      await page.goto(`${base}/docs`);
      await page.locator('.swagger-ui .information-container').waitFor();
      await expect(page.locator('.swagger-ui .info .title').innerText()).resolves.toContain(
        'Agora API',
      );
    });

    await step('authorize', async () => {
      await page.locator('.auth-wrapper button.authorize').click();
      const oauth = page.locator('.auth-container', { hasText: 'OAuth2, password' });
      await oauth.locator('#oauth_username').fill(user.username);
      await oauth.locator('#oauth_password').fill(user.password);
      await oauth.locator('button.authorize').click();
      // Signed in: Swagger UI says so, and offers Logout instead of Authorize.
      await oauth.locator('button', { hasText: 'Logout' }).waitFor();
      await expect(oauth.innerText()).resolves.toContain('Authorized');
      await oauth.locator('button', { hasText: 'Close' }).click();
      await page.locator('.dialog-ux').waitFor({ state: 'detached' });
    });

    await step('users-me', async () => {
      const live = await tryItOut('UsersController_me');
      await expect(live.locator('td.response-col_status').innerText()).resolves.toContain('200');
      const shown = JSON.parse(
        await live.locator('.response-col_description pre.microlight').first().innerText(),
      ) as { id: number; username: string };
      expect(shown).toMatchObject({ id: user.id, username: user.username });
    });

    const title = `Posted from Swagger UI ${uniqueName('t')}`;
    await step('create-post', async () => {
      const live = await tryItOut('PostsController_create', {
        title,
        content: 'Written in a real browser.',
        tags: ['swagger'],
      });
      await expect(live.locator('td.response-col_status').innerText()).resolves.toContain('201');
      const shown = JSON.parse(
        await live.locator('.response-col_description pre.microlight').first().innerText(),
      ) as { id: number; title: string; author: { id: number } };
      expect(shown).toMatchObject({ title, author: { id: user.id } });
    });

    // The post is stored, as the author who authorized in the page.
    const stored: { author_id: number }[] = await t.db.query(
      'SELECT author_id FROM posts WHERE title = $1',
      [title],
    );
    expect(stored).toEqual([{ author_id: user.id }]);

    // The README's picture: the POST as the page shows it, down to the 201 it got.
    const operation = await page.locator('[id$="-PostsController_create"]').boundingBox();
    const answer = await page
      .locator('[id$="-PostsController_create"] .live-responses-table')
      .boundingBox();
    if (!operation || !answer) throw new Error('the POST operation is not on the page');
    // Boxes are in viewport coordinates; a full-page clip is in the page's.
    const scrolled = await page.evaluate<number>('window.scrollY');
    await page.screenshot({
      path: join(ARTIFACTS, 'swagger-ui.png'),
      fullPage: true,
      clip: {
        x: operation.x,
        y: operation.y + scrolled,
        width: operation.width,
        height: answer.y + answer.height - operation.y,
      },
    });
    expect(consoleErrors).toEqual([]);

    // The policy is live in the browser, and the check above would have seen a breach:
    // an inline script, which script-src 'self' forbids, is refused and reported.
    await page.evaluate(`{
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.appendChild(script);
    }`);
    const reported = () => consoleErrors.some((e) => e.startsWith('CSP violation: script-src'));
    for (let waited = 0; !reported() && waited < 5000; waited += 100) {
      await page.waitForTimeout(100);
    }
    // Both the browser's own console error and the violation event.
    expect(consoleErrors).toEqual([
      expect.stringMatching(/violates the following Content Security Policy directive/),
      expect.stringMatching(/^CSP violation: script-src/),
    ]);
    await expect(page.evaluate<boolean>("'inlineRan' in window")).resolves.toBe(false);
  }, 120_000);
});

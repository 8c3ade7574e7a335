/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../local/console-host';
import { startLocalStack, type LocalStack } from '../../local/stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, 'screenshots');
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`console e2e skipped: no browser at ${CHROMIUM} (apt-get install chromium)`);
const describeBrowser = haveBrowser ? describe : describe.skip;

describeBrowser('the web console in Chromium', () => {
  let stack: LocalStack;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(SHOTS, { recursive: true });
    stack = await startLocalStack({
      env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
      keyFile: join(mkdtempSync(join(tmpdir(), 'console-e2e-')), 'key.json'),
      console: true,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const signInAs = async (tenant: string, label: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(stack.url);
    await page
      .locator('section', { hasText: tenant })
      .getByRole('button', { name: new RegExp(`^${label}`) })
      .click();
    await page.getByTestId('who').waitFor();
    return page;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('signs in as a demo owner and shows the tenant insights, and a dismiss persists across a reload', async () => {
    const page = await browser.newPage();
    await page.goto(stack.url);
    await shot(page, 'sign-in');
    await page.close();
    const owner = await signInAs('acme-plumbing', 'Owner');
    expect(await owner.getByTestId('who').textContent()).toContain('acme-plumbing');
    const cards = owner.getByTestId('insight');
    await cards.first().waitFor({ timeout: 30_000 });
    const before = await cards.count();
    const firstTitle = (await cards.first().locator('h2').textContent()) ?? '';
    await owner.getByTestId('evidence-value').first().waitFor({ state: 'attached' });
    await shot(owner, 'insights');
    await cards
      .first()
      .getByRole('button', { name: /^Dismiss/ })
      .click();
    await owner.getByRole('button', { name: 'Undo' }).waitFor();
    await owner.getByRole('button', { name: 'Undo' }).waitFor({ state: 'detached', timeout: 10_000 });
    await owner.waitForTimeout(500);
    await owner.reload();
    await cards.first().waitFor();
    expect(await cards.count()).toBe(before - 1);
    expect(await owner.locator('[data-testid=insight] h2').allTextContents()).not.toContain(firstTitle);
    await owner.close();
  }, 90_000);

  it('shows a toast after an activity, and none for a non-critical one at level 1; settings persist', async () => {
    const owner = await signInAs('brightside-dental', 'Owner');
    await owner.goto(`${stack.url}/#/coach`);
    await owner.getByRole('button', { name: 'Raise a critical issue' }).click();
    await owner.getByTestId('toast').waitFor({ timeout: 10_000 });
    await shot(owner, 'coach-toast');
    await owner.getByRole('button', { name: 'Dismiss this nudge' }).click();
    await owner.getByRole('radio', { name: /Minimal/ }).check();
    await owner.getByRole('button', { name: 'Save' }).click();
    await owner.getByText(/Saved at/).waitFor();
    await owner.reload();
    await owner.getByRole('radio', { name: /Minimal/ }).waitFor();
    expect(await owner.getByRole('radio', { name: /Minimal/ }).isChecked()).toBe(true);
    const toastBefore = await owner.getByTestId('toast').allTextContents();
    await owner.getByRole('button', { name: 'Complete a task' }).click();
    await owner.getByTestId('posted').filter({ hasText: 'Complete a task' }).waitFor();
    expect(await owner.getByTestId('posted').textContent()).toContain('0 nudges');
    expect(await owner.getByTestId('toast').allTextContents()).toEqual(toastBefore);
    await shot(owner, 'coach-settings');
    await owner.close();
  }, 60_000);

  it('streams a conversation reply into a placeholder bubble (the offline coach sends few deltas)', async () => {
    const owner = await signInAs('northwind-saas', 'Owner');
    await owner.goto(`${stack.url}/#/conversations`);
    await owner.getByRole('button', { name: 'Core values' }).click();
    await owner.getByTestId('reply').first().waitFor();
    const lengths: number[] = [];
    await owner.exposeFunction('recordLength', (n: number) => lengths.push(n));
    await owner.evaluate(() => {
      const box = document.querySelector('.messages') as HTMLElement;
      new MutationObserver(() => {
        const last = box.querySelector('[data-testid=reply]:last-of-type');
        (window as unknown as { recordLength(n: number): void }).recordLength(last?.textContent?.length ?? 0);
      }).observe(box, { subtree: true, childList: true, characterData: true });
    });
    await owner.getByRole('textbox', { name: 'Your message' }).fill('We care about honesty and doing the job right.');
    await owner.getByRole('button', { name: 'Send' }).click();
    await owner.locator('.bubble.user').waitFor();
    await owner.waitForFunction(() => {
      const pause = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Pause');
      const replies = document.querySelectorAll('[data-testid=reply]');
      return replies.length >= 2 && pause !== undefined && !pause.disabled;
    });
    await owner.getByRole('button', { name: 'Send' }).waitFor();
    await owner.waitForTimeout(300);
    // The placeholder (…) showed first, then the streamed text replaced it.
    expect(lengths).toContain(1);
    expect(Math.max(...lengths)).toBeGreaterThan(10);
    await shot(owner, 'conversation');
    await owner.close();
  }, 60_000);

  it('lets a platform admin see a diff and move a label', async () => {
    const token = await stack.mintToken({ tenantId: 'acme-plumbing', userId: 'platform-1', role: 'platform-admin' });
    const template = JSON.parse(readFileSync(join(__dirname, '../../prompts/core_values/v1.0.json'), 'utf8'));
    const published = await fetch(`${stack.url}/admin/prompts/core_values/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...template,
        version: 'v1.1',
        is_active: false,
        system_prompt: `${template.system_prompt}\nBe brief.`,
      }),
    });
    expect(published.status).toBe(201);
    const admin = await signInAs('acme-plumbing', 'Platform admin');
    await admin.goto(`${stack.url}/#/admin-prompts`);
    await admin.getByRole('button', { name: 'core_values' }).click();
    const row = admin.locator('.card table tr', { hasText: 'v1.1' });
    await row.getByText('valid', { exact: true }).waitFor({ timeout: 15_000 });
    await row.getByRole('button', { name: 'Diff' }).click();
    await admin.getByTestId('diff').filter({ hasText: 'system_prompt' }).waitFor();
    expect(await admin.locator('.diff .add').filter({ hasText: 'Be brief.' }).count()).toBeGreaterThan(0);
    await shot(admin, 'admin-prompts');
    await row.getByRole('button', { name: '→ production' }).click();
    await admin.getByTestId('production-core_values').filter({ hasText: 'v1.1' }).waitFor();
    await admin.goto(`${stack.url}/#/admin-usage`);
    await admin.getByText('Top tenants this month').waitFor();
    await shot(admin, 'admin-usage');
    await admin.close();
  }, 60_000);
});

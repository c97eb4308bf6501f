// The caseworkers' console in Debian's Chromium, as a new caseworker whose
// language is Arabic uses it: sign in, an urgent case arrives live, claim it,
// send a prepared reply, close it. Run by tests/test_console_browser.py:
//   CONSOLE_URL=http://127.0.0.1:P CONSOLE_EMAIL=… CONSOLE_PASSWORD=… \
//   CONSOLE_TEXTS='{"queue": …}' CONSOLE_SCREENSHOTS=dir node tests/browser/console.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchChromium, noViolations, watchedPage } from './common.mjs';

const URL = process.env.CONSOLE_URL;
const SHOTS = process.env.CONSOLE_SCREENSHOTS || '.';
const T = JSON.parse(process.env.CONSOLE_TEXTS || '{}');

let browser;

before(async () => {
  assert.ok(URL, 'CONSOLE_URL is needed');
  browser = await launchChromium(process.env.CONSOLE_CHROMIUM);
});

after(async () => {
  await browser?.close();
});

async function say(conversation, text) {
  const response = await fetch(`${URL}/api/chat/${conversation}/messages`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text, locale: 'fr' }),
  });
  return response.json();
}

test('an Arabic-speaking caseworker takes an urgent case from sign-in to closing', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ar' });
  const { page, errors } = await watchedPage(ctx);

  // The sign-in page follows the browser's language before anyone is signed in.
  await page.goto(`${URL}/console/login`);
  assert.equal(await page.getAttribute('html', 'lang'), 'ar');
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  await page.fill('#email', process.env.CONSOLE_EMAIL);
  await page.fill('#password', process.env.CONSOLE_PASSWORD);
  await page.locator('form.login button[type=submit]').click();
  await page.waitForURL(`${URL}/console`);
  assert.equal((await page.locator('h1').textContent()).trim(), T.queue);
  await page.locator('#live-status', { hasText: T.live }).waitFor();
  assert.equal((await page.locator('#sound-toggle').textContent()).trim(), T.sound_off);
  assert.equal(await page.locator('#waiting-table tr.case').count(), 0);

  // A person in danger writes: the case appears without reloading, with the alert.
  const opened = await say('browser-person', 'au secours, il me frappe');
  assert.equal(opened.handoff.state, 'queued');
  const row = page.locator('#waiting-table tr.urgent');
  await row.waitFor();
  assert.ok(await page.locator('#urgent-banner').isVisible());
  assert.equal((await row.locator('.badge-urgent').textContent()).trim(), T.urgent);
  assert.equal((await row.locator('a').textContent()).trim(), T.reason);
  assert.ok((await page.title()).startsWith(T.urgent_title), await page.title());
  await page.screenshot({ path: path.join(SHOTS, 'console-queue-ar.png') });

  // Claim it (through the JSON API, the page then shows the result in Arabic).
  await row.locator('a').click();
  await page.waitForURL(/\/console\/cases\//);
  await page.locator('form[data-api$="/claim"] button').click();
  await page.waitForURL(/done=claimed/);
  assert.equal((await page.locator('.notice.done').textContent()).trim(), T.claimed);

  // A prepared reply: the caseworker reads it in Arabic, the person gets it in French.
  await page.locator('button[name=canned][value=hello]').click();
  await page.locator('#action-status', { hasText: T.sent }).waitFor();
  const messages = await (await fetch(`${URL}/api/chat/browser-person/messages`)).json();
  const last = messages.messages[messages.messages.length - 1];
  assert.equal(last.sender, 'caseworker');
  assert.equal(last.text, T.hello_fr);
  assert.equal((await page.locator('#canned-hello-gloss').textContent()).trim(), T.hello_ar);
  await page.screenshot({ path: path.join(SHOTS, 'console-case-ar.png'), fullPage: true });

  // Close with an outcome: the assistant answers the person again.
  await page.selectOption('#outcome', 'information_given');
  await page.locator('form.close button[type=submit]').click();
  await page.waitForURL(/done=closed/);
  assert.equal((await page.locator('.notice.done').textContent()).trim(), T.closed);
  const after = await say('browser-person', 'merci');
  assert.equal(after.handoff.state, 'bot');

  await noViolations(page, errors);
  await ctx.close();
});

// The web widget in Debian's Chromium (playwright-core, no browser download).
// Run by tests/test_widget_browser.py, which starts the gateway (fake Rasa) and a
// host site on another origin whose page embeds the widget under a strict CSP:
//   WIDGET_HOST_URL=http://127.0.0.1:P1 WIDGET_GATEWAY_URL=http://127.0.0.1:P2 \
//   WIDGET_SCREENSHOTS=dir node tests/browser/widget.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchChromium, noViolations, watchedPage } from './common.mjs';

const HOST = process.env.WIDGET_HOST_URL;
const GATEWAY = process.env.WIDGET_GATEWAY_URL;
const SHOTS = process.env.WIDGET_SCREENSHOTS || '.';
const KEY = `helpdesk-widget:${GATEWAY}`;

let browser;

before(async () => {
  assert.ok(HOST && GATEWAY, 'WIDGET_HOST_URL and WIDGET_GATEWAY_URL are needed');
  browser = await launchChromium(process.env.WIDGET_CHROMIUM);
});

after(async () => {
  await browser?.close();
});

/** A fresh browser profile on the host page, recording CSP violations. */
async function openHost({ lang = 'fr', viewport = { width: 1280, height: 800 }, context, fontSize } = {}) {
  const ctx = context || await browser.newContext({ viewport });
  const { page, errors } = await watchedPage(ctx);
  if (fontSize) {
    // The reader's default font size (browser settings), which rem units follow.
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: fontSize, fixed: fontSize } });
  }
  await page.goto(`${HOST}/host?lang=${lang}`);
  await page.locator('.hdw-launcher').waitFor({ state: 'visible' });
  return { ctx, page, errors };
}

/** The element focused inside the widget's shadow root, by class. */
function focused(page) {
  return page.evaluate(() => {
    const root = document.getElementById('helpdesk-widget').shadowRoot;
    return root.activeElement ? root.activeElement.className : null;
  });
}

async function send(page, text) {
  await page.locator('.hdw-input').fill(text);
  await page.locator('.hdw-input').press('Enter');
}

async function conversationId(page) {
  return page.evaluate((key) => JSON.parse(localStorage.getItem(key) || '{}').id, KEY);
}

async function caseworkerSays(page, text) {
  const conversation = await conversationId(page);
  assert.ok(conversation, 'the widget has a conversation id');
  const response = await fetch(`${HOST}/test/caseworker`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ conversation, text }),
  });
  assert.equal(response.status, 200);
}

test('keyboard: Tab reaches the launcher, Enter opens with focus in the text box, Escape closes', async () => {
  const { ctx, page, errors } = await openHost();
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = (await focused(page)) === 'hdw-launcher';
  }
  assert.ok(reached, 'Tab reaches the launcher');
  await page.keyboard.press('Enter');
  await page.locator('.hdw-panel').waitFor({ state: 'visible' });
  assert.equal(await focused(page), 'hdw-input');
  assert.equal(await page.locator('.hdw-launcher').getAttribute('aria-expanded'), 'true');
  assert.equal(await page.locator('.hdw-panel').getAttribute('role'), 'dialog');
  assert.ok(await page.locator('.hdw-panel').getAttribute('aria-labelledby'));
  assert.equal(await page.locator('.hdw-log').getAttribute('aria-live'), 'polite');
  assert.ok(await page.locator('.hdw-input').evaluate((e) => e.labels.length === 1 && e.labels[0].textContent.length > 0),
    'the text box has a label');
  await page.keyboard.press('Escape');
  await page.locator('.hdw-panel').waitFor({ state: 'hidden' });
  assert.equal(await focused(page), 'hdw-launcher');
  assert.equal(await page.locator('.hdw-launcher').getAttribute('aria-expanded'), 'false');
  // The stylesheet from the gateway applied, under the host page's CSP.
  assert.equal(await page.locator('.hdw-launcher').evaluate((b) => getComputedStyle(b).position), 'fixed');
  await noViolations(page, errors);
  await ctx.close();
});

test('a message gets its reply; a button sends its payload and shows its title', async () => {
  const { ctx, page, errors } = await openHost({ lang: 'en' });
  await page.locator('.hdw-launcher').click();
  await send(page, 'hello there');
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:hello there' }).waitFor();
  assert.equal(await page.locator('.hdw-from-user .hdw-text').first().textContent(), 'hello there');
  await send(page, 'buttons');
  await page.locator('.hdw-choice', { hasText: 'Option A' }).click();
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:/option_a' }).waitFor();
  const mine = await page.locator('.hdw-from-user .hdw-text').allTextContents();
  assert.deepEqual(mine, ['hello there', 'buttons', 'Option A']);
  assert.equal(await page.locator('.hdw-pending, .hdw-failed').count(), 0);
  await noViolations(page, errors);
  await ctx.close();
});

test('a caseworker reply comes by WebSocket, as text, line breaks kept', async () => {
  const { ctx, page, errors } = await openHost({ lang: 'en' });
  const frames = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
  await page.locator('.hdw-launcher').click();
  await send(page, 'I need to talk to someone');
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:' }).waitFor();
  await page.waitForTimeout(300); // the socket connects after the first answer
  const text = 'Hello, I am Marie.\nLine two <img src=x onerror="window.__pwned=1"> <b>bold</b>';
  await caseworkerSays(page, text);
  const reply = page.locator('.hdw-from-caseworker .hdw-text');
  await reply.waitFor();
  assert.equal(await reply.textContent(), text);
  assert.ok((await reply.innerText()).includes('\n'), 'the line break is shown');
  assert.equal(await page.locator('.hdw-log img, .hdw-log b').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.ok(frames.some((f) => f.includes('Hello, I am Marie.')), 'delivered over the WebSocket');
  assert.equal(await page.locator('.hdw-from-caseworker .hdw-who').isVisible(), true);
  await page.screenshot({ path: path.join(SHOTS, 'widget-ltr-desktop.png') });
  await noViolations(page, errors);
  await ctx.close();
});

test('polling brings replies when WebSockets are blocked', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.routeWebSocket(/\/ws/, (ws) => ws.close());
  const { page, errors } = await openHost({ lang: 'en', context: ctx });
  await page.locator('.hdw-launcher').click();
  await send(page, 'hello');
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:hello' }).waitFor();
  await caseworkerSays(page, 'Answer by polling');
  await page.locator('.hdw-from-caseworker', { hasText: 'Answer by polling' }).waitFor({ timeout: 15000 });
  await noViolations(page, errors);
  await ctx.close();
});

test('a reply while the panel is closed marks the launcher', async () => {
  const { ctx, page, errors } = await openHost({ lang: 'en' });
  await page.locator('.hdw-launcher').click();
  await send(page, 'hello');
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:hello' }).waitFor();
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  await caseworkerSays(page, 'Are you still there?');
  await page.locator('.hdw-launcher.hdw-unread').waitFor();
  assert.ok((await page.locator('[role=status]').first().textContent()).length > 0);
  await page.locator('.hdw-launcher').click();
  assert.equal(await page.locator('.hdw-launcher.hdw-unread').count(), 0);
  await noViolations(page, errors);
  await ctx.close();
});

test('the conversation survives a reload; the browser keeps no message text', async () => {
  const { ctx, page, errors } = await openHost({ lang: 'en' });
  await page.locator('.hdw-launcher').click();
  await send(page, 'remember this please');
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:remember this please' }).waitFor();
  const id = await conversationId(page);
  const stored = await page.evaluate((key) => localStorage.getItem(key), KEY);
  assert.ok(!stored.includes('remember'), 'no message text in localStorage');
  await page.reload();
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:remember this please' }).waitFor();
  assert.equal(await page.locator('.hdw-panel').isVisible(), true, 'the panel stays open');
  assert.equal(await conversationId(page), id);
  assert.deepEqual(await page.locator('.hdw-from-user .hdw-text').allTextContents(), ['remember this please']);
  // Ending the conversation starts a new one.
  await page.locator('.hdw-end').click();
  assert.equal(await page.locator('.hdw-msg').count(), 0);
  assert.equal(await conversationId(page), undefined);
  await noViolations(page, errors);
  await ctx.close();
});

test('after "forget me" the widget shows the goodbye and starts a new conversation', async () => {
  const { ctx, page, errors } = await openHost({ lang: 'en' });
  await page.locator('.hdw-launcher').click();
  await send(page, 'hello');
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:hello' }).waitFor();
  const first = await conversationId(page);
  await send(page, 'forget me');
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'Everything about you is erased.' }).waitFor();
  await page.waitForFunction((key) => !JSON.parse(localStorage.getItem(key) || '{}').id, KEY);
  await send(page, 'hello again');
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:hello again' }).waitFor();
  const second = await conversationId(page);
  assert.ok(second && second !== first, 'a new conversation id');
  assert.equal(await page.locator('.hdw-pending, .hdw-failed').count(), 0);
  await noViolations(page, errors);
  await ctx.close();
});

test('the panel follows the language of the conversation', async () => {
  const { ctx, page, errors } = await openHost({ lang: 'en' });
  assert.equal(await page.locator('.hdw').getAttribute('dir'), 'ltr');
  await page.locator('.hdw-launcher').click();
  await send(page, 'أحتاج إلى طبيب من فضلك');
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:' }).waitFor();
  await page.waitForFunction(() => document.getElementById('helpdesk-widget')
    .shadowRoot.querySelector('.hdw').dir === 'rtl');
  assert.equal(await page.locator('.hdw').getAttribute('lang'), 'ar');
  await page.reload(); // kept for the conversation, whatever the page's language
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:' }).waitFor();
  assert.equal(await page.locator('.hdw').getAttribute('dir'), 'rtl');
  await noViolations(page, errors);
  await ctx.close();
});

test('quick exit clears the panel and storage and leaves for good', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${HOST}/start`);
  await page.goto(`${HOST}/host?lang=en`);
  await page.locator('.hdw-launcher').click();
  await send(page, 'hello');
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:hello' }).waitFor();
  assert.ok(await conversationId(page));
  await page.locator('.hdw-exit').click();
  await page.waitForURL(`${HOST}/exit`);
  const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('helpdesk-widget:')));
  assert.deepEqual(left, []);
  await page.goBack();
  assert.equal(page.url(), `${HOST}/start`, 'Back skips the page with the chat');
  await ctx.close();
});

test('right to left for Arabic; full screen on a phone', async () => {
  const viewport = { width: 390, height: 844 };
  const { ctx, page, errors } = await openHost({ lang: 'ar', viewport });
  assert.equal(await page.locator('.hdw').getAttribute('dir'), 'rtl');
  assert.equal(await page.locator('.hdw').getAttribute('lang'), 'ar');
  const launcher = await page.locator('.hdw-launcher').boundingBox();
  assert.ok(launcher.x < viewport.width / 2, 'the launcher sits on the left in RTL');
  await page.locator('.hdw-launcher').click();
  const panel = await page.locator('.hdw-panel').boundingBox();
  assert.deepEqual([panel.x, panel.y, panel.width, panel.height], [0, 0, viewport.width, viewport.height]);
  await send(page, 'أحتاج إلى طبيب من فضلك');
  await page.locator('.hdw-from-bot .hdw-text', { hasText: 'echo:' }).waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'widget-rtl-mobile.png') });
  await noViolations(page, errors);
  await ctx.close();
});

test('large text: at 200% font size on a small window nothing is clipped', async () => {
  const viewport = { width: 640, height: 400 }; // a 1280x800 screen at 200% zoom
  const { ctx, page, errors } = await openHost({ lang: 'en', viewport, fontSize: 32 });
  await page.locator('.hdw-launcher').click();
  const fontSize = await page.locator('.hdw-input').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(fontSize >= 30, `text follows the reader's size (${fontSize}px)`);
  for (const selector of ['.hdw-input', '.hdw-send', '.hdw-exit', '.hdw-close']) {
    const box = await page.locator(selector).boundingBox();
    assert.ok(box && box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width + 1
      && box.y + box.height <= viewport.height + 1, `${selector} is inside the window`);
  }
  await noViolations(page, errors);
  await ctx.close();
});

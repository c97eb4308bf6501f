// As a new user would, on the real processes: the widget on the gateway's demo page,
// a question typed in the page's language, the assistant's answer read in it.
// Run by tests/test_new_user.py:  GATEWAY=url LANG_CODE=ar QUESTION=… EXPECT=… node new_user.mjs
import assert from 'node:assert/strict';
import { launchChromium } from './common.mjs';

const { GATEWAY, LANG_CODE, QUESTION, EXPECT, THEN, THEN_EXPECT, RTL, SHOT } = process.env;

const browser = await launchChromium(process.env.WIDGET_CHROMIUM);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(60000);
  await page.goto(`${GATEWAY}/widget-demo?lang=${LANG_CODE}`);
  await page.locator('.hdw-launcher').click();
  await page.locator('.hdw-input').fill(QUESTION);
  await page.locator('.hdw-input').press('Enter');
  await page.locator('.hdw-from-bot .hdw-text', { hasText: EXPECT }).first().waitFor();
  if (THEN) {  // the answer to the assistant's question, e.g. a postcode
    await page.locator('.hdw-input').fill(THEN);
    await page.locator('.hdw-input').press('Enter');
    await page.locator('.hdw-from-bot .hdw-text', { hasText: THEN_EXPECT }).first().waitFor();
  }
  assert.equal(await page.locator('.hdw').getAttribute('dir'), RTL === '1' ? 'rtl' : 'ltr');
  if (SHOT) await page.screenshot({ path: SHOT });
  console.log('ok');
} finally {
  await browser.close();
}

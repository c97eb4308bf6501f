// What every browser test here shares: Debian's Chromium launched headless,
// and pages that record Content-Security-Policy violations and script errors.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(executablePath = '/usr/bin/chromium') {
  return chromium.launch({ executablePath, args: FLAGS });
}

/** A new page in `ctx` that records CSP violations (window.__violations) and page errors. */
export async function watchedPage(ctx) {
  await ctx.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation',
      (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { page, errors };
}

export async function noViolations(page, errors) {
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(errors, []);
}

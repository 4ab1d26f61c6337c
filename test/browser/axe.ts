// Accessibility check for the browser tests: axe-core (WCAG 2.x A and AA rules plus best practices)
// on the page as it is now; fails on any critical or serious violation, naming the rule and elements.
//
// AXE_REPORT_ONLY=1 logs the violations instead of failing (to count them before fixing).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// Evaluated through DevTools rather than added as a <script>: the app's CSP (script-src 'self')
// rightly refuses inline scripts.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const REPORT_ONLY = process.env.AXE_REPORT_ONLY === '1';

interface AxeNode { target: unknown[]; failureSummary?: string }
interface AxeViolation { id: string; impact: string | null; help: string; nodes: AxeNode[] }

/** Runs axe on the current page; `label` names the page state in the failure message. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  let bad = await seriousViolations(page);
  if (bad.length) {
    // A button fading between disabled, loading and enabled (antd transitions of 0.2-0.3 s) measures
    // as low contrast mid-way: look again once it has settled; what stays is real.
    await page.waitForTimeout(600);
    bad = await seriousViolations(page);
  }
  const text = bad
    .map((v) => `  ${v.impact} ${v.id} (${v.help}): ${v.nodes.length} element(s)\n` +
      v.nodes.slice(0, 5).map((n) => `    ${JSON.stringify(n.target)} ${(n.failureSummary ?? '').split('\n').slice(1, 2).join(' ').trim()}`).join('\n'))
    .join('\n');
  if (REPORT_ONLY) {
    const count = bad.reduce((a, v) => a + v.nodes.length, 0);
    console.log(`AXE ${label}: ${bad.length} rule(s), ${count} element(s)${bad.length ? `\n${text}` : ''}`);
    return;
  }
  assert.equal(bad.length, 0, `axe on ${label}: critical/serious violations\n${text}`);
}

async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Let React commit what the last action changed (two frames), then let a running antd animation
  // (fade-in, collapse, a button turning enabled) end, so colours are measured as they settle.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  // Polled from here with evaluate: page.waitForFunction would poll inside the page with eval, which
  // the CSP refuses (and reports as a page error).
  const settled = `document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)`;
  for (let i = 0; i < 60 && !(await page.evaluate<boolean>(settled)); i++) await page.waitForTimeout(50);
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(`${AXE_SOURCE}\n;undefined`);
  const violations = await page.evaluate<AxeViolation[]>(`(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  })()`);
  return violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
}

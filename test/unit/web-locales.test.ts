// The web catalogues: the same keys in every language, and every message parses as ICU MessageFormat
// with the same arguments, so a screen never shows a key or a raw `{n}`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { IntlMessageFormat } from 'intl-messageformat';
import { parse, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

const load = (lang: string) => JSON.parse(readFileSync(new URL(`../../web/src/locales/${lang}.json`, import.meta.url), 'utf8')) as Record<string, string>;
const zh = load('zh-CN');
const en = load('en');
function args(text: string): string[] {
  const names = new Set<string>();
  const walk = (els: MessageFormatElement[]) => {
    for (const el of els) {
      if ('value' in el && typeof el.value === 'string' && el.type !== 0 /* literal */) names.add(el.value);
      if ('options' in el) for (const o of Object.values(el.options)) walk((o as { value: MessageFormatElement[] }).value);
    }
  };
  walk(parse(text));
  return [...names].sort();
}

test('zh-CN and en have the same keys and the same arguments', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  for (const key of Object.keys(zh)) assert.deepEqual(args(en[key]), args(zh[key]), key);
});

test('every message parses; English counts have plurals', () => {
  for (const [lang, cat] of [['zh-CN', zh], ['en', en]] as const) {
    for (const [key, text] of Object.entries(cat)) assert.doesNotThrow(() => new IntlMessageFormat(text, lang), `${lang} ${key}`);
  }
  const f = (key: string, vars: Record<string, number | string>) => new IntlMessageFormat(en[key], 'en').format(vars);
  assert.equal(f('lines.count', { n: 1 }), '1 line');
  assert.equal(f('lines.count', { n: 3 }), '3 lines');
  assert.equal(f('request.attempts', { n: 1 }), '1 attempt');
  assert.equal(new IntlMessageFormat(zh['lines.count'], 'zh-CN').format({ n: 1 }), '共 1 个号码');
});

// Every translation says everything the English strings say, with the same
// slots, and a plural form for each of its language's categories.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const widget = resolve(import.meta.dirname, '../../widget');
const dir = resolve(widget, 'i18n');
// English is the reference (natter puts it into embed.js as it serves it).
const en = JSON.parse(readFileSync(resolve(dir, 'en.json'), 'utf8'));
const slots = (v) => [...new Set(Object.values(typeof v === 'string' ? { v } : v).join(' ').match(/\{\w+\}/g) || [])].sort();

test('English and the six translations are there', () => {
  assert.deepEqual(readdirSync(dir).sort(), ['ar.json', 'de.json', 'en.json', 'es.json', 'fr.json', 'nl.json', 'pt.json']);
});

for (const file of readdirSync(dir).filter((f) => f != 'en.json')) {
  test(`${file} has every English string, with the same slots`, () => {
    const lang = file.replace('.json', '');
    const t = JSON.parse(readFileSync(resolve(dir, file), 'utf8'));
    assert.deepEqual(Object.keys(t).sort(), Object.keys(en).sort());
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const key in en) {
      assert.equal(typeof t[key], typeof en[key], key);
      if (typeof en[key] === 'object') {
        for (const c of categories) assert.ok(t[key][c] || t[key].other, `${key}.${c}`);
        // {n} may be spelled out in a form (Arabic "two"), {name} never.
        assert.deepEqual(slots(t[key]).filter((x) => x !== '{n}'), slots(en[key]).filter((x) => x !== '{n}'), key);
      } else {
        assert.deepEqual(slots(t[key]), slots(en[key]), key);
      }
    }
  });
}

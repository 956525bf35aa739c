import { describe, expect, it } from 'vitest';
import { translator } from '../../../lib/i18n/catalog.js';
import { html } from './html.js';
import { scopeDescription, textWithMarkup } from './locale.js';

describe('catalog texts on pages', () => {
  it('puts markup only where a placeholder is, and escapes the value inside it', () => {
    const t = translator('zh-Hant');
    const lead = textWithMarkup(t, 'signIn.lead', { application: html`<strong>${'<img src=x>'}</strong>` });
    expect(lead.toString()).toBe('登入以繼續使用 <strong>&lt;img src=x&gt;</strong>');
  });

  it("words a known scope from the catalog and an unknown one with identity's description", () => {
    const t = translator('ko');
    expect(scopeDescription(t, { name: 'write', description: 'Change your profile' })).toBe(t('scope.write'));
    expect(scopeDescription(t, { name: 'custom', description: 'Custom thing' })).toBe('Custom thing');
  });
});

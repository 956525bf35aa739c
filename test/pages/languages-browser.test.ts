import { existsSync, mkdirSync } from 'node:fs';
import { generate } from 'otplib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogs, translate } from '../../lib/i18n/catalog.js';
import { LOCALES, type Locale } from '../../lib/i18n/locales.js';
import { goodPassword, register, uniqueEmail } from '../identity/auth-helpers.js';
import { bodyOf, linkIn, startMailCatcher } from '../support/mail-catcher.js';
import { startSmsReceiver } from '../support/sms-receiver.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';

/**
 * The hosted pages and mails in English, Korean and Traditional Chinese, in Debian's Chromium
 * (playwright-core) with mail on the real SMTP test server: the language each request chooses, that
 * every text a page shows comes from the catalog of its language, the contrast of themed text, and
 * the sign-in form's details (the address kept, the error tied to its fields). As the other browser
 * tests: a missing Chromium fails under CI and skips elsewhere.
 */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const runBrowserTests = haveChromium || Boolean(process.env['CI']);
if (!runBrowserTests) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

/** Screenshots of the sign-in page per language, for people to look at; the test compares strings. */
const ARTIFACTS = process.env['TEST_ARTIFACTS_DIR'];

const APP_NAME = 'Lantern Books';
const APP_DESCRIPTION = 'Lantern Books keeps your reading list.';
const callbackUrl = 'http://127.0.0.1:9/callback';

let stack: TestStack;
let browser: Browser;
let admin: TestUser;
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
let sms: Awaited<ReturnType<typeof startSmsReceiver>>;

beforeAll(async () => {
  if (!runBrowserTests) return;
  if (!haveChromium) throw new Error(`${CHROMIUM} is missing and CI is set`);
  [mail, sms] = await Promise.all([startMailCatcher(), startSmsReceiver()]);
  [stack, browser] = await Promise.all([
    startTestStack({ SMTP_URL: mail.url, SMS_WEBHOOK_URL: sms.url, REGISTRATION_ENABLED: 'true' }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    }),
  ]);
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await Promise.all([mail?.close(), sms?.close()]);
});

async function createApplication(theme: Record<string, string>) {
  const created = await stack.graphql<{ createApplication: { clientId: string } }>(
    'mutation ($input: CreateApplicationInput!) { createApplication(input: $input) { clientId } }',
    {
      token: admin.token,
      variables: { input: { name: APP_NAME, description: APP_DESCRIPTION, redirectUris: [callbackUrl], theme } },
    },
  );
  expect(created.errors).toBeUndefined();
  return created.data!.createApplication.clientId;
}

function authorizeUrl(clientId: string, extra: Record<string, string> = {}): string {
  const url = new URL('/oauth/authorize', stack.gatewayUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: callbackUrl,
    scope: 'read write',
    state: 'xyz',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return url.toString();
}

async function withPage(work: (page: Page) => Promise<void>, acceptLanguage?: string) {
  const context = await browser.newContext(acceptLanguage ? { locale: acceptLanguage } : {});
  const page = await context.newPage();
  try {
    await work(page);
  } finally {
    await context.close();
  }
}

const t = (locale: Locale, key: Parameters<typeof translate>[1], values?: Record<string, string | number>) =>
  translate(locale, key, values);

/** The page's `<html lang dir>`. */
const htmlLanguage = (page: Page) =>
  page.evaluate<{ lang: string; dir: string }>(
    '({ lang: document.documentElement.lang, dir: document.documentElement.dir })',
  );

async function expectSignInPage(page: Page, locale: Locale) {
  expect(await htmlLanguage(page)).toEqual({ lang: locale, dir: 'ltr' });
  expect(await page.title()).toBe(t(locale, 'signIn.pageTitle', { application: APP_NAME }));
  expect(await page.locator('h1').textContent()).toBe(t(locale, 'signIn.title'));
  expect(await page.locator('p.lead').textContent()).toBe(t(locale, 'signIn.lead', { application: APP_NAME }));
  await expect.poll(() => page.getByLabel(t(locale, 'page.emailLabel')).count()).toBe(1);
  expect(await page.getByLabel(t(locale, 'page.passwordLabel'), { exact: true }).count()).toBe(1);
  expect(await page.getByRole('button', { name: t(locale, 'signIn.submit') }).count()).toBe(1);
  expect(await page.getByRole('link', { name: t(locale, 'signIn.forgotPassword') }).count()).toBe(1);
  expect(await page.getByRole('link', { name: t(locale, 'signIn.createAccount') }).count()).toBe(1);
  if (ARTIFACTS) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/sign-in-${locale}.png`, fullPage: true });
  }
}

/**
 * Every text the page shows (each text-bearing element's text, and the title) that is neither a
 * text of `locale`'s catalog (its `{placeholders}` standing for any value) nor one of `data` (names
 * and addresses that are the members' and applications' own).
 */
async function textsNotFromCatalog(page: Page, locale: Locale, data: readonly string[]): Promise<string[]> {
  // Run in the page (a string: these tests compile without the DOM's types).
  const shown = await page.evaluate<string[]>(`(() => {
    const blocks = 'title, h1, p, label, button, a, li, div';
    const texts = new Set([document.title]);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const block = node.parentElement.closest(blocks) ?? node.parentElement;
      texts.add(block.textContent.replace(/\\s+/g, ' ').trim());
    }
    return [...texts];
  })()`);
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns = Object.values(catalogs[locale]).map(
    (text) => new RegExp(`^${escape(text.replace(/\s+/g, ' ').trim()).replace(/\\\{\w+\\\}/g, '.+')}$`, 's'),
  );
  return shown.filter((text) => !data.includes(text) && !patterns.some((pattern) => pattern.test(text)));
}

describe.skipIf(!runBrowserTests)('pages in three languages (Chromium)', () => {
  it.each(LOCALES)('renders the sign-in page in %s from ui_locales, whatever the browser prefers', async (locale) => {
    const clientId = await createApplication({});
    await withPage(async (page) => {
      await page.goto(authorizeUrl(clientId, { ui_locales: `fr-CA ${locale}` }));
      await expectSignInPage(page, locale);
    }, 'de-DE');
  });

  it.each([
    ['ko-KR,ko;q=0.9,en;q=0.5', 'ko'],
    ['fr;q=0.9, zh-TW;q=0.8, en;q=0.1', 'zh-Hant'],
    ['zh-CN, de', 'en'],
  ] as const)('renders the sign-in page for Accept-Language %s in %s', async (acceptLanguage, locale) => {
    const clientId = await createApplication({});
    await withPage(async (page) => {
      await page.setExtraHTTPHeaders({ 'accept-language': acceptLanguage });
      await page.goto(authorizeUrl(clientId));
      await expectSignInPage(page, locale);
    });
  });

  it.each(LOCALES)('shows only catalog texts of %s on every page a person can reach', async (locale) => {
    const clientId = await createApplication({});
    const email = uniqueEmail(`catalog-${locale.toLowerCase()}`);
    expect((await register(stack, { email, password: goodPassword })).errors).toBeUndefined();
    await mail.nextMailTo(email);
    const data = [APP_NAME, APP_DESCRIPTION, email];
    const ui = { ui_locales: locale };
    await withPage(async (page) => {
      const visit = async (url: string) => {
        await page.goto(url);
        expect(await htmlLanguage(page)).toEqual({ lang: locale, dir: 'ltr' });
        expect(await textsNotFromCatalog(page, locale, data), url).toEqual([]);
      };
      const seen: string[] = [];
      const check = async () => {
        expect(await htmlLanguage(page)).toEqual({ lang: locale, dir: 'ltr' });
        expect(await textsNotFromCatalog(page, locale, data), page.url()).toEqual([]);
        seen.push(await page.title());
      };
      // Sign-in, refused, then consent (the signed-in member's pages).
      await visit(authorizeUrl(clientId, ui));
      await page.getByLabel(t(locale, 'page.emailLabel')).fill(email);
      await page.getByLabel(t(locale, 'page.passwordLabel'), { exact: true }).fill('not-the-password');
      await page.getByRole('button', { name: t(locale, 'signIn.submit') }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toBe(t(locale, 'signIn.invalidCredentials'));
      await check();
      await page.getByLabel(t(locale, 'page.passwordLabel'), { exact: true }).fill(goodPassword);
      await page.getByRole('button', { name: t(locale, 'signIn.submit') }).click();
      await expect.poll(() => page.title()).toBe(t(locale, 'consent.title', { application: APP_NAME }));
      await check();
      // Forgot password, refused empty and sent; sign-up, refused; a bad reset and verification link.
      // Reached from the sign-in page: they carry its authorization request (and so "Back to sign in").
      const flow = new URL(authorizeUrl(clientId, ui)).search;
      await visit(new URL(`/oauth/forgot-password${flow}`, stack.gatewayUrl).toString());
      await page.getByRole('button', { name: t(locale, 'forgot.submit') }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toBe(t(locale, 'forgot.missingEmail'));
      await check();
      await page.getByLabel(t(locale, 'page.emailLabel')).fill(uniqueEmail('nobody'));
      await page.getByRole('button', { name: t(locale, 'forgot.submit') }).click();
      await expect.poll(() => page.title()).toBe(t(locale, 'forgot.sentTitle'));
      await check();
      expect(await page.getByRole('link', { name: t(locale, 'page.backToSignIn') }).count()).toBe(1);
      await visit(new URL(`/oauth/sign-up${flow}`, stack.gatewayUrl).toString());
      await page.getByLabel(t(locale, 'page.emailLabel')).fill(uniqueEmail('short'));
      await page.getByLabel(t(locale, 'page.passwordLabel'), { exact: true }).fill('x7#q');
      await page.getByRole('button', { name: t(locale, 'signUp.submit') }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain(t(locale, 'password.tooShort'));
      await check();
      // The refusal is about the password: it is the field marked, described and focused.
      const password = page.getByLabel(t(locale, 'page.passwordLabel'), { exact: true });
      expect(await password.getAttribute('aria-invalid')).toBe('true');
      expect(await password.getAttribute('aria-describedby')).toBe('form-error password-hint');
      expect(await page.getByLabel(t(locale, 'page.emailLabel')).getAttribute('aria-invalid')).toBeNull();
      expect(await page.evaluate<string>('document.activeElement.id')).toBe('password');
      await visit(new URL(`/oauth/reset-password?token=nope&ui_locales=${locale}`, stack.gatewayUrl).toString());
      expect(await page.title()).toBe(t(locale, 'reset.invalid.title'));
      await visit(new URL(`/oauth/verify-email?token=nope&ui_locales=${locale}`, stack.gatewayUrl).toString());
      expect(await page.title()).toBe(t(locale, 'verifyEmail.invalid.title'));
      // An error page: an application that does not exist.
      await visit(authorizeUrl('00000000-0000-0000-0000-000000000000', ui));
      expect(await page.title()).toBe(t(locale, 'error.unknownApplication.title'));
      expect(seen).toHaveLength(5);
    });
  });

  it.each(LOCALES)('shows only catalog texts of %s on the second-factor page, refused or not', async (locale) => {
    const clientId = await createApplication({});
    const email = uniqueEmail(`mfa-${locale.toLowerCase()}`);
    const registered = await register(stack, { email, password: goodPassword });
    expect(registered.errors).toBeUndefined();
    await mail.nextMailTo(email);
    const token = registered.data!.register.accessToken;
    const started = await stack.graphql<{ startTotpEnrollment: { otpauthUrl: string } }>(
      'mutation { startTotpEnrollment { otpauthUrl } }',
      { token },
    );
    const secret = new URL(started.data!.startTotpEnrollment.otpauthUrl).searchParams.get('secret')!;
    const confirmed = await stack.graphql(
      'mutation ($c: String!) { confirmTotpEnrollment(code: $c) { backupCodes } }',
      {
        token,
        variables: { c: await generate({ secret }) },
      },
    );
    expect(confirmed.errors).toBeUndefined();
    await withPage(async (page) => {
      await page.goto(authorizeUrl(clientId, { ui_locales: locale }));
      await page.getByLabel(t(locale, 'page.emailLabel')).fill(email);
      await page.getByLabel(t(locale, 'page.passwordLabel'), { exact: true }).fill(goodPassword);
      await page.getByRole('button', { name: t(locale, 'signIn.submit') }).click();
      await expect.poll(() => page.title()).toBe(t(locale, 'mfa.title'));
      expect(await htmlLanguage(page)).toEqual({ lang: locale, dir: 'ltr' });
      expect(await textsNotFromCatalog(page, locale, [])).toEqual([]);
      await page.getByLabel(t(locale, 'page.codeLabel')).fill('000000');
      await page.getByRole('button', { name: t(locale, 'page.verify') }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toBe(t(locale, 'mfa.wrongCode'));
      expect(await textsNotFromCatalog(page, locale, [])).toEqual([]);
      const code = page.getByLabel(t(locale, 'page.codeLabel'));
      expect(await code.getAttribute('aria-invalid')).toBe('true');
      expect(await code.getAttribute('aria-describedby')).toBe('form-error');
    });
  });

  it('draws every text, themed or not, at WCAG AA contrast (4.5:1) even with low-contrast theme colours', async () => {
    // #f4a261 on white is 2:1; #ffd166 under a white label is 1.4:1.
    const clientId = await createApplication({ primaryColor: '#ffd166', secondaryColor: '#f4a261' });
    const email = uniqueEmail('contrast');
    expect((await register(stack, { email, password: goodPassword })).errors).toBeUndefined();
    await mail.nextMailTo(email);
    await withPage(async (page) => {
      // Run in the page (a string: these tests compile without the DOM's types).
      const measure = () =>
        page.evaluate<{ text: string; color: string; background: string; ratio: number }[]>(`(() => {
          const channels = (color) => (color.match(/[\\d.]+/g) ?? []).map(Number);
          const luminance = (color) => {
            const [r, g, b] = channels(color).slice(0, 3).map((c) => {
              const s = c / 255;
              return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          // The first ancestor-or-self with an opaque background colour (the card, a button, an alert).
          const background = (element) => {
            for (let at = element; at; at = at.parentElement) {
              const color = getComputedStyle(at).backgroundColor;
              const alpha = channels(color)[3];
              if (color !== 'transparent' && (alpha === undefined || alpha > 0)) return color;
            }
            return 'rgb(255, 255, 255)';
          };
          const results = [];
          for (const element of document.body.querySelectorAll('*')) {
            const ownText = [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim());
            if (!ownText) continue;
            const color = getComputedStyle(element).color;
            const behind = background(element);
            const [light, dark] = [luminance(color), luminance(behind)].sort((a, b) => b - a);
            results.push({
              text: element.textContent.trim().slice(0, 40),
              color,
              background: behind,
              ratio: (light + 0.05) / (dark + 0.05),
            });
          }
          return results;
        })()`);
      await page.goto(authorizeUrl(clientId, { ui_locales: 'en' }));
      await page.getByLabel('E-mail address').fill(email);
      await page.getByLabel('Password', { exact: true }).fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').count()).toBe(1);
      const signIn = await measure();
      // The themed texts are there, in a shade of the theme's colour rather than the colour itself.
      const lead = signIn.find((entry) => entry.text.startsWith('to continue to'));
      expect(lead?.color).not.toBe('rgb(244, 162, 97)');
      expect(
        signIn.find((entry) => entry.text === 'Sign in' && entry.background === 'rgb(255, 209, 102)'),
      ).toBeTruthy();

      await page.getByLabel('Password', { exact: true }).fill(goodPassword);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.title()).toBe(`Allow ${APP_NAME}?`);
      const consent = await measure();
      expect(consent.find((entry) => entry.text === 'Deny')).toBeTruthy();
      const low = [...signIn, ...consent].filter((entry) => entry.ratio < 4.5);
      expect(low).toEqual([]);
    });
  });

  it('keeps the typed address after a refused sign-in and ties the error to the fields', async () => {
    const clientId = await createApplication({});
    const email = uniqueEmail('kept');
    await withPage(async (page) => {
      await page.goto(authorizeUrl(clientId, { ui_locales: 'ko' }));
      const emailField = page.getByLabel('이메일 주소');
      const passwordField = page.getByLabel('비밀번호', { exact: true });
      expect(await emailField.getAttribute('aria-invalid')).toBeNull();
      await emailField.fill(email);
      await passwordField.fill('wrong-password-1');
      await page.getByRole('button', { name: '로그인' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toBe(t('ko', 'signIn.invalidCredentials'));
      expect(await emailField.inputValue()).toBe(email);
      expect(await passwordField.inputValue()).toBe('');
      // The member fixes the password: focus is there, not back on the address.
      expect(await page.evaluate<string>('document.activeElement.id')).toBe('password');
      for (const field of [emailField, passwordField]) {
        expect(await field.getAttribute('aria-invalid')).toBe('true');
        const described = await field.getAttribute('aria-describedby');
        expect(described).toBeTruthy();
        expect(await page.locator(`#${described}`).textContent()).toBe(t('ko', 'signIn.invalidCredentials'));
      }
      // The form's order: address, password, button, then the links.
      await page.locator('body').focus();
      const order: string[] = [];
      await emailField.focus();
      for (let i = 0; i < 4; i += 1) {
        order.push(
          await page.evaluate<string>('document.activeElement.id || document.activeElement.textContent.trim()'),
        );
        await page.keyboard.press('Tab');
      }
      expect(order).toEqual(['email', 'password', '로그인', t('ko', 'signIn.forgotPassword')]);
    });
  });
});

/** A mail's decoded subject (RFC 2047 encoded words, as nodemailer writes non-ASCII ones). */
function subjectOf(raw: string): string {
  const header = /^subject:(.*(?:\r?\n[ \t].*)*)/im.exec(raw)?.[1] ?? '';
  return header
    .replace(/\r?\n[ \t]/g, '')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_whole, kind: string, text: string) =>
      kind.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          ).toString('utf8'),
    )
    .trim();
}

describe.skipIf(!runBrowserTests)('mails in the member’s language (real SMTP)', () => {
  it('mails the password reset link in Korean when the page was asked for with ui_locales=ko, and the link opens in Korean', async () => {
    const clientId = await createApplication({});
    const email = uniqueEmail('reset-ko');
    expect((await register(stack, { email, password: goodPassword })).errors).toBeUndefined();
    await mail.nextMailTo(email);
    await withPage(async (page) => {
      await page.goto(authorizeUrl(clientId, { ui_locales: 'ko' }));
      await page.getByRole('link', { name: t('ko', 'signIn.forgotPassword') }).click();
      await page.getByLabel(t('ko', 'page.emailLabel')).fill(email);
      await page.getByRole('button', { name: t('ko', 'forgot.submit') }).click();
      await expect.poll(() => page.title()).toBe(t('ko', 'forgot.sentTitle'));
      const message = await mail.nextMailTo(email);
      expect(subjectOf(message.raw)).toBe(t('ko', 'mail.passwordReset.subject'));
      const link = linkIn(message.raw, '/oauth/reset-password');
      expect(bodyOf(message.raw)).toContain('비밀번호 재설정이 요청되었습니다');
      expect(bodyOf(message.raw).replace(/\r\n/g, '\n')).toBe(
        t('ko', 'mail.passwordReset.body', { link: link.toString(), minutes: 30 }),
      );
      await page.goto(new URL(link.pathname + link.search, stack.gatewayUrl).toString());
      expect(await htmlLanguage(page)).toEqual({ lang: 'ko', dir: 'ltr' });
      expect(await page.title()).toBe(t('ko', 'reset.title'));
    });
  });

  it('mails the sign-up verification in Traditional Chinese from a zh-Hant sign-up page, and its link opens in zh-Hant', async () => {
    const clientId = await createApplication({});
    const email = uniqueEmail('signup-zh');
    await withPage(async (page) => {
      await page.goto(authorizeUrl(clientId, { ui_locales: 'zh-TW' }));
      await page.getByRole('link', { name: t('zh-Hant', 'signIn.createAccount') }).click();
      await page.getByLabel(t('zh-Hant', 'page.emailLabel')).fill(email);
      await page.getByLabel(t('zh-Hant', 'page.passwordLabel'), { exact: true }).fill(goodPassword);
      await page.getByRole('button', { name: t('zh-Hant', 'signUp.submit') }).click();
      await expect.poll(() => page.title()).toBe(t('zh-Hant', 'consent.title', { application: APP_NAME }));
      const message = await mail.nextMailTo(email);
      const body = bodyOf(message.raw).replace(/\r\n/g, '\n');
      const code = /\b(\d{6})\b/.exec(body)?.[1] ?? '';
      const link = linkIn(message.raw, '/oauth/verify-email');
      expect(subjectOf(message.raw)).toBe(t('zh-Hant', 'mail.verifyAddress.subject', { code }));
      expect(body).toBe(t('zh-Hant', 'mail.verifyAddress.body', { link: link.toString(), code, minutes: 10 }));
      await page.goto(new URL(link.pathname + link.search, stack.gatewayUrl).toString());
      expect(await htmlLanguage(page)).toEqual({ lang: 'zh-Hant', dir: 'ltr' });
      expect(await page.title()).toBe(t('zh-Hant', 'verifyEmail.verified.title'));
    });
  });

  it('mails the business e-mail code in Korean to a member whose profile language is ko', async () => {
    const member = await stack.createUser();
    const profile = await stack.graphql('mutation { updateMyProfile(input: { language: "ko-KR" }) { language } }', {
      token: member.token,
    });
    expect(profile.errors).toBeUndefined();
    const target = uniqueEmail('business-ko');
    const started = await stack.graphql<{ startBusinessEmailVerification: { challengeId: string } }>(
      'mutation ($email: String!) { startBusinessEmailVerification(email: $email) { challengeId } }',
      { token: member.token, variables: { email: target }, headers: { 'accept-language': 'en-US' } },
    );
    expect(started.errors).toBeUndefined();
    const message = await mail.nextMailTo(target);
    const body = bodyOf(message.raw);
    const code = /\b(\d{6})\b/.exec(body)?.[1];
    expect(code).toBeTruthy();
    expect(subjectOf(message.raw)).toBe(t('ko', 'mail.businessEmail.subject', { code: code! }));
    expect(body.replace(/\r\n/g, '\n')).toBe(t('ko', 'mail.businessEmail.body', { code: code!, minutes: 10 }));
  });

  it.each([
    ['zh-TW', undefined, 'zh-Hant'],
    [null, 'ko-KR,ko;q=0.9', 'ko'],
  ] as const)(
    'texts the business phone code by profile language %s, else Accept-Language %s: %s',
    async (language, acceptLanguage, locale) => {
      const member = await stack.createUser();
      if (language) {
        const profile = await stack.graphql(
          `mutation { updateMyProfile(input: { language: "${language}" }) { language } }`,
          {
            token: member.token,
          },
        );
        expect(profile.errors).toBeUndefined();
      }
      const phone = `+8869${String(Date.now() % 1e6).padStart(6, '0')}${locale === 'ko' ? '11' : '22'}`;
      const started = await stack.graphql(
        'mutation ($phone: String!) { startBusinessPhoneVerification(phone: $phone) { challengeId } }',
        {
          token: member.token,
          variables: { phone },
          headers: { 'accept-language': acceptLanguage ?? 'en-US' },
        },
      );
      expect(started.errors).toBeUndefined();
      await expect.poll(() => sms.received.some((m) => m.to === phone)).toBe(true);
      const text = sms.received.find((m) => m.to === phone)!.message;
      const code = /\b(\d{6})\b/.exec(text)?.[1] ?? '';
      expect(text).toBe(t(locale, 'sms.businessPhone.body', { code, minutes: 10 }));
    },
  );
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '../support/stack.js';
import { answer, invalid, isoTimestamp, refusal, startOAuthStack } from './oauth-client.js';
import { gif, jpeg, png, webpLossless, webpLossy } from './picture-fixtures.js';

/** seed 004 `POST /api/v1/users/me/profile-picture`, the picture URLs, and the GraphQL behind them. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startOAuthStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** PROFILE_PICTURE_MAX_BYTES's default: the stack runs with it. */
const MAX_BYTES = 2 * 1024 * 1024;

interface Part {
  readonly bytes: Buffer;
  readonly type?: string;
  readonly filename?: string;
  readonly field?: string;
}

async function upload(token: string | undefined, ...parts: Part[]) {
  const form = new FormData();
  for (const part of parts) {
    const blob = new Blob([part.bytes], { type: part.type ?? 'image/png' });
    form.append(part.field ?? 'file', blob, part.filename ?? 'picture.png');
  }
  const response = await fetch(`${stack.gatewayUrl}/api/v1/users/me/profile-picture`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The absolute URL the member's picture gets: content-addressed by the bytes' SHA-256. */
const pictureUrl = (userId: string, bytes: Buffer) =>
  expect.stringMatching(new RegExp(`^https?://[^/]+/media/profile-pictures/${userId}/${sha256(bytes)}$`)) as string;

/** Fetches a picture URL from the gateway under test (the URL's origin is PUBLIC_URL's). */
function fetchPicture(url: string, headers: Record<string, string> = {}) {
  return fetch(`${stack.gatewayUrl}${new URL(url).pathname}`, { headers });
}

async function profilePicture(token: string): Promise<string | null> {
  const { status, body } = await answer(stack, 'GET', '/api/v1/users/me', { token });
  expect(status).toBe(200);
  return body['profile_picture'] as string | null;
}

async function expectServed(url: string, bytes: Buffer, contentType: string) {
  const response = await fetchPicture(url);
  expect(response.status).toBe(200);
  expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  expect(Object.fromEntries(response.headers)).toMatchObject({
    'content-type': contentType,
    'content-length': String(bytes.length),
    'cache-control': 'public, max-age=31536000, immutable',
    etag: `"${sha256(bytes)}"`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
  });
}

function updateAvatarUrl(token: string, avatarUrl: string | null) {
  return stack.graphql<{ updateMyProfile: { avatarUrl: string | null } }>(
    'mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { avatarUrl } }',
    { token, variables: { input: { avatarUrl } } },
  );
}

describe('POST /api/v1/users/me/profile-picture', () => {
  it('stores a PNG and answers the user as GET /users/me does, profile_picture its new URL', async () => {
    const user = await stack.createUser();
    const picture = png([10, 20, 30]);
    const expected = {
      status: 200,
      body: {
        id: user.id,
        email: user.email,
        email_verified: false,
        username: null,
        full_name: null,
        role: 'user',
        profile_picture: pictureUrl(user.id, picture),
        created_at: isoTimestamp,
        last_login: null,
      },
    };
    expect(await upload(user.token, { bytes: picture })).toEqual(expected);
    expect(await answer(stack, 'GET', '/api/v1/users/me', { token: user.token })).toEqual(expected);
    await expectServed((await profilePicture(user.token))!, picture, 'image/png');
  });

  it('serves pictures to anyone, revalidates with 304, and forgets a replaced picture', async () => {
    const user = await stack.createUser();
    const first = png([1, 1, 1]);
    await upload(user.token, { bytes: first });
    const firstUrl = (await profilePicture(user.token))!;

    const revalidated = await fetchPicture(firstUrl, { 'if-none-match': `"${sha256(first)}"` });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    expect(revalidated.headers.get('etag')).toBe(`"${sha256(first)}"`);
    expect((await fetchPicture(firstUrl, { 'if-none-match': '"something-else"' })).status).toBe(200);

    const second = png([2, 2, 2]);
    expect((await upload(user.token, { bytes: second })).body['profile_picture']).toEqual(pictureUrl(user.id, second));
    await expectServed((await profilePicture(user.token))!, second, 'image/png');
    // The old URL named the old bytes: gone, even for a client that still has them.
    expect((await fetchPicture(firstUrl)).status).toBe(404);
    expect((await fetchPicture(firstUrl, { 'if-none-match': `"${sha256(first)}"` })).status).toBe(404);
  });

  it('answers 404 for an unknown user, a wrong hash or a malformed path', async () => {
    const user = await stack.createUser();
    const picture = png([3, 3, 3]);
    await upload(user.token, { bytes: picture });
    const other = await stack.createUser();
    for (const path of [
      `/media/profile-pictures/${other.id}/${sha256(picture)}`,
      `/media/profile-pictures/${user.id}/${sha256(png([4, 4, 4]))}`,
      `/media/profile-pictures/${user.id}/not-a-hash`,
      `/media/profile-pictures/not-a-uuid/${sha256(picture)}`,
    ]) {
      const response = await fetch(`${stack.gatewayUrl}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ error: 'not_found', message: 'No such picture', details: {} });
    }
  });

  it('recognises the type from the bytes, never from the declared type or name', async () => {
    const user = await stack.createUser();
    const picture = png([5, 5, 5]);
    // A PNG declared as a GIF is a PNG.
    expect((await upload(user.token, { bytes: picture, type: 'image/gif', filename: 'x.gif' })).status).toBe(200);
    await expectServed((await profilePicture(user.token))!, picture, 'image/png');

    for (const [bytes, contentType] of [
      [jpeg(), 'image/jpeg'],
      [webpLossless, 'image/webp'],
      [webpLossy, 'image/webp'],
    ] as const) {
      expect((await upload(user.token, { bytes, type: 'application/octet-stream', filename: 'blob' })).status).toBe(
        200,
      );
      await expectServed((await profilePicture(user.token))!, bytes, contentType);
    }
  });

  it('refuses a GIF, text or HTML declared as PNG with 422 and keeps the previous picture', async () => {
    const user = await stack.createUser();
    const picture = png([6, 6, 6]);
    await upload(user.token, { bytes: picture });
    const url = await profilePicture(user.token);
    const notAnImage = refusal(422, 'validation_failed', 'file must be a PNG, JPEG or WebP image', {
      fields: [{ field: 'file', message: 'must be a PNG, JPEG or WebP image' }],
    });
    for (const bytes of [gif, Buffer.from('just text'), Buffer.from('<html><script>alert(1)</script></html>')]) {
      expect(await upload(user.token, { bytes, type: 'image/png', filename: 'x.png' })).toEqual(notAnImage);
    }
    expect(await profilePicture(user.token)).toBe(url);
    await expectServed(url!, picture, 'image/png');
  });

  it('accepts a picture of exactly PROFILE_PICTURE_MAX_BYTES', async () => {
    const user = await stack.createUser();
    const picture = png([7, 7, 7], MAX_BYTES);
    expect((await upload(user.token, { bytes: picture })).status).toBe(200);
    await expectServed((await profilePicture(user.token))!, picture, 'image/png');
  });

  it('refuses a larger one with 413 and changes nothing', async () => {
    const user = await stack.createUser();
    const picture = png([8, 8, 8]);
    await upload(user.token, { bytes: picture });
    const url = await profilePicture(user.token);
    const tooLarge = refusal(413, 'payload_too_large', `The picture must be at most ${MAX_BYTES} bytes`, {
      max_bytes: MAX_BYTES,
    });
    // Just over: cut off while reading. Far over: refused from Content-Length before reading.
    expect(await upload(user.token, { bytes: png([9, 9, 9], MAX_BYTES + 1) })).toEqual(tooLarge);
    expect(await upload(user.token, { bytes: png([9, 9, 9], 3 * MAX_BYTES) })).toEqual(tooLarge);
    expect(await profilePicture(user.token)).toBe(url);
    await expectServed(url!, picture, 'image/png');
  });

  it('accepts any single file part, and prefers the one named file', async () => {
    const user = await stack.createUser();
    const single = png([11, 11, 11]);
    expect((await upload(user.token, { bytes: single, field: 'avatar' })).status).toBe(200);
    await expectServed((await profilePicture(user.token))!, single, 'image/png');

    const named = png([12, 12, 12]);
    const response = await upload(user.token, { bytes: png([13, 13, 13]), field: 'other' }, { bytes: named });
    expect(response.status).toBe(200);
    await expectServed((await profilePicture(user.token))!, named, 'image/png');

    expect(
      await upload(user.token, { bytes: png([14, 14, 14]), field: 'a' }, { bytes: png([15, 15, 15]), field: 'b' }),
    ).toEqual(
      refusal(422, 'validation_failed', 'file is ambiguous: send one file part, or name the picture part file', {
        fields: [{ field: 'file', message: 'is ambiguous: send one file part, or name the picture part file' }],
      }),
    );
  });

  it('refuses an empty file, a form without a file, and a JSON body with 422', async () => {
    const user = await stack.createUser();
    const missing = refusal(
      422,
      'validation_failed',
      'file is missing or empty: send the picture as a multipart/form-data file part named file',
      {
        fields: [
          {
            field: 'file',
            message: 'is missing or empty: send the picture as a multipart/form-data file part named file',
          },
        ],
      },
    );
    expect(await upload(user.token, { bytes: Buffer.alloc(0) })).toEqual(missing);

    const form = new FormData();
    form.append('note', 'no file here');
    const noFile = await fetch(`${stack.gatewayUrl}/api/v1/users/me/profile-picture`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}` },
      body: form,
    });
    expect({ status: noFile.status, body: await noFile.json() }).toEqual(missing);

    expect(
      await answer(stack, 'POST', '/api/v1/users/me/profile-picture', {
        token: user.token,
        body: { file: png().toString('base64') },
      }),
    ).toEqual(invalid('body.file'));
    expect(await profilePicture(user.token)).toBeNull();
  });

  it('refuses a missing or invalid bearer with 401 and stores nothing', async () => {
    expect(await upload(undefined, { bytes: png() })).toEqual(
      refusal(401, 'unauthenticated', 'Authentication is required'),
    );
    expect(await upload('not.a.token', { bytes: png() })).toEqual(
      refusal(401, 'invalid_token', 'The token is invalid or expired'),
    );
  });
});

describe('one avatar: the uploaded picture or an explicit avatarUrl', () => {
  it('an explicit avatarUrl deletes the uploaded picture; its own URL saved back keeps it', async () => {
    const user = await stack.createUser();
    const picture = png([20, 20, 20]);
    await upload(user.token, { bytes: picture });
    const url = (await profilePicture(user.token))!;

    // A profile form saved back with what it read changes nothing.
    const savedBack = await updateAvatarUrl(user.token, url);
    expect(savedBack.errors).toBeUndefined();
    expect(savedBack.data?.updateMyProfile.avatarUrl).toBe(url);
    await expectServed(url, picture, 'image/png');

    const explicit = await updateAvatarUrl(user.token, 'https://cdn.example.com/me.png');
    expect(explicit.data?.updateMyProfile.avatarUrl).toBe('https://cdn.example.com/me.png');
    expect(await profilePicture(user.token)).toBe('https://cdn.example.com/me.png');
    expect((await fetchPicture(url)).status).toBe(404);

    // Clearing the explicit URL leaves no avatar: the upload is gone for good.
    await updateAvatarUrl(user.token, null);
    expect(await profilePicture(user.token)).toBeNull();
  });

  it('an upload replaces an explicit avatarUrl', async () => {
    const user = await stack.createUser();
    expect((await updateAvatarUrl(user.token, 'https://cdn.example.com/old.png')).errors).toBeUndefined();
    const picture = png([21, 21, 21]);
    expect((await upload(user.token, { bytes: picture })).body['profile_picture']).toEqual(
      pictureUrl(user.id, picture),
    );
  });
});

describe('setMyProfilePicture / removeMyProfilePicture (GraphQL)', () => {
  const setPicture = (token: string | undefined, imageBase64: string) =>
    stack.graphql<{ setMyProfilePicture: { avatarUrl: string | null } }>(
      'mutation ($image: String!) { setMyProfilePicture(imageBase64: $image) { avatarUrl } }',
      { variables: { image: imageBase64 }, ...(token ? { token } : {}) },
    );

  it('takes a base64 picture of PROFILE_PICTURE_MAX_BYTES over /graphql', async () => {
    const user = await stack.createUser();
    const picture = png([30, 30, 30], MAX_BYTES);
    const response = await setPicture(user.token, picture.toString('base64'));
    expect(response.errors).toBeUndefined();
    expect(response.data?.setMyProfilePicture.avatarUrl).toEqual(pictureUrl(user.id, picture));
    await expectServed(response.data!.setMyProfilePicture.avatarUrl!, picture, 'image/png');
  });

  it('refuses what is not a picture or is not base64, naming the argument, and what is too large', async () => {
    const user = await stack.createUser();
    for (const [image, message] of [
      [gif.toString('base64'), 'must be a PNG, JPEG or WebP image'],
      ['%%%', 'must be standard base64'],
    ] as const) {
      const response = await setPicture(user.token, image);
      expect(response.errors?.[0]?.extensions).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { fields: [{ field: 'imageBase64', message }] },
      });
    }
    const tooLarge = await setPicture(user.token, png([1, 2, 3], MAX_BYTES + 1).toString('base64'));
    expect(tooLarge.errors?.[0]?.extensions).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      details: { maxBytes: MAX_BYTES },
      http: { status: 413 },
    });
  });

  it('removes the avatar, and the picture URL stops answering', async () => {
    const user = await stack.createUser();
    const set = await setPicture(user.token, png([31, 31, 31]).toString('base64'));
    const url = set.data!.setMyProfilePicture.avatarUrl!;
    const removed = await stack.graphql<{ removeMyProfilePicture: { avatarUrl: string | null } }>(
      'mutation { removeMyProfilePicture { avatarUrl } }',
      { token: user.token },
    );
    expect(removed.errors).toBeUndefined();
    expect(removed.data).toEqual({ removeMyProfilePicture: { avatarUrl: null } });
    expect((await fetchPicture(url)).status).toBe(404);
    expect(await profilePicture(user.token)).toBeNull();
  });

  it('refuses anonymous callers with UNAUTHENTICATED', async () => {
    const response = await setPicture(undefined, png().toString('base64'));
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    const removed = await stack.graphql('mutation { removeMyProfilePicture { avatarUrl } }');
    expect(removed.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

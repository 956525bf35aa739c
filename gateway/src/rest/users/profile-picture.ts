import { z } from 'zod';
import { AppError } from '../../../../lib/errors/index.js';
import { OAuthSetMyProfilePictureDocument } from '../../generated/graphql.js';
import { MultipartUpload, type UploadOutcome } from '../../http/multipart-upload.js';
import { declareRoute, type RouteDeclaration } from '../route.js';
import { meResponse } from '../oauth-shapes.js';
import { currentUser } from './users-me.js';

/** seed 004 `413 payload_too_large`, with the limit in `details.max_bytes`. */
function pictureTooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The picture must be at most ${maxBytes} bytes`, {
    details: { max_bytes: maxBytes },
  });
}

function refusedFile(message: string): AppError {
  return new AppError('VALIDATION_FAILED', `file ${message}`, { details: { fields: [{ field: 'file', message }] } });
}

function pictureBytes(outcome: UploadOutcome): Buffer {
  switch (outcome.kind) {
    case 'file':
      return outcome.bytes;
    case 'too_large':
      throw pictureTooLarge(outcome.maxBytes);
    case 'missing':
      throw refusedFile('is missing or empty: send the picture as a multipart/form-data file part named file');
    case 'ambiguous':
      throw refusedFile('is ambiguous: send one file part, or name the picture part file');
    case 'too_many_parts':
      throw refusedFile('could not be read: the multipart/form-data body has too many parts');
    case 'malformed':
      throw refusedFile('could not be read: the multipart/form-data body is malformed');
  }
}

/** The member service's too-large, in the upload's terms: 413 here as well. */
function legacyPictureError(error: unknown): unknown {
  if (error instanceof AppError && error.code === 'PAYLOAD_TOO_LARGE' && typeof error.details['maxBytes'] === 'number')
    return pictureTooLarge(error.details['maxBytes']);
  return error;
}

const upload = z.object({
  file: z
    .instanceof(MultipartUpload, { message: 'Send the picture as multipart/form-data with one file part' })
    .meta({ type: 'string', format: 'binary', description: 'multipart/form-data file part (named file)' }),
});

/** seed 004 `POST /users/me/profile-picture`. */
export const profilePictureRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'post',
    path: '/api/v1/users/me/profile-picture',
    auth: 'bearer',
    rateLimit: 'general',
    summary:
      "Uploads the signed-in member's picture (multipart/form-data; PNG, JPEG or WebP, recognised from the " +
      'bytes) and returns the user as GET /users/me does, with profile_picture its new URL',
    tags: ['oauth: users'],
    body: upload,
    bodyFormat: 'multipart',
    response: meResponse,
    legacyFieldNames: { imageBase64: 'file' },
    errors: {
      401: 'No bearer token, or it is invalid, expired or of an ended session',
      413: 'The picture is larger than PROFILE_PICTURE_MAX_BYTES (`details.max_bytes`)',
      422: 'No file, an empty one, or bytes that are not a PNG, JPEG or WebP image (whatever the declared type)',
    },
    async handle({ body, graphql }) {
      const bytes = pictureBytes(await body.file.read());
      try {
        await graphql(OAuthSetMyProfilePictureDocument, { imageBase64: bytes.toString('base64') });
      } catch (error) {
        throw legacyPictureError(error);
      }
      return { body: await currentUser(graphql) };
    },
  }),
];

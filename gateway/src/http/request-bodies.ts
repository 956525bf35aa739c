import express from 'express';
import { refuseBodiesOver } from './body-limit.js';
import { jsonBody } from './json-body.js';

/**
 * The body parsers of the REST layer and the token endpoint, declared once: the rate limiter reads
 * the credential of a token or refresh request with the very parser its route then finds done.
 */

/** The largest JSON body a REST route reads (the picture upload is multipart, read by its route). */
export const REST_BODY_LIMIT_BYTES = 1024 * 1024;

/** A REST route's JSON body, refused as soon as it passes the limit. */
export const restJsonBody = refuseBodiesOver(REST_BODY_LIMIT_BYTES, jsonBody({ limit: REST_BODY_LIMIT_BYTES }));

/** `POST /oauth/token`'s form (RFC 6749 §4.1.3): a handful of short parameters. */
export const tokenFormBody = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 32 });

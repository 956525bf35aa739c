import { once } from 'node:events';
import { createServer } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env.js';
import { listen } from './listen.js';

describe('listen', () => {
  it('names the component and the variable that sets its port when the port is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      const refusal = listen(express(), port, '127.0.0.1', {
        component: 'the catalog subgraph',
        variable: 'CATALOG_PORT',
      });
      // A ConfigError: entry points stop with its message (startOrExit), not with a stack trace.
      await expect(refusal).rejects.toBeInstanceOf(ConfigError);
      await expect(refusal).rejects.toThrow(
        new RegExp(`CATALOG_PORT: 127\\.0\\.0\\.1:${port} is already in use.*the catalog subgraph`),
      );
    } finally {
      taken.close();
    }
  });
});

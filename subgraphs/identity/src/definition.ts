import { createAccessTokenVerifier } from '../../../lib/auth/access-token.js';
import { createSecretBox } from '../../../lib/crypto/secret-box.js';
import { OutboxEvent } from '../../../lib/events/outbox-event.entity.js';
import type { SubgraphDefinition } from '../../../lib/http/subgraph-definition.js';
import { UserAdminService } from './admin/user-admin.service.js';
import { AuthService } from './auth/auth.service.js';
import { ensureBootstrapAdmin, ensureDefaultTenant } from './bootstrap.js';
import { SigningKey } from './keys/signing-key.entity.js';
import { SigningKeyService } from './keys/signing-key.service.js';
import { migrations } from './migrations/index.js';
import { buildIdentitySchema } from './schema.js';
import { RefreshToken } from './session/refresh-token.entity.js';
import { Session } from './session/session.entity.js';
import { SessionService } from './session/session.service.js';
import { Tenant } from './tenant/tenant.entity.js';
import { TenantService } from './tenant/tenant.service.js';
import { decoyPasswordHash } from './user/password.js';
import { UserAccount } from './user/user.entity.js';
import { UserDirectory } from './user/user.service.js';

export interface IdentityServices {
  readonly signingKeys: SigningKeyService;
  readonly users: UserDirectory;
  readonly sessions: SessionService;
  readonly auth: AuthService;
}

export const identitySubgraph: SubgraphDefinition<IdentityServices> = {
  name: 'identity',
  entities: [Tenant, UserAccount, SigningKey, Session, RefreshToken, OutboxEvent],
  migrations,
  buildSchema: () => buildIdentitySchema(),
  async create({ config, database, logger, secretKey, revocations }) {
    const signingKeys = new SigningKeyService(
      () => database.fork(),
      createSecretBox(secretKey, 'signing-keys'),
      config.publicUrl,
    );
    const users = new UserDirectory();
    const sessions = new SessionService(revocations);
    const auth = new AuthService(signingKeys, sessions, { registrationEnabled: config.registrationEnabled });
    return {
      schema: await buildIdentitySchema({
        users,
        auth,
        userAdmin: new UserAdminService(sessions),
        tenants: new TenantService(),
      }),
      async onStart() {
        await ensureDefaultTenant(database.fork());
        if (config.bootstrapAdmin) await ensureBootstrapAdmin(database.fork(), config.bootstrapAdmin, logger);
        await signingKeys.ensureKey();
        // The first unknown-email sign-in must not be slower than the others.
        await decoyPasswordHash();
      },
      routes(app) {
        app.get('/.well-known/jwks.json', async (_req, res, next) => {
          try {
            res.set('Cache-Control', 'public, max-age=300').json(await signingKeys.jwks());
          } catch (error) {
            next(error);
          }
        });
        // Gateways without Redis follow this feed (lib/auth/revocation.ts PollingRevocations).
        app.get('/sessions/revocations', async (req, res, next) => {
          try {
            const since = new Date(typeof req.query['since'] === 'string' ? req.query['since'] : 0);
            if (Number.isNaN(since.getTime())) {
              res.status(400).json({ error: 'since must be an ISO date' });
              return;
            }
            res.json(await sessions.revokedSince(database.fork(), since));
          } catch (error) {
            next(error);
          }
        });
      },
      verifier: createAccessTokenVerifier({ issuer: config.publicUrl, jwks: signingKeys.keyResolver() }),
      services: { signingKeys, users, sessions, auth },
    };
  },
};

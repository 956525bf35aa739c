import { createAccessTokenVerifier } from '../../../lib/auth/access-token.js';
import { createSecretBox } from '../../../lib/crypto/secret-box.js';
import type { SubgraphDefinition } from '../../../lib/http/subgraph-definition.js';
import { ensureBootstrapAdmin, ensureDefaultTenant } from './bootstrap.js';
import { SigningKey } from './keys/signing-key.entity.js';
import { SigningKeyService } from './keys/signing-key.service.js';
import { migrations } from './migrations/index.js';
import { buildIdentitySchema } from './schema.js';
import { Tenant } from './tenant/tenant.entity.js';
import { UserAccount } from './user/user.entity.js';
import { UserDirectory } from './user/user.service.js';

export interface IdentityServices {
  readonly signingKeys: SigningKeyService;
  readonly users: UserDirectory;
}

export const identitySubgraph: SubgraphDefinition<IdentityServices> = {
  name: 'identity',
  entities: [Tenant, UserAccount, SigningKey],
  migrations,
  buildSchema: () => buildIdentitySchema(),
  async create({ config, database, logger, secretKey }) {
    const signingKeys = new SigningKeyService(
      () => database.fork(),
      createSecretBox(secretKey, 'signing-keys'),
      config.publicUrl,
    );
    const users = new UserDirectory();
    return {
      schema: await buildIdentitySchema({ users }),
      async onStart() {
        await ensureDefaultTenant(database.fork());
        if (config.bootstrapAdmin) await ensureBootstrapAdmin(database.fork(), config.bootstrapAdmin, logger);
        await signingKeys.ensureKey();
      },
      routes(app) {
        app.get('/.well-known/jwks.json', async (_req, res, next) => {
          try {
            res.set('Cache-Control', 'public, max-age=300').json(await signingKeys.jwks());
          } catch (error) {
            next(error);
          }
        });
      },
      verifier: createAccessTokenVerifier({ issuer: config.publicUrl, jwks: signingKeys.keyResolver() }),
      services: { signingKeys, users },
    };
  },
};

// OpenID Connect test identity provider for the Podium test suite.
//
// Usage: node provider.mjs [PORT]   (or PORT=... node provider.mjs)
// Env:   CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS (comma-separated).
// Prints "READY <issuer>" on stdout once listening on 127.0.0.1.
//
// Any login name is accepted on the built-in (devInteractions) login page and
// becomes the subject (see CLAIM_PREFIXES for unverified addresses); consent is granted automatically. Login "error" makes
// the provider redirect back with error=access_denied, "error:<code>" with
// error=<code>.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.argv[2] || process.env.PORT);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node provider.mjs PORT (or set PORT)');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const redirectUris = (process.env.REDIRECT_URIS || '')
  .split(',').map((uri) => uri.trim()).filter(Boolean);
if (redirectUris.length === 0) {
  console.error('REDIRECT_URIS must list at least one redirect URI');
  process.exit(2);
}

/** "alice.smith" -> "Alice Smith"; "bob@example.org" -> "Bob". */
function displayName(login) {
  return login.split('@')[0].split(/[._+\-\s]+/).filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1).toLowerCase())
    .join(' ') || login;
}

// "unverified:<email>" claims <email> with email_verified false, "unclaimed:<email>" claims it with no
// email_verified at all: how an attacker's account at a lax provider looks.
const CLAIM_PREFIXES = { 'unverified:': false, 'unclaimed:': undefined };

function findAccount(ctx, login) {
  const prefix = Object.keys(CLAIM_PREFIXES).find((p) => login.startsWith(p));
  const address = prefix ? login.slice(prefix.length) : login;
  return {
    accountId: login,
    async claims() {
      const claims = {
        sub: login,
        email: address.includes('@') ? address : `${address}@example.test`,
        email_verified: prefix ? CLAIM_PREFIXES[prefix] : !login.startsWith('unverified'),
        name: displayName(address),
      };
      if (claims.email_verified === undefined) delete claims.email_verified;
      return claims;
    },
  };
}

/** Auto-consent: grant whatever OIDC scopes/claims the request asks for. */
async function loadExistingGrant(ctx) {
  const { Grant } = ctx.oidc.provider;
  const accountId = ctx.oidc.account.accountId;
  const clientId = ctx.oidc.client.clientId;
  const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(clientId);
  let grant = grantId ? await Grant.find(grantId) : undefined;
  if (!grant || grant.accountId !== accountId) grant = new Grant({ accountId, clientId });
  grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
  const claims = [...ctx.oidc.requestParamClaims];
  if (claims.length) grant.addOIDCClaims(claims);
  await grant.save();
  return grant;
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID || 'podium-test',
    client_secret: process.env.CLIENT_SECRET || 'podium-test-secret',
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // client_secret_post is accepted as well for secret-based clients.
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  scopes: ['openid', 'email', 'profile'],
  responseTypes: ['code'],
  cookies: { keys: [randomBytes(32).toString('hex')] },
  jwks: {
    keys: [{
      ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
      kid: 'podium-test', use: 'sig', alg: 'RS256',
    }],
  },
  features: { devInteractions: { enabled: true }, userinfo: { enabled: true } },
  pkce: { required: () => true },
  findAccount,
  loadExistingGrant,
});

// Login names "error" / "error:<code>" abort the interaction with that error.
provider.use(async (ctx, next) => {
  if (ctx.method !== 'POST' || !/^\/interaction\/[^/]+$/.test(ctx.path)) return next();
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const raw = Buffer.concat(chunks).toString('utf8');
  const form = new URLSearchParams(raw);
  const match = form.get('prompt') === 'login' && /^error(?::(.+))?$/.exec(form.get('login') || '');
  if (!match) {
    ctx.req.body = raw; // the built-in form handler falls back to req.body
    return next();
  }
  ctx.respond = false;
  return provider.interactionFinished(ctx.req, ctx.res, {
    error: match[1] || 'access_denied',
    error_description: 'error requested by the test login name',
  }, { mergeWithLastSubmission: false });
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`READY ${issuer}`);
});

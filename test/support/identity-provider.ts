import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { listen } from '../../local/listen';

/** Where the stand-in publishes its key set unless told otherwise: not the conventional `/.well-known/jwks.json`. */
const KEYS_PATH = '/keys/2026-11/signing.json';

/** A running stand-in for an OpenID Provider: its issuer URL, discovery document and key set. */
export interface IdentityProvider {
  /** Its issuer URL: the discovery document is at `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** The URL of its key set (the discovery document's `jwks_uri`). */
  readonly jwksUrl: string;
  /** The paths it was asked for, in order. */
  readonly requests: readonly string[];
  /** Publishes the keys it serves from now on. */
  publish(jwks: JSONWebKeySet): void;
  close(): Promise<void>;
}

/**
 * Starts an OpenID Provider stand-in on loopback: the issuer `http://127.0.0.1:<port>/issuer`, its discovery
 * document, and the key set at `keysPath` (a path of its own), as an identity provider such as Cognito serves them.
 */
export const startIdentityProvider = async (keysPath: string = KEYS_PATH): Promise<IdentityProvider> => {
  let published: JSONWebKeySet = { keys: [] };
  const requests: string[] = [];
  let origin = '';
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    const body =
      path === '/issuer/.well-known/openid-configuration'
        ? { issuer: `${origin}/issuer`, jwks_uri: `${origin}${keysPath}`, response_types_supported: ['code'] }
        : path === keysPath
          ? published
          : undefined;
    response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { message: 'Not Found' }));
  });
  await listen(server, 0, '127.0.0.1');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer: `${origin}/issuer`,
    jwksUrl: `${origin}${keysPath}`,
    requests,
    publish: (jwks) => (published = jwks),
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};

import { parseEnv } from '../../../functions/shared/config';
import { corsConfigSchema } from '../../../local/cors';

describe('CORS_ORIGINS', () => {
  it('defaults to the usual local frontend origins', () => {
    expect(parseEnv(corsConfigSchema, {}).CORS_ORIGINS).toEqual(['http://localhost:5173', 'http://localhost:3000']);
  });

  it('reads comma-separated origins, trimmed', () => {
    const { CORS_ORIGINS } = parseEnv(corsConfigSchema, {
      CORS_ORIGINS: ' https://app.example.com ,http://127.0.0.1:8080,',
    });

    expect(CORS_ORIGINS).toEqual(['https://app.example.com', 'http://127.0.0.1:8080']);
  });

  it.each([
    ['a path', 'http://localhost:5173/app', /CORS_ORIGINS\.0: must be an origin: scheme:\/\/host\[:port\], no path/],
    ['a trailing slash', 'http://localhost:5173/', /CORS_ORIGINS\.0: must be an origin/],
    ['another scheme', 'http://localhost:5173,ftp://files.example.com', /CORS_ORIGINS\.1: must be an http\(s\) origin/],
  ])('refuses an origin with %s, naming the variable', (_case, value, message) => {
    expect(() => parseEnv(corsConfigSchema, { CORS_ORIGINS: value })).toThrow(message);
  });
});

import { InvalidPathError } from '../../../../functions/shared/errors';
import { pathMatcher } from '../../../../functions/shared/http/route';

describe('pathMatcher', () => {
  const match = pathMatcher('/insights/{id}/dismiss');

  it('decodes the parameters of a path of the template', () => {
    expect(match('/insights/a%20b/dismiss')).toEqual({ id: 'a b' });
  });

  it('does not match a path of another shape', () => {
    expect(match('/insights/a/b/dismiss')).toBeUndefined();
  });

  it.each(['/insights/%ZZ/dismiss', '/insights/%E0%A4%A/dismiss', '/insights/%/dismiss'])(
    'answers a malformed escape (%s) with invalid_path, not a URIError',
    (path) => {
      expect(() => match(path)).toThrow(InvalidPathError);
    },
  );
});

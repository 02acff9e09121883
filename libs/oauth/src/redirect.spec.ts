import { withQuery } from './redirect';

describe(withQuery.name, () => {
  it('keeps the registered query and appends the response parameters', () => {
    expect(withQuery('https://app.example.com/cb?tenant=a', { code: 'c d', state: 's' })).toBe('https://app.example.com/cb?tenant=a&code=c+d&state=s');
  });
});

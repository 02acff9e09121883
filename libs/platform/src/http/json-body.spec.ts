import { jsonNestingExceeds } from './json-body';

describe(jsonNestingExceeds.name, () => {
  it.each([
    ['{}', 1, false],
    ['{"a":[1,{"b":2}]}', 3, false],
    ['{"a":[1,{"b":2}]}', 2, true],
    ['[[[]]]', 3, false],
    ['[[[]]]', 2, true],
    ['{"a":"[[[[[[[["}', 1, false],
    ['{"a":"\\"[[[[["}', 1, false],
    ['{"a":"\\\\"}', 1, false],
    ['[{}, {}, {}, {}]', 2, false],
  ])('%s with limit %d → %s', (text, max, expected) => {
    expect(jsonNestingExceeds(text, max)).toBe(expected);
  });

  it('finds 20,000 levels without recursion', () => {
    expect(jsonNestingExceeds(`${'['.repeat(20000)}${']'.repeat(20000)}`, 32)).toBe(true);
  });
});

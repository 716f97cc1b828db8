import { describe, expect, it } from 'vitest';
import { table } from '../../../../scripts/lib/table.ts';

describe('table', () => {
  it('pads each column to its widest cell, names left and numbers right, under a rule of dashes', () => {
    const text = table(
      ['photo', 'ms'],
      [
        ['a.jpg', '12'],
        ['longer.jpg', '1,234'],
      ],
      1,
    );
    expect(text.split('\n')).toEqual(['photo          ms', '----------  -----', 'a.jpg          12', 'longer.jpg  1,234']);
  });

  it('left-aligns nothing by default and never ends a line with spaces', () => {
    expect(table(['a', 'bb'], [['ccc', '']]).split('\n')).toEqual(['  a  bb', '---  --', 'ccc']);
  });
});

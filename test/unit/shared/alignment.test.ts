import { alignmentOf, keywordsOf, themesOf } from '../../../functions/shared/alignment';

describe('alignmentOf', () => {
  it('finds the theme a vision and a goal share when they share no word', () => {
    const alignment = alignmentOf(
      'Give every family in Riverside a dentist they actually look forward to seeing',
      'Add 400 new patients across both locations',
    );

    expect(alignment.sharedWords).toEqual([]);
    expect(alignment.sharedThemes).toEqual(['reach']);
    expect(alignment.score).toBe(35);
  });

  it('scores shared words and themes together, at most 100', () => {
    const alignment = alignmentOf(
      'Keep families safe, warm and dry with fast, trusted plumbing',
      'Fast emergency plumbing for families: safe homes, trusted reviews',
    );

    expect(alignment.sharedWords).toEqual(expect.arrayContaining(['familie', 'safe', 'fast', 'trusted', 'plumbing']));
    expect(alignment.sharedThemes).toEqual(['reach', 'experience', 'care', 'precision']);
    expect(alignment.score).toBe(100);
  });

  it('scores 0 when a goal has nothing to do with the statement', () => {
    expect(alignmentOf('Become the most trusted plumbing service in Tacoma', 'Hire licensed plumbers').score).toBe(0);
  });
});

describe('themesOf and keywordsOf', () => {
  it('reads themes from whole words only, case-insensitively', () => {
    expect(themesOf('HIRE two journeymen')).toEqual(['people']);
    expect(themesOf('A dryer future')).toEqual([]);
  });

  it('drops filler words, short words and a plural s', () => {
    expect([...keywordsOf('Every customer wants better plans for their homes')]).toEqual(['want', 'plan', 'home']);
  });
});

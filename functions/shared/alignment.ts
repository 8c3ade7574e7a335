/**
 * How far a goal serves a strategy statement (a vision, a purpose, a core value), from the words both use and
 * from what each is about. Words alone miss the obvious: "Give every family in Riverside a dentist they look
 * forward to seeing" shares no word with "Add 400 new patients", yet both are about reaching more people. So each
 * text also gets its themes (the intents below, from their vocabulary), and a goal that shares a theme with a
 * statement serves it. Deterministic, used by the insights' foundation signals and the offline strategy-alignment
 * analysis.
 */

/** What a statement or a goal is about. */
export type Theme = 'reach' | 'experience' | 'care' | 'precision' | 'people' | 'money' | 'product';

/** Each theme's vocabulary, matched case-insensitively at word starts. */
const themeWords: Readonly<Record<Theme, RegExp>> = {
  reach:
    /\b(customers?|clients?|patients?|members?(hips?)?|famil(y|ies)|households?|homes?|retailers?|markets?|locations?|communit(y|ies)|neighbou?rhoods?|grow\w*|expand\w*|reach\w*|access\w*|acquisition|leads?|referrals?)\b/i,
  experience:
    /\b(satisf\w*|reviews?|stars?|look forward|enjoy\w*|delight\w*|happ(y|ier|iness)|trust\w*|gentle|dread\w*|comfort\w*|friendly|experience\w*|loyal\w*|callbacks?|on[- ]time|wait\w*|first[- ]value|retention)\b/i,
  care: /\b(safe\w*|health\w*|hygiene|clean\w*|care|caring|prevent\w*|protect\w*|warm|dry|emergenc\w*|maintenance|wellbeing|well-being|smiles?|recall)\b/i,
  precision:
    /\b(exact\w*|accura\w*|forecast\w*|waste\w*|efficien\w*|idle|utili[sz]\w*|response times?|speed|fast\w*|quick\w*|stockouts?|overstock\w*|process\w*|reliab\w*|uptime|fix rates?|denials?)\b/i,
  people:
    /\b(hir(e|es|ed|ing)|recruit\w*|teams?|staff\w*|employees?|culture|train\w*|journeym[ae]n|talent|leaders?(hip)?|apprentice\w*)\b/i,
  money:
    /\b(revenue|profit\w*|arr|mrr|cash|margins?|costs?|pric(e|es|ing)|collections?|claims?|sales|sell\w*|income|financ\w*)\b/i,
  product: /\b(launch\w*|ship\w*|build\w*|innovat\w*|software|platform|technolog\w*|digital|treatments?|services?)\b/i,
};

const themes = Object.keys(themeWords) as Theme[];

const stopWords = new Set(
  (
    'about above after again also because become been before being best better business company customer ' +
    'customers each every from have help into just like make more most much only other over same should ' +
    'such than that their them then there these they this those through very want were what when where which ' +
    'while will with within without world would your yours year years'
  ).split(' '),
);

/** A text's meaningful words: letters or digits, four or more long, not filler, with a plural 's' removed. */
export const keywordsOf = (text: string): Set<string> =>
  new Set(
    (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
      .filter((word) => word.length >= 4 && !stopWords.has(word))
      .map((word) => (word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word)),
  );

/** The themes a text's words point to, in the order of `Theme`. */
export const themesOf = (text: string): Theme[] => themes.filter((theme) => themeWords[theme].test(text));

/** What a goal shares with a statement, and the score (0-100) that follows from it. */
export interface Alignment {
  readonly sharedWords: readonly string[];
  readonly sharedThemes: readonly Theme[];
  /** 35 points per shared theme and 20 per shared word, at most 100; 0 when nothing is shared. */
  readonly score: number;
}

/** How far `goalText` serves `statement`: the words and themes they share. */
export const alignmentOf = (statement: string, goalText: string): Alignment => {
  const goalWords = keywordsOf(goalText);
  const sharedWords = [...keywordsOf(statement)].filter((word) => goalWords.has(word));
  const goalThemes = new Set(themesOf(goalText));
  const sharedThemes = themesOf(statement).filter((theme) => goalThemes.has(theme));
  return {
    sharedWords,
    sharedThemes,
    score: Math.min(100, sharedThemes.length * 35 + sharedWords.length * 20),
  };
};

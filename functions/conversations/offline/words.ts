/**
 * Reading the owner's words, for the offline coach: what it keeps is the owner's own phrasing, tidied (spaces,
 * quotes, a capital letter, a cut at a word boundary), never words of its own.
 */

/** Collapses whitespace and strips surrounding quotes and bullet or number markers. */
export const tidy = (text: string): string =>
  text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:[-*•]|\d{1,2}[.)])\s+/, '')
    .replace(/^["'“‘]+|["'”’]+$/g, '')
    .trim();

/** At most `max` characters, cut at a word boundary. */
export const clip = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1);
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : cut.slice(0, max)).replace(/[\s,;:]+$/, '');
};

/** The owner's words as a sentence: tidied, capitalized, ending with a full stop, at most `max` characters. */
export const asSentence = (text: string, max: number): string => {
  const tidied = clip(tidy(text), max - 1);
  if (!tidied) return '';
  const capitalized = tidied.charAt(0).toUpperCase() + tidied.slice(1);
  return /[.!?]$/.test(capitalized) ? capitalized : `${capitalized}.`;
};

/** The first sentence of a text (the whole text when it has one). */
export const firstSentence = (text: string): string => tidy(text).split(/(?<=[.!?])\s+/)[0] ?? '';

/**
 * The items of a list the owner wrote: one per line, or separated by semicolons on one line; bullets and numbers
 * stripped, empty items dropped.
 */
export const listItems = (text: string): string[] => {
  const lines = text.split(/\r?\n/).map(tidy).filter(Boolean);
  const items = lines.length > 1 ? lines : (lines[0] ?? '').split(/\s*;\s*/);
  return items.map(tidy).filter(Boolean);
};

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
};

/** The first whole number the owner wrote, in digits or as a word (`five`); undefined when there is none. */
export const firstNumber = (text: string): number | undefined => {
  const match =
    /\b(\d{1,3})\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty)\b/i.exec(text);
  if (!match) return undefined;
  return match[1] !== undefined ? Number(match[1]) : NUMBER_WORDS[(match[2] as string).toLowerCase()];
};

const CONFIRMATION = new RegExp(
  `^(${[
    'yes',
    'yep',
    'yeah',
    'sure',
    'correct',
    'confirmed?',
    'agreed',
    'perfect',
    'great',
    'ok(ay)?',
    'exactly',
    "that'?s (it|right|good|fine)",
    'looks (good|great|right|fine)',
    'sounds (good|right)',
    'no changes?',
    'nothing to change',
    'all good',
    'make it final',
    "let'?s (go|finish)",
  ].join('|')})\\b`,
  'i',
);

/** True when the message confirms what it answers ("yes, that's it", "looks good", "no changes"). */
export const confirms = (text: string): boolean => CONFIRMATION.test(tidy(text));

const HELP = /\b(example|not sure|don'?t know|no idea|help me|i'?m stuck|any ideas|suggest(ion)?s?)\b/i;

/** True when the owner asks for help or an example instead of answering. */
export const asksForHelp = (text: string): boolean => HELP.test(text);

const PERSON =
  /\b(human|real person|real coach|a person|someone real|talk to (a|someone)|speak to (a|someone)|support team)\b/i;

/** True when the owner asks for a person instead of the coach. */
export const asksForPerson = (text: string): boolean => PERSON.test(text);

/** The owner's message quoted back: its first `words` words, with an ellipsis when cut. */
export const quote = (text: string, words = 24): string => {
  const all = tidy(text).split(' ');
  const kept = all
    .slice(0, words)
    .join(' ')
    .replace(/[.,;:!?]+$/, '');
  return `“${kept}${all.length > words ? '…' : ''}”`;
};

import type { Category } from '../model';

/**
 * What a goal, issue or scorecard component is about, from its words: a hiring or turnover issue is leadership, a
 * lead-generation or referral goal marketing, cash and margins finance, the way work gets done operations. The first
 * topic whose words appear wins (people before money: "hire two technicians" is leadership, not a cost); text with
 * none of them keeps the family's own category.
 */
const topics: readonly (readonly [Category, RegExp])[] = [
  [
    'leadership',
    /\b(hir(e|es|ed|ing)|recruit\w*|turnover|retention of staff|staff\w*|team|culture|train(ing)?|onboard\w* (new )?(hires?|employees?|staff)|employees?|people|leaders?\w*|journeym[ae]n|apprentice\w*|morale|burnout|quit\w*|resign\w*|talent)\b/i,
  ],
  [
    'marketing',
    /\b(leads?|referrals?|marketing|brand\w*|campaigns?|website|ads?|advertis\w*|seo|social media|reviews?|new (patients?|customers?|clients?)|acquisition|pipeline|prospects?|awareness|sales|members(hip)?s?|plans? members)\b/i,
  ],
  [
    'finance',
    /\b(revenue|profit\w*|cash|margins?|costs?|pric(e|es|ing)|collections?|invoic\w*|arr|mrr|budget\w*|billing|payments?|spend\w*|debt|financ\w*|retention rate|net revenue)\b/i,
  ],
  [
    'operations',
    /\b(process\w*|response time|schedul\w*|deliver\w*|fix rate|suppl(y|ier)\w*|backorder\w*|inventory|software|utiliz\w*|callbacks?|van|equipment|uptime|reliability|onboarding speed|tickets?|support)\b/i,
  ],
];

/** The category a text's words point to, or `fallback` when none does. */
export const topicCategory = (text: string, fallback: Category): Category =>
  topics.find(([, words]) => words.test(text))?.[0] ?? fallback;

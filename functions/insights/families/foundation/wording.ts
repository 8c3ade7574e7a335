import type { FamilyWordings, Wording } from '../family';
import type { FoundationSignal } from './signals';

const statementWording = (label: 'vision' | 'purpose'): Wording => ({
  title: `Your ${label} has no goal behind it`,
  why: `A ${label} without goals stays a slogan; goals turn it into work the team can see.`,
  actions: [
    `Write a goal for this year that moves the business toward the ${label}`,
    `Use words from the ${label} in that goal's title so the link is visible`,
    `Check each quarter that your goals still serve the ${label}`,
  ],
});

/** How the foundation family's signals read as rule insights. */
export const foundationWordings: FamilyWordings<FoundationSignal> = {
  vision_without_goals: () => statementWording('vision'),
  purpose_without_goals: () => statementWording('purpose'),
};

import type { Generation, GenerationInput, InsightGenerator, SourcedDraft } from './generation';
import { finalizeDrafts } from './generation';
import { generateRuleInsights } from './rules-generator';
import { dataGapDraft } from './rules/data-gap';

/** Provenance of rule-made sets: no template, no model. */
export const RULES_PROVENANCE = { promptTopic: 'rules', promptVersion: 'rules-v1', outcome: 'rules' } as const;

/** Rule insights for an input, with dismissed fingerprints excluded. */
export const ruleDrafts = (input: GenerationInput): SourcedDraft[] => {
  const exclude = new Set(input.dismissals.map((dismissal) => dismissal.fingerprint));
  return generateRuleInsights(input.snapshot, input.signals, input.now, {
    exclude,
    ...(input.timeZone === undefined ? {} : { timeZone: input.timeZone }),
  }).map((draft) => ({
    ...draft,
    source: 'rules' as const,
  }));
};

/** The rule-written notice of the input's data gaps, if it has any. */
export const gapNoticeFor = (input: GenerationInput): SourcedDraft | undefined => {
  const draft = dataGapDraft(input.snapshot.gaps);
  return draft && { ...draft, source: 'rules' };
};

/** The deterministic generator: the local default, and the fallback when the model fails. */
export class RulesInsightGenerator implements InsightGenerator {
  async generate(input: GenerationInput): Promise<Generation> {
    const suppressed = new Set(input.dismissals.map((dismissal) => dismissal.fingerprint));
    return { drafts: finalizeDrafts(ruleDrafts(input), [], suppressed), provenance: RULES_PROVENANCE };
  }
}

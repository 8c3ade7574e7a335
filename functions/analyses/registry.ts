import type { AnalysisDefinition } from './model';
import { intentAnalysis } from './types/intent';
import { strategyAlignmentAnalysis } from './types/strategy-alignment';

/** Every analysis type, by its name in `POST /analyses/{type}`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const analysisDefinitions: Readonly<Record<string, AnalysisDefinition<any, any, any>>> = {
  [intentAnalysis.type]: intentAnalysis,
  [strategyAlignmentAnalysis.type]: strategyAlignmentAnalysis,
};

/** The known type names (listed by the 404 for an unknown type). */
export const analysisTypes = (): readonly string[] => Object.keys(analysisDefinitions).sort();

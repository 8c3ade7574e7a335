import type { AnyAnalysisDefinition } from './model';
import { goalPlanAnalysis } from './types/goal-plan';
import { intentAnalysis } from './types/intent';
import { rootCauseAnalysis } from './types/root-cause';
import { strategyAlignmentAnalysis } from './types/strategy-alignment';

/** Every analysis type, by its name in `POST /analyses/{type}`. */
export const analysisDefinitions: Readonly<Record<string, AnyAnalysisDefinition>> = {
  [goalPlanAnalysis.type]: goalPlanAnalysis,
  [intentAnalysis.type]: intentAnalysis,
  [rootCauseAnalysis.type]: rootCauseAnalysis,
  [strategyAlignmentAnalysis.type]: strategyAlignmentAnalysis,
};

/** The known type names, sorted (the 404 for an unknown type lists them). */
export const analysisTypes = (
  definitions: Readonly<Record<string, AnyAnalysisDefinition>> = analysisDefinitions,
): readonly string[] => Object.keys(definitions).sort();

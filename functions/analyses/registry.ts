import type { AnyAnalysisDefinition } from './model';
import { intentAnalysis } from './types/intent';
import { strategyAlignmentAnalysis } from './types/strategy-alignment';

/** Every analysis type, by its name in `POST /analyses/{type}`. */
export const analysisDefinitions: Readonly<Record<string, AnyAnalysisDefinition>> = {
  [intentAnalysis.type]: intentAnalysis,
  [strategyAlignmentAnalysis.type]: strategyAlignmentAnalysis,
};

/** The known type names, sorted (the 404 for an unknown type lists them). */
export const analysisTypes = (
  definitions: Readonly<Record<string, AnyAnalysisDefinition>> = analysisDefinitions,
): readonly string[] => Object.keys(definitions).sort();

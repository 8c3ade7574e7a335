/**
 * The benchmark's process environment, set before any service module loads (the Powertools logger reads its level
 * when it is constructed): services log nothing, metrics are not emitted, and the AWS SDK's Node 20 notice is off
 * (local/cli-env). Import this first.
 */
import '../local/cli-env';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

export {};

/**
 * The benchmark's process environment, set before any service module loads (the Powertools logger reads its level
 * when it is constructed): services log nothing, metrics are not emitted, and the AWS SDK's Node 20 notice is off.
 * Import this first.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};

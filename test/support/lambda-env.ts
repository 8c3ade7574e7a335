/**
 * Imported first by a test file that needs the process to look like a Lambda execution environment, where the
 * service traces (functions/shared/tracing.ts): AWS_EXECUTION_ENV is set before any module reads the configuration.
 */
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';

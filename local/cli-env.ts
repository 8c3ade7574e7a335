/**
 * The environment of the local commands (npm start, batch, prompts, bench), set before any AWS SDK client exists:
 * Node 20 meets the package's `engines` and is supported locally until 2027 (Lambda runs Node 22), so the SDK's
 * upgrade notice would only repeat on every command. Import this first.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};

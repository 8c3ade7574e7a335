// Node 20 is supported locally until 2027; the SDK's upgrade notice would repeat in every test file.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Services log through the shared Powertools logger; tests assert on behaviour, not on log lines.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

/**
 * Estimates Claude input tokens without the tokenizer: words cost one token per ~8 letters, digit runs one per 3
 * digits, each punctuation mark one, and each line break with its indentation one (BPE merges single spaces into
 * the following word). Close enough to compare prompt shapes and to budget; metering uses Bedrock's own counts.
 */
export const estimateTokens = (text: string): number => {
  let tokens = 0;
  for (const match of text.matchAll(/[\p{L}]+|\p{N}+|\n[ \t]*|[^\s\p{L}\p{N}]/gu)) {
    const piece = match[0];
    if (/^\p{L}/u.test(piece)) tokens += Math.ceil(piece.length / 8);
    else if (/^\p{N}/u.test(piece)) tokens += Math.ceil(piece.length / 3);
    else tokens += 1;
  }
  return tokens;
};

const VERSION = /^v(\d+)\.(\d+)$/;

/** Orders versions newest first: v1.10 is newer than v1.9. Invalid names sort last. */
export const compareVersionsDescending = (a: string, b: string): number => {
  const [, aMajor = '-1', aMinor = '-1'] = VERSION.exec(a) ?? [];
  const [, bMajor = '-1', bMinor = '-1'] = VERSION.exec(b) ?? [];
  return Number(bMajor) - Number(aMajor) || Number(bMinor) - Number(aMinor);
};

/** The version named by a `<topic>/<version>.json` key or file name, if it is one. */
export const versionFromFileName = (fileName: string): string | undefined =>
  /(v\d+\.\d+)\.json$/.exec(fileName)?.[1];

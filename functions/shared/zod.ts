import { config } from 'zod/mini';
import { en } from 'zod/locales';

/**
 * The zod every module in functions/ imports, as a namespace (`import * as z from '.../shared/zod'`): `zod/mini`,
 * the tree-shakable functional API of the same package. A namespace import of this module lets esbuild keep only
 * what a bundle uses (a few KB); `import { z } from 'zod/mini'` would pull in all of zod/mini and every locale.
 * Unlike classic zod, mini configures no locale, so every issue would read "Invalid input": the English messages
 * classic zod gives are configured here, once, before any schema is built or parsed.
 */
config(en());

export * from 'zod/mini';

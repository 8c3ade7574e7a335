declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    path?: string;
  }

  /** dynalite ships no type declarations; this is the slice we use. */
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}

/** The seeded generator the demo data and the batch simulation draw from (functions/shared/seeded-random.ts). */
export { seededRandom } from '../functions/shared/seeded-random';

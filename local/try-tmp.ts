import { statSync } from 'node:fs';
import { join } from 'node:path';
import { deployedFunctions, loadDeployedFunction, loadSdkFloor, synthesize } from './deployed-bundles';
const main = async () => {
  const out = '/tmp/synth2';
  if (process.argv[2] !== 'nosynth') await synthesize(out);
  const fns = deployedFunctions(out);
  const floor = await loadSdkFloor();
  console.log(fns.length, 'floor', floor.toFixed(0));
  for (const fn of fns) {
    const r = await loadDeployedFunction(fn);
    console.log(
      fn.path.replace('Coaching-dev/', '').padEnd(45),
      (statSync(join(fn.assetDir, 'index.js')).size / 1024).toFixed(0).padStart(5),
      'KB',
      r.initMs.toFixed(0).padStart(5),
      (r.initMs / floor).toFixed(2),
      r.ok ? '' : r.error?.slice(0, 80),
    );
  }
};
void main();

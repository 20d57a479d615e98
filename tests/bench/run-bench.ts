/**
 * `npm run bench`: every benchmark, printing figures (medians over repeated runs, ratios against a baseline
 * measured in the same run). Benchmarks never fail on speed; they exit non-zero only if they could not run.
 * Pick some with `npm run bench -- field-app`.
 */
import { runFieldAppBench } from './field-app.ts';
import { runLighthouseBench } from './lighthouse.ts';
import { runSyncFaultsBench } from './sync-faults.ts';
import { runServerIngestBench } from './server-ingest.ts';
import { runSyncPushPullBench } from './sync-push-pull.ts';
import { runTotalsBench } from './totals.ts';

const benches: Record<string, () => Promise<void>> = {
  'field-app': runFieldAppBench,
  'sync-faults': runSyncFaultsBench,
  sync: runSyncPushPullBench,
  ingest: runServerIngestBench,
  totals: runTotalsBench,
  lighthouse: runLighthouseBench,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  await run();
}

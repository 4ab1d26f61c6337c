// A process of the fleet kill test: `node --import tsx test/helpers/fleet-kill-process.ts server|worker`.
// `server` is what `zhuxiao serve` runs (the API and the job workers in one process), `worker` what
// `zhuxiao worker` runs (the job workers alone); both on DATABASE_URL, with the simulators wrapped by
// recordOutsideCalls so that what they are asked outlives a kill -9 (ZHUXIAO_FLEET_KILL_CALLS names
// the shared file). The only difference from the real commands is that wrapping: the commands take
// no adapters from outside. Prints one line `fleet-kill <role> ready <url>` when it takes jobs.
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/bootstrap.ts';
import { createSimulatedAdapters } from '../../src/adapters/index.ts';
import { startServer } from '../../src/http/server.ts';
import { recordOutsideCalls } from './fleet-kill-calls.ts';

const role = process.argv[2];
const file = process.env.ZHUXIAO_FLEET_KILL_CALLS;
if ((role !== 'server' && role !== 'worker') || !file || !process.env.DATABASE_URL) {
  process.stderr.write('usage: DATABASE_URL=… ZHUXIAO_FLEET_KILL_CALLS=file fleet-kill-process.ts server|worker\n');
  process.exit(2);
}
const config = loadConfig();
const adapters = recordOutsideCalls(createSimulatedAdapters(), file);
// Demo data is the template's; neither role seeds (two processes seeding at once would clash).
if (role === 'server') {
  const s = await startServer(config, { adapters, workers: true, executionConcurrency: 4, seedDemo: false, logger: false, handleSignals: true });
  process.stdout.write(`fleet-kill server ready ${s.url}\n`);
} else {
  await createContext(config, { adapters, workers: true, executionConcurrency: 4, seedDemo: false });
  process.stdout.write('fleet-kill worker ready -\n');
}

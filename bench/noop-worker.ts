// The baseline worker of bench:execute, in a process of its own (run by bench/execute.ts, never by
// hand): a bare pg-boss worker on the platform's job queue setup (startJobQueue, the execution
// queue's policy and work options, unless the spec says otherwise) whose handler does nothing but
// report its jobs completed. Prints `ready` on stderr once it polls; SIGTERM stops it.
import fs from 'node:fs';
import { openDatabase } from '../src/db/database.ts';
import { startJobQueue } from '../src/jobs/queue.ts';
import { NOOP_QUEUE, noopQueuePolicy, noopWork } from './common.ts';

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as { databaseUrl: string; concurrency: number; workOptions?: object };
const database = await openDatabase({ databaseUrl: spec.databaseUrl, poolSize: 4 });
const jobs = await startJobQueue(database);
await jobs.boss.createQueue(NOOP_QUEUE, noopQueuePolicy as never);
const noop = noopWork(spec.concurrency, spec.workOptions);
await jobs.boss.work(NOOP_QUEUE, noop.options as never, noop.handler as never);
process.stderr.write(`noop worker ${process.pid} ready\n`);
process.once('SIGTERM', () => {
  jobs.stop().then(() => database.close()).finally(() => {
    process.stdout.write('{"stopped":true}\n');
    process.exit(0);
  });
});

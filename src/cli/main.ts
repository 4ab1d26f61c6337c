// The `zhuxiao` command. Usage errors exit 2; `check` exits 0 even for invalid values.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { checkIdentifier, IDENTIFIER_KINDS, type IdentifierKind } from '../identifiers/index.ts';

const USAGE = `zhuxiao — cancel SIM and eSIM lines (注销)

Usage:
  zhuxiao serve [--workers=N] [--processes=N]
                                        start the platform (PORT, HOST, DATABASE_URL, ZHUXIAO_DEV=1);
                                        --workers: executions run at once in-process (0: API only);
                                        --processes: N API processes sharing the port, the job
                                        workers in one more (PostgreSQL only)
  zhuxiao worker [--concurrency N]      run the job workers alone, no HTTP (PostgreSQL only; start
                                        as many as you like, on any host reaching the database)
  zhuxiao migrate                       apply database migrations
  zhuxiao seed [--customers N] [--seed S] [--fleet]
                                        generate deterministic demo data (default 2000 customers and
                                        a company with 60 lines); --fleet: also a company with
                                        120,000 lines (fleet cancellation)
  zhuxiao check <kind> <value>...       check identifiers; kinds: ${IDENTIFIER_KINDS.join(', ')}
                                        prints one JSON object per value
  zhuxiao verify <file.pdf> [--public-key FILE] [--keys-url URL]
                                        verify a certificate's signature against the keys in FILE
                                        (PEM, one or more), fetched from URL (the platform's
                                        /api/v1/certificates/public-keys.pem), or else in the local
                                        database; exit 0 only if untampered, 1 if not, 2 if it
                                        could not be checked
  zhuxiao audit verify [--checkpoint FILE] [--public-key FILE] [--page-size N]
                                        check the sealed audit log against its signed checkpoints
                                        (and a saved earlier one); exit 0 only if intact
  zhuxiao audit checkpoint              print the newest signed audit checkpoint (keep it elsewhere)
  zhuxiao staff create|list|disable|enable|unlock|reset-password ...
                                        manage staff accounts (the first admin is created this way);
                                        run \`zhuxiao staff\` for the options
  zhuxiao client create|list|revoke ... machine clients (OAuth client credentials for a BSS, an
                                        MVNO partner or a fleet company); run \`zhuxiao client\`
`;

function usage(message?: string): never {
  if (message) process.stderr.write(`zhuxiao: ${message}\n\n`);
  process.stderr.write(USAGE);
  process.exit(2);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check': {
      const [kind, ...values] = rest;
      if (!kind || !(IDENTIFIER_KINDS as readonly string[]).includes(kind)) usage(`check needs a kind: ${IDENTIFIER_KINDS.join(', ')}`);
      if (values.length === 0) usage('check needs at least one value');
      for (const v of values) process.stdout.write(`${JSON.stringify(checkIdentifier(kind as IdentifierKind, v))}\n`);
      return 0;
    }
    case 'serve': return (await import('./serve.ts')).serveCommand(rest, usage);
    case 'worker': return (await import('./worker.ts')).workerCommand(loadConfig(), rest, usage);
    case 'migrate': {
      const { openConfiguredDatabase } = await import('../bootstrap.ts');
      const { migrateToLatest } = await import('../db/migrate.ts');
      const database = await openConfiguredDatabase(loadConfig());
      const applied = await migrateToLatest(database.db);
      await database.close();
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      return 0;
    }
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { customers: { type: 'string' }, seed: { type: 'string' }, fleet: { type: 'boolean' } }, strict: true });
      const customers = Number(values.customers ?? 2000);
      const seed = Number(values.seed ?? 1);
      if (!Number.isInteger(customers) || customers < 1) usage('--customers takes a positive whole number');
      if (!Number.isInteger(seed)) usage('--seed takes a whole number');
      const { runSeed } = await import('./seed.ts');
      await runSeed(loadConfig(), customers, seed, { fleet: values.fleet });
      return 0;
    }
    case 'verify': return (await import('./verify.ts')).verifyCommand(loadConfig(), rest, usage);
    case 'staff': return (await import('./staff.ts')).runStaff(loadConfig(), rest);
    case 'client': return (await import('./client.ts')).runClient(loadConfig(), rest);
    case 'audit': return (await import('./audit.ts')).auditCommand(loadConfig(), rest);
    case 'pki': return (await import('./pki.ts')).pkiCommand(loadConfig(), rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command ? 0 : 2;
    default:
      usage(`unknown command: ${command}`);
  }
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
} catch (err) {
  if (err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) usage(err.message);
  process.stderr.write(`zhuxiao: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}


// A `zhuxiao` subcommand run in-process, as `bin/zhuxiao.js` would run it (the same function, its
// output captured, a parse error exiting 2 as main.ts makes it), without starting a process and tsx
// for each call. Each suite still runs the real binary at least once.
import type { CliIo } from '../../src/cli/io.ts';

export interface CliResult { code: number; stdout: string; stderr: string }

export async function runInProcess(run: (io: CliIo) => Promise<number>, stdin = ''): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (s) => { stdout += s; }, err: (s) => { stderr += s; }, readStdin: async () => stdin };
  try {
    return { code: await run(io), stdout, stderr };
  } catch (err) {
    if (err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) return { code: 2, stdout, stderr: stderr + err.message };
    throw err;
  }
}

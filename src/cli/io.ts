// Where a command writes and what it reads: the process's own streams when run as `zhuxiao …`; the
// tests hand in their own to run a command in-process (the same code, without a process per call).
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Everything on standard input (a password given with --password-stdin). */
  readStdin(): Promise<string>;
}

export const processIo: CliIo = {
  out: (text) => { process.stdout.write(text); },
  err: (text) => { process.stderr.write(text); },
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  },
};

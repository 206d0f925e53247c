// Progress on a terminal (stderr), nothing when piped or in CI.
export class Progress {
  private enabled = Boolean(process.stderr.isTTY) && !process.env.CI;
  private last = 0;
  update = (done: number, total: number, what: string): void => {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const width = process.stderr.columns ?? 80;
    const line = `[${done}/${total}] ${what}`.slice(0, width - 1);
    process.stderr.write(`\r${line.padEnd(width - 1)}`);
  };
  done(): void {
    if (this.enabled) process.stderr.write(`\r${' '.repeat((process.stderr.columns ?? 80) - 1)}\r`);
  }
}

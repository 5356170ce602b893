/**
 * Engine work a reconcile pass leaves running after it has recorded its outcome (a removed instance's
 * network), so the entry that waits for the pass answers sooner. The process finishes it before it exits
 * (`settled`, from the platform's `close`); a crash before that leaves what the next tick finds and sweeps.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  /** `warn` hears of a job that failed (the tick's sweep retries what it left). */
  constructor(private readonly warn: (message: string, err: Error) => void) {}

  /** Starts `work`; a failure goes to `warn`, never thrown. */
  run(what: string, work: () => Promise<void>): void {
    const job: Promise<void> = work()
      .catch((err: unknown) => this.warn(`${what} failed; the next tick tries again`, err as Error))
      .finally(() => this.running.delete(job));
    this.running.add(job);
  }

  /** Resolves once every job started so far (and any they started) has ended. */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}

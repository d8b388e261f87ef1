/**
 * One GPU job at a time: jobs wait in order, each with an id the caller chose and its own
 * AbortController, so `cancel(id)` stops a running job (at its next candidate) or drops a waiting one.
 * comlink cannot transfer an AbortSignal, so the Worker API passes job ids instead.
 */
export class JobCancelled extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} was cancelled`);
  }
}

interface Job {
  id: string;
  controller: AbortController;
}

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly jobs = new Map<string, Job>();
  private running: string | null = null;

  /** Runs `work` after every job queued before it; rejects with JobCancelled if cancelled while waiting. */
  run<T>(id: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.jobs.has(id)) return Promise.reject(new Error(`job id ${id} is already in use`));
    const job: Job = { id, controller: new AbortController() };
    this.jobs.set(id, job);
    const result = this.tail.then(async () => {
      if (job.controller.signal.aborted) throw new JobCancelled(id);
      this.running = id;
      try {
        return await work(job.controller.signal);
      } finally {
        this.running = null;
        this.jobs.delete(id);
      }
    });
    // A job's failure is its caller's; the queue moves on either way.
    this.tail = result.catch(() => undefined);
    result.catch(() => this.jobs.delete(id));
    return result;
  }

  /** Cancels a running or waiting job; false when no such job is known. */
  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  state(): { running: string | null; waiting: string[] } {
    return { running: this.running, waiting: [...this.jobs.keys()].filter((id) => id !== this.running) };
  }
}

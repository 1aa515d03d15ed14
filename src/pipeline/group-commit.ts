/**
 * Group commit: runs what is submitted in groups, one group at a time. The first item goes at
 * once; whatever arrives while a group is under way goes together as the next group. So a lone
 * item waits for nothing, and under load many items share one round trip.
 *
 * Only for the work of one invocation (a queue batch): the Workers runtime ties I/O to the
 * request that started it, so items of two invocations must never share a group.
 */
export class GroupCommit<In, Out> {
  private waiting: Array<{ item: In; resolve: (out: Out) => void; reject: (e: unknown) => void }> = [];
  private running = false;

  /**
   * `run` answers one result per item, in order. `maxGroup` bounds a group (a D1 batch or an RPC
   * should stay small). When a group of several fails, each of its items is run again alone, so
   * one bad item fails only itself.
   */
  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly maxGroup = 32,
  ) {}

  submit(item: In): Promise<Out> {
    const done = new Promise<Out>((resolve, reject) => this.waiting.push({ item, resolve, reject }));
    if (!this.running) void this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, this.maxGroup);
        try {
          const out = await this.run(group.map((g) => g.item));
          group.forEach((g, i) => g.resolve(out[i]!));
        } catch (e) {
          if (group.length === 1) group[0]!.reject(e);
          else await Promise.all(group.map((g) => this.run([g.item]).then((out) => g.resolve(out[0]!), g.reject)));
        }
      }
    } finally {
      this.running = false;
    }
  }
}

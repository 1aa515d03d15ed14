/**
 * A runner's time. The runtime's clock cannot be moved, and workerd cannot be told to let a
 * deadline pass; tests that need one to pass move this clock forward (through
 * runInDurableObject) and then run the alarm, instead of waiting or editing the object's tables.
 */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

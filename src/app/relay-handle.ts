/**
 * The diffusion relay, as the write path sees it. The relay starts once the Matrix transport is up
 * (its worker sends), after the report service that kicks it is built; until then a kick does
 * nothing and says so (`false`): the relay's first tick hands over whatever was written before.
 */
export class RelayHandle {
  private relay: (() => Promise<boolean>) | null = null;

  attach(relay: () => Promise<boolean>): void {
    this.relay = relay;
  }

  /** Hands the outbox to the queue now; true when the queue took it. */
  kick(): Promise<boolean> {
    return this.relay ? this.relay() : Promise.resolve(false);
  }
}

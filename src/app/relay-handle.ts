import type { RelayResult } from "../jobs/outbox-relay.js";

/**
 * The diffusion relay, as the write path sees it. The relay starts once the Matrix transport is up
 * (its worker sends), after the report service that kicks it is built; until then a kick does
 * nothing and says so (`took: false`): the relay's first tick hands over whatever was written before.
 */
export class RelayHandle {
  private relay: (() => Promise<RelayResult>) | null = null;

  attach(relay: () => Promise<RelayResult>): void {
    this.relay = relay;
  }

  /** Hands the outbox to the queue now. */
  kick(): Promise<RelayResult> {
    return this.relay ? this.relay() : Promise.resolve({ took: false, complete: false });
  }
}

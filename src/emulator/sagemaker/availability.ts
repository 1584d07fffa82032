/**
 * Taking the emulator's listening socket down and up again (`setDown`, the admin API's `goDownFor`), and closing
 * it for good. Transitions are serialised so a quick down/up/down sequence cannot interleave listen and close.
 */
import type { Server } from 'node:http';

export class Availability {
  #down = false;
  #closed = false;
  #downTimer: NodeJS.Timeout | undefined;
  #transition: Promise<void> = Promise.resolve();

  /** `server` already listens on `port` at `host`. */
  constructor(
    private readonly server: Server,
    private readonly port: number,
    private readonly host: string,
  ) {}

  isDown(): boolean {
    return this.#down;
  }

  /** `true` closes the socket and every open connection; `false` listens again on the same port. */
  setDown(value: boolean): Promise<void> {
    clearTimeout(this.#downTimer);
    const next = this.#transition.then(async () => {
      if (value && !this.#down) {
        this.#down = true;
        await stop(this.server);
      } else if (!value && this.#down && !this.#closed) {
        await listen(this.server, this.port, this.host);
        this.#down = false;
      }
    });
    this.#transition = next.catch(() => {});
    return next;
  }

  /** Down now, up again after `ms` (unless closed meanwhile). */
  goDownFor(ms: number): void {
    void this.setDown(true).then(() => {
      if (this.#closed) return;
      this.#downTimer = setTimeout(() => void this.setDown(false).catch(() => {}), ms);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#downTimer);
    await this.#transition;
    if (!this.#down) await stop(this.server);
  }
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Stops accepting and destroys every connection, idle or mid-request, so clients see refusals and resets. */
function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * A TCP proxy on loopback between the engine and one server, for network fault tests. It can
 * reset connections (both sockets destroyed with RST, as a firewall that rejects a flow) and
 * black-hole them (nothing forwarded, nothing read, no close passed on: each side sees
 * silence, a half-open connection, as when a NAT forgets a flow). Both apply to new
 * connections too until heal(). Its kernel still acknowledges packets, so a black hole here
 * is noticed by timeouts on silence, not by TCP keepalives.
 */
import net from 'node:net';

export interface ProxiedConnection {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  /** Bytes the server sent through this connection. */
  down: number;
  /** Bytes the client sent. */
  up: number;
}

export class TcpProxy {
  private readonly live = new Set<ProxiedConnection>();
  private holed = false;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    readonly targetPort: number,
  ) {}

  /** Listen on a free loopback port, forwarding to `targetPort` on loopback. */
  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port, targetPort);
    server.on('connection', (client: net.Socket) => proxy.accept(client, targetHost));
    return proxy;
  }

  /** Connections open now (both sockets alive). */
  get connections(): ProxiedConnection[] {
    return [...this.live].filter((c) => !c.client.destroyed && !c.upstream.destroyed);
  }

  /** Bytes the server has sent through all connections still open. */
  get bytesDown(): number {
    return this.connections.reduce((s, c) => s + c.down, 0);
  }

  private accept(client: net.Socket, host: string): void {
    const upstream = net.connect(this.targetPort, host);
    const c: ProxiedConnection = { client, upstream, down: 0, up: 0 };
    this.live.add(c);
    const forward = (from: net.Socket, to: net.Socket, count: (n: number) => void) => {
      from.on('data', (b: Buffer) => {
        count(b.length);
        if (!to.write(b)) {
          from.pause();
          to.once('drain', () => {
            if (!this.holed) from.resume();
          });
        }
      });
      // A close is passed on, unless the connection is black-holed: then the other side hears nothing.
      from.on('close', () => {
        if (this.holed) return;
        this.live.delete(c);
        to.destroy();
      });
      from.on('error', () => undefined);
    };
    forward(client, upstream, (n) => (c.up += n));
    forward(upstream, client, (n) => (c.down += n));
    if (this.holed) {
      client.pause();
      upstream.pause();
    }
  }

  /** Destroy connections (those `which` picks, or all) with a TCP RST on both sides. Returns how many. */
  reset(which: (c: ProxiedConnection) => boolean = () => true): number {
    const chosen = this.connections.filter(which);
    for (const c of chosen) {
      this.live.delete(c);
      c.client.resetAndDestroy();
      c.upstream.resetAndDestroy();
    }
    return chosen.length;
  }

  /** Stop forwarding and reading on every connection, open now or opened later. */
  blackhole(): void {
    this.holed = true;
    for (const c of this.live) {
      c.client.pause();
      c.upstream.pause();
    }
  }

  /** Forward again; connections a side closed during the black hole are closed now. */
  heal(): void {
    this.holed = false;
    for (const c of [...this.live]) {
      if (c.client.destroyed || c.upstream.destroyed) {
        this.live.delete(c);
        c.client.destroy();
        c.upstream.destroy();
        continue;
      }
      c.client.resume();
      c.upstream.resume();
    }
  }

  /** Stop listening and close every connection. */
  async close(): Promise<void> {
    for (const c of this.live) {
      c.client.destroy();
      c.upstream.destroy();
    }
    this.live.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

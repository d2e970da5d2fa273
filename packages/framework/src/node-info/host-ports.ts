/**
 * Host ports in use on a node, keyed by IP then "protocol/port". Mirrors kube's HostPortInfo: an empty IP
 * means 0.0.0.0 (every address) and an empty protocol means TCP, so 0.0.0.0 conflicts with every IP.
 */
export class HostPortInfo {
  /** Shared empty map until the first port is added: most nodes have no host port in use. */
  private byIp: Map<string, Map<string, number>> = noPorts;

  /** Records a use of `ip`/`protocol`/`port`; port 0 is ignored. */
  add(ip: string | undefined, protocol: string | undefined, port: number): void {
    if (port <= 0) return;
    const key = portKey(protocol, port);
    const address = sanitizeIp(ip);
    if (this.byIp === noPorts) this.byIp = new Map();
    let ports = this.byIp.get(address);
    if (!ports) this.byIp.set(address, (ports = new Map()));
    ports.set(key, (ports.get(key) ?? 0) + 1);
  }

  /** Forgets one use of `ip`/`protocol`/`port`. */
  remove(ip: string | undefined, protocol: string | undefined, port: number): void {
    if (port <= 0) return;
    const address = sanitizeIp(ip);
    const ports = this.byIp.get(address);
    if (!ports) return;
    const key = portKey(protocol, port);
    const count = ports.get(key) ?? 0;
    if (count <= 1) ports.delete(key);
    else ports.set(key, count - 1);
    if (ports.size === 0) this.byIp.delete(address);
  }

  /** True when binding `ip`/`protocol`/`port` would collide with a port in use. */
  conflicts(ip: string | undefined, protocol: string | undefined, port: number): boolean {
    if (port <= 0) return false;
    const key = portKey(protocol, port);
    const address = sanitizeIp(ip);
    if (address === AnyAddress) {
      for (const ports of this.byIp.values()) if (ports.has(key)) return true;
      return false;
    }
    return (this.byIp.get(address)?.has(key) ?? false) || (this.byIp.get(AnyAddress)?.has(key) ?? false);
  }

  /** Number of distinct ip/protocol/port entries. */
  get size(): number {
    let total = 0;
    for (const ports of this.byIp.values()) total += ports.size;
    return total;
  }

  /** Makes this the same set of ports as `source` (a copy: later changes to either do not show in the other). */
  copyFrom(source: HostPortInfo): void {
    if (this.byIp.size === 0 && source.byIp.size === 0) return;
    this.byIp = source.byIp.size === 0 ? noPorts : new Map();
    for (const [ip, ports] of source.byIp) this.byIp.set(ip, new Map(ports));
  }

  clone(): HostPortInfo {
    const copy = new HostPortInfo();
    if (this.byIp.size === 0) return copy;
    copy.byIp = new Map();
    for (const [ip, ports] of this.byIp) copy.byIp.set(ip, new Map(ports));
    return copy;
  }
}

const AnyAddress = '0.0.0.0';

/** The ports of every HostPortInfo with none; never written (add replaces it first). */
const noPorts: Map<string, Map<string, number>> = new Map();

function sanitizeIp(ip: string | undefined): string {
  return ip ? ip : AnyAddress;
}

function portKey(protocol: string | undefined, port: number): string {
  return `${protocol ? protocol : 'TCP'}/${port}`;
}

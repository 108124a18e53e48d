import { execFileSync } from 'node:child_process';

/** Test hosts: network namespaces on one bridge, each with its own address and its own 127.0.0.1. */
export interface TestHosts {
  /** The host side of the bridge, where Temporal and the dashboard listen for the hosts. */
  gateway: string;
  hosts: { name: string; address: string }[];
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/**
 * Makes `count` hosts as network namespaces (root and iproute2 needed; the tests' CI runs as root). A process
 * started with `ip netns exec NAME` is on its own host as far as the network can tell: another address, and a
 * loopback of its own, so the agents' host lock (a port on 127.0.0.1) is per host as on real machines.
 */
export function createHosts(count: number, subnet = 231): TestHosts {
  const tag = `of${process.pid % 10_000}`;
  const bridge = `${tag}br`;
  const hosts: TestHosts['hosts'] = [];
  const remove = () => {
    for (const h of hosts) execFileSync('ip', ['netns', 'del', h.name], { stdio: 'ignore' });
    try {
      ip('link', 'del', bridge);
    } catch {
      // never made
    }
  };
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `10.${subnet}.0.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (let i = 1; i <= count; i++) {
      const name = `${tag}h${i}`;
      ip('netns', 'add', name);
      hosts.push({ name, address: `10.${subnet}.0.${10 + i}` });
      ip('link', 'add', `${tag}v${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name);
      ip('link', 'set', `${tag}v${i}`, 'master', bridge, 'up');
      ip('-n', name, 'addr', 'add', `10.${subnet}.0.${10 + i}/24`, 'dev', 'eth0');
      ip('-n', name, 'link', 'set', 'eth0', 'up');
      ip('-n', name, 'link', 'set', 'lo', 'up');
    }
  } catch (err) {
    remove();
    throw new Error(`cannot make test hosts (network namespaces need root and iproute2): ${(err as Error).message}`);
  }
  return { gateway: `10.${subnet}.0.1`, hosts, remove };
}

import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedHostNames, createHostPolicy, isLoopbackHost } from '../../../src/main/headless/host-policy';

const nic = (address: string, family: 'IPv4' | 'IPv6') => ({ address, family }) as NetworkInterfaceInfo;
const interfaces = {
  lo: [nic('127.0.0.1', 'IPv4'), nic('::1', 'IPv6')],
  eth0: [nic('192.168.1.20', 'IPv4'), nic('fe80::1', 'IPv6'), nic('2001:DB8::5', 'IPv6')],
};

describe('allowed Host names', () => {
  it('are the loopback names by default', () => {
    expect(allowedHostNames(undefined, interfaces, 'box')).toEqual(['127.0.0.1', '[::1]', 'localhost']);
  });

  it('are the bound address, plus the loopback names when it is a loopback address', () => {
    expect(allowedHostNames('192.168.1.20', interfaces, 'box')).toEqual(['192.168.1.20']);
    expect(allowedHostNames('::1', interfaces, 'box')).toEqual(['[::1]', '127.0.0.1', 'localhost']);
  });

  it('are every usable interface address and the machine name on a wildcard bind', () => {
    expect(allowedHostNames('0.0.0.0', interfaces, 'Box').sort()).toEqual(
      ['127.0.0.1', '[::1]', 'localhost', '192.168.1.20', '[2001:db8::5]', 'box'].sort(),
    );
  });

  it('knows loopback hosts', () => {
    expect(['localhost', '::1', '127.0.0.1', '127.1.2.3'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.1.20', 'localhost.evil.com', '::'].some(isLoopbackHost)).toBe(false);
  });
});

describe('host policy', () => {
  const policy = createHostPolicy(['127.0.0.1', '[::1]', 'localhost'], 4321);

  it('allows the bound names with the port only', () => {
    for (const host of ['127.0.0.1:4321', '[::1]:4321', 'LOCALHOST:4321'])
      expect(policy.allowsHost(host)).toBe(true);
    for (const host of [
      '127.0.0.1',
      '127.0.0.1:80',
      'evil.com:4321',
      'localhost.evil.com:4321',
      '',
      undefined,
    ]) {
      expect(policy.allowsHost(host)).toBe(false);
    }
  });

  it('allows the Origin of the page served under that Host only', () => {
    expect(policy.allowsOrigin('http://127.0.0.1:4321', '127.0.0.1:4321')).toBe(true);
    expect(policy.allowsOrigin('http://localhost:4321', 'localhost:4321')).toBe(true);
    expect(policy.allowsOrigin('http://localhost:4321', '127.0.0.1:4321')).toBe(false);
    expect(policy.allowsOrigin('https://127.0.0.1:4321', '127.0.0.1:4321')).toBe(false);
    expect(policy.allowsOrigin('http://evil.com:4321', 'evil.com:4321')).toBe(false);
    expect(policy.allowsOrigin('null', '127.0.0.1:4321')).toBe(false);
    expect(policy.allowsOrigin(undefined, '127.0.0.1:4321')).toBe(false);
  });

  it('accepts a Host without port on port 80, where browsers leave it out', () => {
    const on80 = createHostPolicy(['127.0.0.1'], 80);
    expect(on80.allowsHost('127.0.0.1')).toBe(true);
    expect(on80.allowsOrigin('http://127.0.0.1', '127.0.0.1')).toBe(true);
  });

  it('over TLS allows only the https Origin, and a Host without port on 443', () => {
    const tls = createHostPolicy(['127.0.0.1'], 443, 'https');
    expect(tls.allowsHost('127.0.0.1')).toBe(true);
    expect(tls.allowsOrigin('https://127.0.0.1', '127.0.0.1')).toBe(true);
    expect(tls.allowsOrigin('http://127.0.0.1', '127.0.0.1')).toBe(false);
  });
});

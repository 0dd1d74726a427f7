import { describe, expect, it } from 'vitest';
import { addressRange, canonicalCidr, cidrContains, cidrsOverlap, isCanonicalCidr, isIPv4, isIPv4Cidr } from '../../infra/model/cidr.js';

/** CIDR alignment: a block starts at a multiple of its size, whatever address it is written with. */
describe('CIDR blocks', () => {
  const ip = (text: string) => text.split('.').reduce((n, part) => n * 256 + Number(part), 0);

  it('a block is aligned to its size: 10.233.64.1/18 spans 10.233.64.0 to 10.233.127.255', () => {
    expect(addressRange('10.233.64.1/18')).toEqual([ip('10.233.64.0'), ip('10.233.127.255')]);
    expect(addressRange('10.233.100.7/18')).toEqual([ip('10.233.64.0'), ip('10.233.127.255')]);
    expect(addressRange('192.168.16.140/24')).toEqual([ip('192.168.16.0'), ip('192.168.16.255')]);
    expect(addressRange('0.0.0.0/0')).toEqual([0, ip('255.255.255.255')]);
    expect(addressRange('192.168.16.140')).toEqual([ip('192.168.16.140'), ip('192.168.16.140')]);
    expect(addressRange('192.168.16.140/33')).toBeUndefined();
  });

  it('the network address clears the host bits, and only a block written with it is canonical', () => {
    expect(canonicalCidr('10.233.64.1/18')).toBe('10.233.64.0/18');
    expect(canonicalCidr('172.20.5.0/16')).toBe('172.20.0.0/16');
    expect(canonicalCidr('192.168.16.255/25')).toBe('192.168.16.128/25');
    expect(isCanonicalCidr('10.233.64.0/18')).toBe(true);
    expect(isCanonicalCidr('10.233.96.0/18')).toBe(false);
    expect(isCanonicalCidr('10.233.128.0/17')).toBe(true);
    expect(isCanonicalCidr('10.233.64.0/17')).toBe(false);
    expect(isCanonicalCidr('not a cidr')).toBe(true);
  });

  it('containment and overlap follow the aligned blocks, to the last address', () => {
    expect(cidrContains('10.233.64.0/18', '10.233.127.255')).toBe(true);
    expect(cidrContains('10.233.64.0/18', '10.233.128.0')).toBe(false);
    expect(cidrContains('10.233.64.0/18', '10.233.63.255')).toBe(false);
    expect(cidrContains('10.0.0.0/8', '10.233.64.0/18')).toBe(true);
    expect(cidrContains('10.233.64.0/18', '10.0.0.0/8')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '192.168.16.0/24')).toBe(true);
    expect(cidrsOverlap('10.233.0.0/18', '10.233.64.0/18')).toBe(false);
    expect(cidrsOverlap('10.233.0.0/17', '10.233.64.0/18')).toBe(true);
    expect(cidrsOverlap('10.233.63.0/24', '10.233.64.0/24')).toBe(false);
    expect(cidrsOverlap('10.233.0.0/18', '10.233.63.255/32')).toBe(true);
  });

  it('parses only dotted quads and prefix lengths up to 32', () => {
    expect(isIPv4('192.168.16.1')).toBe(true);
    expect(isIPv4('192.168.16.256')).toBe(false);
    expect(isIPv4('192.168.016.1')).toBe(false);
    expect(isIPv4('192.168.16')).toBe(false);
    expect(isIPv4Cidr('10.0.0.0/32')).toBe(true);
    expect(isIPv4Cidr('10.0.0.0/33')).toBe(false);
    expect(isIPv4Cidr('10.0.0.0/8/8')).toBe(false);
    expect(isIPv4Cidr('10.0.0.0')).toBe(false);
  });
});

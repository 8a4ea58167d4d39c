import { describe, expect, it } from 'vitest';
import { refusedAddress, refusedUrl } from '../../../src/actions/address-guard.js';

describe('refusedAddress()', () => {
  it('refuses the cloud metadata address by default', () => {
    expect(refusedAddress('169.254.169.254', {})).toBe("'169.254.169.254' is a cloud metadata address");
  });

  it('refuses the AWS IPv6 metadata address', () => {
    expect(refusedAddress('fd00:ec2::254', {})).toContain('metadata');
  });

  it('refuses IPv4 and IPv6 link-local addresses', () => {
    expect(refusedAddress('169.254.10.1', {})).toContain('link-local');
    expect(refusedAddress('fe80::1', {})).toContain('link-local');
  });

  it('sees through IPv4-mapped IPv6 addresses', () => {
    expect(refusedAddress('::ffff:169.254.169.254', {})).toContain('metadata');
    expect(refusedAddress('::ffff:a9fe:a9fe', {})).toContain('metadata');
  });

  it('allows link-local addresses when configured but still refuses metadata', () => {
    expect(refusedAddress('169.254.10.1', { allow_link_local: true })).toBeNull();
    expect(refusedAddress('169.254.169.254', { allow_link_local: true })).toContain('metadata');
  });

  it('allows loopback and private addresses unless allow_private is false', () => {
    expect(refusedAddress('127.0.0.1', {})).toBeNull();
    expect(refusedAddress('10.1.2.3', { allow_private: false })).toContain('private');
    expect(refusedAddress('::1', { allow_private: false })).toContain('private');
  });

  it('allows public addresses', () => {
    expect(refusedAddress('93.184.216.34', { allow_private: false })).toBeNull();
  });
});

describe('cloud metadata in every spelling', () => {
  const noLookup = async (): Promise<string[]> => {
    throw new Error('no lookup expected');
  };
  it.each([
    'http://169.254.169.254/',
    'http://2852039166/',
    'http://0251.0376.0251.0376/',
    'http://0xa9.0xfe.0xa9.0xfe/',
    'http://0xa9fea9fe/',
    'http://169.254.43518/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[::a9fe:a9fe]/',
    'http://[::169.254.169.254]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[64:ff9b::169.254.169.254]/',
    'http://[64:ff9b:1::a9fe:a9fe]/',
    'http://[2002:a9fe:a9fe::]/',
    'http://[2002:a9fe:a9fe:1234::1]/',
    'http://[::ffff:0:a9fe:a9fe]/',
    'http://[2001:0:a9fe:a9fe::1]/',
    'http://[fd00:ec2::254]/',
    'http://metadata/',
    'http://METADATA.google.internal./',
  ])('refuses %s even when private addresses are allowed', async (url) => {
    expect(await refusedUrl(new URL(url), { allow_private: true }, noLookup)).toMatch(/metadata/);
  });

  it('refuses loopback behind NAT64 and 6to4 spellings when private addresses are refused', async () => {
    for (const url of ['http://[::7f00:1]/', 'http://[64:ff9b::7f00:1]/', 'http://[2002:7f00:1::]/', 'http://2130706433/', 'http://0x7f.1/']) {
      expect(await refusedUrl(new URL(url), { allow_private: false }, noLookup), url).toContain('private');
    }
  });

  it('still allows a public address behind NAT64', async () => {
    expect(await refusedUrl(new URL('http://[64:ff9b::5db8:d822]/'), { allow_private: false }, noLookup)).toBeNull();
  });

  it('places non-canonical spellings handed to refusedAddress', () => {
    expect(refusedAddress('2852039166', {})).toContain('metadata');
    expect(refusedAddress('not-an-ip', {})).toContain('not an IP address');
  });
});

describe('refusedUrl()', () => {
  it('refuses a host name that resolves to a link-local address', async () => {
    const lookup = async (): Promise<string[]> => ['10.0.0.5', '169.254.1.1'];
    expect(await refusedUrl(new URL('http://internal.example/'), {}, lookup)).toBe(
      "'internal.example' resolves to 169.254.1.1, a link-local address",
    );
  });

  it('refuses metadata.google.internal by name', async () => {
    const lookup = async (): Promise<string[]> => ['8.8.8.8'];
    expect(await refusedUrl(new URL('http://metadata.google.internal/'), {}, lookup)).toContain('metadata');
  });

  it('checks bracketed IPv6 literals without a lookup', async () => {
    const lookup = async (): Promise<string[]> => {
      throw new Error('no lookup expected');
    };
    expect(await refusedUrl(new URL('http://[fe80::1]:8080/'), {}, lookup)).toContain('link-local');
  });
});

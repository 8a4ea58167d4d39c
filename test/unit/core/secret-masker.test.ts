import { describe, expect, it } from 'vitest';
import { MAX_SECRETS, createSecretMasker } from '../../../src/core/secret-masker.js';
import { MASK, redactUrls, type ScanMeter } from '../../../src/core/secret-text.js';

const MIB = 1024 * 1024;

describe('createSecretMasker()', () => {
  it('replaces every known value wherever it occurs in a string', () => {
    const masker = createSecretMasker(['hunter2-s3cr3t', 'tok_abcdef']);
    expect(masker.maskText('a hunter2-s3cr3t b tok_abcdef c hunter2-s3cr3t')).toBe(`a ${MASK} b ${MASK} c ${MASK}`);
  });

  it('masks overlapping and nested values as one span', () => {
    const masker = createSecretMasker(['abcdef', 'defghi', 'cde']);
    expect(masker.maskText('xxabcdefghixx')).toBe(`xx${MASK}xx`);
  });

  it('ignores values shorter than four characters', () => {
    expect(createSecretMasker(['abc']).maskText('abc abc')).toBe('abc abc');
  });

  it('masks the token of a Bearer credential on its own too', () => {
    const masker = createSecretMasker(['Bearer zz-token-value']);
    expect(masker.maskText('echo zz-token-value')).toBe(`echo ${MASK}`);
  });

  it('masks each line of a value of several lines on its own, as a task log shows them', () => {
    const masker = createSecretMasker(['-----BEGIN KEY-----\r\nMIIEpAIBAAKCAQEA\n  x\n-----END KEY-----']);
    expect(['-----BEGIN KEY-----', 'MIIEpAIBAAKCAQEA', '  x', '-----END KEY-----'].map((line) => masker.maskText(line))).toEqual([MASK, MASK, '  x', MASK]);
  });

  it('masks a value escaped in JSON text and percent-encoded in a URL or a form', () => {
    const masker = createSecretMasker(['p "w" d/é+ 1']);
    expect(masker.maskText('{"v":"p \\"w\\" d/é+ 1"}')).toBe(`{"v":"${MASK}"}`);
    expect(masker.maskText('/?v=p%20%22w%22%20d%2F%C3%A9%2B%201')).toBe(`/?v=${MASK}`);
    expect(masker.maskText('v=p+%22w%22+d%2F%C3%A9%2B+1')).toBe(`v=${MASK}`);
  });

  it('masks a value base64-encoded alone and inside an HTTP Basic credential, in both alphabets', () => {
    const masker = createSecretMasker(['p?>w~d-0123456789']);
    expect(masker.maskText(`x=${btoa('p?>w~d-0123456789')}`)).toBe(`x=${MASK}`);
    expect(masker.maskText(Buffer.from('p?>w~d-0123456789').toString('base64url'))).toBe(MASK);
    for (const user of ['ci', 'bob', 'deploy']) {
      const shown = masker.maskText(`Basic ${Buffer.from(`${user}:p?>w~d-0123456789`).toString('base64')}`);
      const [before = '', after = ''] = shown.slice('Basic '.length).split(MASK);
      // What is left shows the user and at most two bytes of the secret at either end.
      expect(Buffer.from(before, 'base64').length - (user.length + 1), user).toBeLessThanOrEqual(2);
      expect(Buffer.from(after, 'base64').length, user).toBeLessThanOrEqual(2);
    }
  });

  it('masks a value escaped in XML or HTML, and the text inside the quotes it was given in', () => {
    const masker = createSecretMasker(['"a<b>&\'c-d"']);
    expect(masker.maskText('<v>a&lt;b&gt;&amp;&apos;c-d</v> <p title="a&lt;b&gt;&amp;&#39;c-d">')).toBe(`<v>${MASK}</v> <p title="${MASK}">`);
    expect(masker.maskText("echo a<b>&'c-d")).toBe(`echo ${MASK}`);
  });

  it('masks the derived forms of a value it learned under a credential key, and of the token after Bearer', () => {
    const masker = createSecretMasker();
    masker.learn({ headers: { authorization: 'Bearer tk-0123456789abcdef' } });
    expect(masker.maskText(btoa('x-access-token:tk-0123456789abcdef'))).toContain(MASK);
    expect(masker.maskText(`t=${btoa('tk-0123456789abcdef')}`)).toBe(`t=${MASK}`);
  });

  it('masks no form of a value shorter than four characters', () => {
    const masker = createSecretMasker(['k&!']);
    const forms = ['k&!', 'k%26!', 'k%26%21', 'k&amp;!', btoa('k&!')];
    expect(forms.map((form) => masker.maskText(form))).toEqual(forms);
  });

  it('counts secrets toward its cap, not their derived forms, and forgets the least recently added past it', () => {
    const masker = createSecretMasker();
    masker.add(['p "w" d/é+ 1 first']);
    masker.add(['kept "q" w/é+ 2']);
    // Four forms each at least (raw, JSON, percent, form; base64 and XML besides): all of them still fit.
    masker.add(Array.from({ length: MAX_SECRETS - 2 }, (_, i) => `x "${i}" y`));
    expect(masker.size).toBe(MAX_SECRETS);
    expect(masker.maskText('p "w" d/é+ 1 first')).toBe(MASK);
    // Added again, as the server adds a caller's token on every request: the last to be forgotten.
    masker.add(['kept "q" w/é+ 2']);
    masker.add(Array.from({ length: 2_000 }, (_, i) => `z "${i}" y`));
    expect(masker.size).toBe(MAX_SECRETS);
    expect(masker.maskText('p "w" d/é+ 1 first')).toBe('p "w" d/é+ 1 first');
    // Forgotten secrets' values leave at the next fold of the automata: these, long before the last.
    expect(masker.maskText('x "0" y and x "1000" y')).toBe('x "0" y and x "1000" y');
    expect(masker.maskText('{"v":"kept \\"q\\" w/é+ 2"} x "2000" y')).toBe(`{"v":"${MASK}"} ${MASK}`);
    expect(masker.maskText('v=kept+%22q%22+w%2F%C3%A9%2B+2')).toBe(`v=${MASK}`);
  });

  it('learns a forgotten secret again, every form of it', () => {
    const masker = createSecretMasker(['Bearer p "w" d']);
    masker.add(Array.from({ length: MAX_SECRETS + 2_000 }, (_, i) => `other-value-${i}`));
    expect(masker.maskText('echo p "w" d')).toBe('echo p "w" d');
    masker.add(['Bearer p "w" d']);
    expect(masker.maskText('echo p "w" d, p%20%22w%22%20d')).toBe(`echo ${MASK}, ${MASK}`);
  });

  it('masks a secret learned after its automaton was built, and one learned in the same batch as the text', () => {
    const masker = createSecretMasker(Array.from({ length: 500 }, (_, i) => `settled-secret-${i}`));
    expect(masker.maskText('settled-secret-7')).toBe(MASK);
    // A span of the settled tier and one of the recent tier, overlapping: one mask, as one automaton gives.
    masker.add(['secret-7 and-more']);
    expect(masker.maskText('x settled-secret-7 and-more y')).toBe(`x ${MASK} y`);
    const event = { note: 'token tk-late-0123456789', headers: { authorization: 'Bearer tk-late-0123456789' } };
    masker.learn(event);
    expect(masker.maskShared(event)).toEqual({ note: `token ${MASK}`, headers: { authorization: MASK } });
    expect(masker.maskText(btoa('user:tk-late-0123456789'))).toContain(MASK);
  });

  it('takes a value holding a lone surrogate, which has no percent-encoding', () => {
    const masker = createSecretMasker(['half\uD800-pair']);
    expect(masker.maskText('a half\uD800-pair b half\\ud800-pair')).toBe(`a ${MASK} b ${MASK}`);
  });

  it('masks values under credential headers and secret-named keys in a deep copy', () => {
    const masker = createSecretMasker();
    const input = { headers: { Authorization: 'Bearer t0k3n-value', cookie: 'sid=1', 'X-Api-Key': 'k', 'set-cookie': ['a=b'] }, user: 'ada' };
    expect(masker.maskValue(input)).toEqual({ headers: { Authorization: MASK, cookie: MASK, 'X-Api-Key': MASK, 'set-cookie': MASK }, user: 'ada' });
    expect(input.headers.Authorization).toBe('Bearer t0k3n-value');
  });

  it('learns the values under credential keys and then masks them anywhere', () => {
    const masker = createSecretMasker();
    masker.learn({ headers: { authorization: 'Bearer t0k3n-value' } });
    expect(masker.maskValue({ body: { echoed: 'got t0k3n-value' } })).toEqual({ body: { echoed: `got ${MASK}` } });
  });

  it('masks secrets in object keys as well as values', () => {
    const masker = createSecretMasker(['hunter2-s3cr3t']);
    expect(JSON.stringify(masker.maskValue({ 'hunter2-s3cr3t': 1 }))).not.toContain('hunter2');
  });

  it('masks a key that became a known secret after the key was first shown', () => {
    const masker = createSecretMasker();
    const data = { 'k-9f8e7d6c': 1, nested: { 'k-9f8e7d6c': 'x' } };
    expect(masker.maskShared(data)).toBe(data);
    expect(JSON.stringify(masker.maskValue(data))).toBe(JSON.stringify(data));
    masker.add(['k-9f8e7d6c']);
    expect(masker.maskShared(data)).toEqual({ [MASK]: 1, nested: { [MASK]: 'x' } });
    expect(JSON.stringify(masker.maskValue(data))).toBe(JSON.stringify({ [MASK]: 1, nested: { [MASK]: 'x' } }));
  });

  it('hides the value under a secret-named key every time, however often the key is seen', () => {
    const masker = createSecretMasker();
    for (let round = 0; round < 3; round += 1) {
      expect(masker.maskShared({ api_key: 'abcdefgh', note: 'abcdefgh' })).toEqual({ api_key: MASK, note: 'abcdefgh' });
      masker.learn({ password: `pw-${round}-value` });
      expect(masker.maskText(`x pw-${round}-value`)).toBe(`x ${MASK}`);
    }
  });

  it('maskShared returns data with nothing to mask as it is', () => {
    const masker = createSecretMasker(['hunter2-s3cr3t']);
    const data = { attempt: 1, input: { url: 'https://h/x', list: [1, 'two', { three: null }] }, count: 3 };
    expect(masker.maskShared(data)).toBe(data);
  });

  it('maskShared masks as maskValue does, copying only the path to each change', () => {
    const masker = createSecretMasker(['hunter2-s3cr3t']);
    const clean = { a: 1, b: ['x'] };
    const data = {
      clean,
      headers: { Authorization: 'Bearer t0k3n-value', accept: 'json' },
      list: ['ok', 'say hunter2-s3cr3t', clean],
      'hunter2-s3cr3t': 1,
      url: 'http://bob:pw1234@h/x?token=t',
    };
    const shown = masker.maskShared(data);
    expect(JSON.stringify(shown)).toBe(JSON.stringify(masker.maskValue(data)));
    expect(shown).not.toBe(data);
    expect(shown.clean).toBe(clean);
    expect(shown.list).not.toBe(data.list);
    expect(shown.list[2]).toBe(clean);
    expect(data.headers.Authorization).toBe('Bearer t0k3n-value');
    expect(data.list[1]).toBe('say hunter2-s3cr3t');
  });
});

describe('redactUrls()', () => {
  it('masks URL passwords and secret query parameters', () => {
    expect(redactUrls('GET http://bob:hunter2@h/x?token=t&q=1 and ftp://a:b@c')).toBe(`GET http://bob:${MASK}@h/x?token=${MASK}&q=1 and ftp://a:${MASK}@c`);
  });

  it('masks a key carried as a query parameter under any of the names APIs give it, in any case', () => {
    for (const name of ['key', 'Key', 'api_key', 'apikey', 'access_token', 'token', 'sig', 'signature', 'X-Goog-Signature']) {
      expect(redactUrls(`POST https://generativelanguage.googleapis.com/v1beta/openai?alt=sse&${name}=AIza-s3cr3t&n=1`), name).toBe(
        `POST https://generativelanguage.googleapis.com/v1beta/openai?alt=sse&${name}=${MASK}&n=1`,
      );
    }
    // a name that only contains one of them is not one of them
    expect(redactUrls('https://h/x?keyword=rust&monkey=1&design=2')).toBe('https://h/x?keyword=rust&monkey=1&design=2');
  });

  it('leaves a URL without userinfo and plain query parameters alone', () => {
    expect(redactUrls('https://h:8080/x?a=1&b=2')).toBe('https://h:8080/x?a=1&b=2');
  });
});

/** Adversarial inputs for the old backtracking patterns, each 1 MiB. */
function adversarial(): Record<string, string> {
  return {
    'repeated ?': '?'.repeat(MIB),
    'repeated ?token': '?token'.repeat(MIB / 6),
    'scheme without @': `a://${'b:'.repeat(MIB / 2)}`,
    'many schemes': 'a://b:'.repeat(MIB / 6),
    'names without =': '&x'.repeat(MIB / 2),
    'almost-secret prefixes': 'hunter2-s3cr3'.repeat(MIB / 13),
  };
}

describe('masking cost', () => {
  it('inspects each character of a 1 MiB adversarial string a bounded number of times', () => {
    const masker = createSecretMasker(['hunter2-s3cr3t', 'aaaaaaaab', 'hunter2-s3cr3']);
    const plain: ScanMeter = { steps: 0 };
    masker.maskText('x'.repeat(MIB) + '://=', plain);
    for (const [name, text] of Object.entries(adversarial())) {
      const meter: ScanMeter = { steps: 0 };
      masker.maskText(text, meter);
      // Linear: a fixed number of looks per character, whatever the text holds.
      expect(meter.steps / text.length, name).toBeLessThanOrEqual(6);
      expect(meter.steps, name).toBeLessThanOrEqual(6 * plain.steps);
    }
  });

  it('masks 1 MiB adversarial strings in a small multiple of a plain 1 MiB string', () => {
    const masker = createSecretMasker(['hunter2-s3cr3t']);
    const time = (text: string): number => {
      const start = process.hrtime.bigint();
      masker.maskValue({ text });
      return Number(process.hrtime.bigint() - start);
    };
    const plain = Math.max(time('x'.repeat(MIB) + '://='), time('y'.repeat(MIB) + '?='));
    for (const [name, text] of Object.entries(adversarial())) {
      // Generous: the quadratic patterns this replaced took thousands of times longer.
      expect(time(text) / plain, name).toBeLessThan(100);
    }
  });
});

describe('learning URL passwords', () => {
  it('masks the password of a URL seen once wherever it appears alone', () => {
    const masker = createSecretMasker();
    masker.learn({ dsn: 'postgres://app:pa%24%24word@db/app' });
    expect(masker.maskText('login failed for pa$$word and pa%24%24word')).toBe(`login failed for ${MASK} and ${MASK}`);
  });

  it('keeps a flag under a credential-like name: `secret: true` says a value is secret, it holds none', () => {
    const masker = createSecretMasker();
    expect(masker.maskValue({ input: { db: { type: 'string', secret: true }, port: { secret: false } }, password: 'hunter2-s3cr3t' })).toEqual({
      input: { db: { type: 'string', secret: true }, port: { secret: false } },
      password: MASK,
    });
  });

  it("shows the declaration of an input named like a secret, masking only its default and its choices", () => {
    const masker = createSecretMasker();
    const input = {
      password: { type: 'string', required: true, secret: true, description: 'the database password' },
      api_key: { type: 'string', default: 'k-live-8f2a9c', enum: ['k-live-8f2a9c', 'k-test-1b2c3d'] },
    };
    const shown = { password: input.password, api_key: { type: 'string', default: MASK, enum: MASK } };
    expect(masker.maskValue({ input })).toEqual({ input: shown });
    expect(masker.maskShared({ input })).toEqual({ input: shown });
    // the declaration is not copied when nothing in it is hidden
    expect(masker.maskShared({ password: input.password }).password).toBe(input.password);
  });

  it('still hides a whole value under a secret-named key that only looks like a declaration in part', () => {
    const masker = createSecretMasker();
    const values = [
      { type: 'service_account', private_key_id: 'a1b2c3d4' },
      { type: 'string', value: 'hunter2-s3cr3t' },
      { type: 'bearer' },
      { description: 42 },
      {},
    ];
    for (const value of values) {
      expect(masker.maskValue({ token: value })).toEqual({ token: MASK });
      expect(masker.maskShared({ token: value })).toEqual({ token: MASK });
    }
  });
});

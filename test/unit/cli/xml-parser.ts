/**
 * A small strict XML parser for tests: elements, attributes, text, the XML
 * declaration, comments and the five predefined entities plus character
 * references. It throws on anything that is not well-formed.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(source: string): XmlElement {
  let pos = 0;
  const fail = (message: string): never => {
    throw new Error(`${message} at offset ${pos}`);
  };
  const skipSpace = () => {
    while (pos < source.length && /\s/.test(source[pos] ?? '')) pos++;
  };
  const decode = (raw: string): string => {
    if (/[<]/.test(raw)) fail('raw < in text or attribute');
    return raw.replace(/&([^;]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(';')) fail(`unterminated entity ${whole}`);
      if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
      if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
      const value = ENTITIES[ref];
      if (value === undefined) fail(`unknown entity &${ref};`);
      return value ?? '';
    });
  };
  const checkChars = (text: string) => {
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text)) fail('control character');
  };
  checkChars(source);
  if (source.startsWith('<?xml')) {
    const end = source.indexOf('?>');
    if (end < 0) fail('unterminated declaration');
    pos = end + 2;
  }
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (source.startsWith('<!--', pos)) {
        const end = source.indexOf('-->', pos);
        if (end < 0) fail('unterminated comment');
        pos = end + 3;
      } else return;
    }
  };
  const parseElement = (): XmlElement => {
    if (source[pos] !== '<') fail('expected <');
    pos++;
    const name = NAME.exec(source.slice(pos))?.[0] ?? fail('expected element name');
    pos += name.length;
    const attributes: Record<string, string> = {};
    for (;;) {
      const before = pos;
      skipSpace();
      if (source.startsWith('/>', pos)) {
        pos += 2;
        return { name, attributes, children: [], text: '' };
      }
      if (source[pos] === '>') {
        pos++;
        break;
      }
      if (pos === before) fail('expected space before attribute');
      const attr = NAME.exec(source.slice(pos))?.[0] ?? fail('expected attribute name');
      pos += attr.length;
      skipSpace();
      if (source[pos] !== '=') fail('expected =');
      pos++;
      skipSpace();
      const quote = source[pos];
      if (quote !== '"' && quote !== "'") fail('expected quoted attribute value');
      const end = source.indexOf(quote ?? '"', pos + 1);
      if (end < 0) fail('unterminated attribute');
      if (attr in attributes) fail(`duplicate attribute ${attr}`);
      attributes[attr] = decode(source.slice(pos + 1, end));
      pos = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (pos >= source.length) fail(`unclosed <${name}>`);
      if (source.startsWith('</', pos)) {
        pos += 2;
        const closing = NAME.exec(source.slice(pos))?.[0];
        if (closing !== name) fail(`</${closing}> closes <${name}>`);
        pos += name.length;
        skipSpace();
        if (source[pos] !== '>') fail('expected >');
        pos++;
        return { name, attributes, children, text };
      }
      if (source.startsWith('<!--', pos)) {
        skipMisc();
        continue;
      }
      if (source[pos] === '<') {
        children.push(parseElement());
        continue;
      }
      const next = source.indexOf('<', pos);
      const raw = source.slice(pos, next < 0 ? source.length : next);
      if (raw.includes('>') && raw.includes(']]>')) fail(']]> in text');
      text += decode(raw);
      pos += raw.length;
    }
  };
  skipMisc();
  const root = parseElement();
  skipMisc();
  if (pos !== source.length) fail('content after the root element');
  return root;
}

/** Child elements with the given name. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

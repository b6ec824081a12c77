/**
 * Where JSON text stops being JSON, as "line 3, column 13: expected a value". V8's JSON.parse names
 * the position for some errors only; a hand-edited notes file deserves a line and a column always.
 */

/** The line, column and reason of the first error in `text`, or null when it parses. */
export function jsonErrorAt(text: string): { line: number; column: number; reason: string } | null {
  let pos = 0;
  const fail = (reason: string): never => {
    throw Object.assign(new Error(reason), { at: pos });
  };
  const ws = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++;
  };
  const literal = (word: string) => (text.startsWith(word, pos) ? (pos += word.length) : fail(`expected a value`));
  const string = () => {
    pos++;
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === '\\') pos++;
      else if (text.charCodeAt(pos) < 0x20) fail('control character in a string');
      pos++;
    }
    if (pos >= text.length) fail('unterminated string');
    pos++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(pos, pos + 400));
    if (!m) fail('expected a value');
    pos += m![0].length;
  };
  const list = (close: string, item: () => void) => {
    pos++;
    ws();
    if (text[pos] === close) return void pos++;
    for (;;) {
      item();
      ws();
      if (text[pos] === ',') {
        pos++;
        ws();
      } else if (text[pos] === close) return void pos++;
      else fail(pos >= text.length ? 'unexpected end of the file' : `expected ',' or '${close}'`);
    }
  };
  const value = (): void => {
    ws();
    const c = text[pos];
    if (c === '{') list('}', member);
    else if (c === '[') list(']', value);
    else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c >= '0' && c <= '9')) number();
    else fail(pos >= text.length ? 'unexpected end of the file' : 'expected a value');
  };
  const member = () => {
    if (text[pos] !== '"') fail('expected a quoted property name');
    string();
    ws();
    if (text[pos] !== ':') fail("expected ':'");
    pos++;
    value();
  };
  try {
    value();
    ws();
    if (pos < text.length) fail('unexpected text after the end');
    return null;
  } catch (err) {
    const at = (err as { at?: number }).at ?? pos;
    const before = text.slice(0, at);
    return { line: before.split('\n').length, column: at - before.lastIndexOf('\n'), reason: (err as Error).message };
  }
}

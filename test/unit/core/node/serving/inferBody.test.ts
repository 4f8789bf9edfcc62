import { describe, expect, it } from 'vitest';
import { readInferBody } from '../../../../../core/node/serving/inferBody';
import { readJsonFloat32, readJsonNumber } from '../../../../../core/node/serving/jsonNumber';

/** A seeded generator, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function readNumber(text: string): { value: number; end: number } {
  const at = { pos: 0 };
  const value = readJsonNumber(Buffer.from(text), at);
  return { value, end: at.pos };
}

/** JSON.parse's value with all-number FP32 `inputs[k].data` rounded to float32, as a Float32Array would. */
function parsedAsFp32(text: string): unknown {
  const v = JSON.parse(text) as { inputs?: { datatype?: string; data?: unknown }[] };
  for (const input of v.inputs ?? [])
    if (input.datatype === 'FP32' && Array.isArray(input.data) && input.data.every((x) => typeof x === 'number'))
      input.data = input.data.map((x: number) => Math.fround(x));
  return v;
}

/** Replaces typed arrays by plain arrays so a read body compares with JSON.parse's. */
function plain(v: unknown): unknown {
  if (v instanceof Float64Array || v instanceof Float32Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe('readJsonNumber', () => {
  it('gives the same double as JSON.parse for every kind of JSON number', () => {
    const rnd = lcg(19);
    const f32 = new Float32Array(1);
    const digits = (n: number): string =>
      Array.from({ length: n }, (_, i) => Math.floor(rnd() * (i ? 10 : 9)) + (i ? 0 : 1)).join('');
    const makers: (() => string)[] = [
      () => String(rnd()),
      () => String(-rnd() * 1000),
      () => {
        f32[0] = rnd() * 2 - 1;
        return String(f32[0]);
      },
      () => rnd().toPrecision(16 + Math.floor(rnd() * 4)),
      () => (rnd() * 10 ** Math.floor(rnd() * 12)).toPrecision(17 + Math.floor(rnd() * 3)),
      () => {
        const d = digits(15 + Math.floor(rnd() * 7));
        const dot = Math.floor(rnd() * d.length);
        return `${rnd() < 0.3 ? '-' : ''}${dot === 0 ? `0.${'0'.repeat(Math.floor(rnd() * 4))}${d}` : `${d.slice(0, dot)}.${d.slice(dot)}`}`;
      },
      () => String(rnd() * 1e-5),
      () => rnd().toExponential(Math.floor(rnd() * 20)),
      () => `${digits(1 + Math.floor(rnd() * 20))}e${Math.floor(rnd() * 40) - 20}`,
      () => {
        // Near the midpoint of two neighbouring doubles in [0.5, 1): the hardest cases to round.
        const m = BigInt(2 ** 52 + Math.floor(rnd() * 2 ** 52));
        const mid = ((2n * m + 1n) * 5n ** 54n).toString();
        const n = 16 + Math.floor(rnd() * 4);
        const last = BigInt(mid.slice(0, n)) + BigInt(Math.floor(rnd() * 3) - 1);
        return `0.${last.toString()}`;
      },
    ];
    let bad = 0;
    for (const make of makers)
      for (let i = 0; i < 20_000; i++) {
        const text = make();
        const { value, end } = readNumber(text);
        if (!Object.is(value, JSON.parse(text)) || end !== text.length) bad++;
      }
    expect(bad).toBe(0);
    for (const text of [
      '0',
      '-0',
      '-0.0',
      '1e999',
      '-1e999',
      '1E-400',
      '9007199254740993',
      '123456789012345678901234',
      '0.1e1',
      '5e-324',
      '2.2250738585072014e-308',
    ])
      expect(Object.is(readNumber(text).value, JSON.parse(text)), text).toBe(true);
  });

  it('is NaN where the bytes are not a JSON number', () => {
    for (const text of ['-', '.5', '1.', '1e', '1e+', '+1', 'x']) expect(readNumber(text).value).toBeNaN();
    expect(readNumber('01').end).toBe(1);
  });
});

/** A buffer with a view of it, as readJsonFloat32 takes them. */
function viewed(text: string): [Buffer, DataView] {
  const buf = Buffer.from(text);
  return [buf, new DataView(buf.buffer, buf.byteOffset, buf.byteLength)];
}

describe('readJsonFloat32', () => {
  it('gives Math.fround of the double JSON.parse gives, or NaN beyond float32', () => {
    const rnd = lcg(23);
    const f32 = new Float32Array(1);
    const makers: (() => string)[] = [
      () => String(rnd()),
      () => {
        f32[0] = (rnd() * 2 - 1) * 10 ** Math.floor(rnd() * 8 - 4);
        return String(f32[0]);
      },
      () => (rnd() * 10 ** Math.floor(rnd() * 12)).toPrecision(17 + Math.floor(rnd() * 4)),
      () => `-${(rnd() * 1000).toFixed(Math.floor(rnd() * 20))}`,
      () => {
        // Near the midpoint of two neighbouring float32s in [0.5, 1): the hardest cases to round.
        const m = 2 ** 23 + Math.floor(rnd() * 2 ** 23);
        const mid = (m + 0.5) / 2 ** 24;
        return (mid + (rnd() - 0.5) * 2 ** -50).toPrecision(17 + Math.floor(rnd() * 4));
      },
      () => `${Math.floor(rnd() * 1e6)}${'0'.repeat(Math.floor(rnd() * 40))}`,
      () => rnd().toExponential(Math.floor(rnd() * 20)),
    ];
    let bad = 0;
    for (const make of makers)
      for (let i = 0; i < 20_000; i++) {
        const text = make();
        const at = { pos: 0 };
        const d = JSON.parse(text) as number;
        const want = Math.abs(d) <= 3.4028234663852886e38 ? Math.fround(d) : NaN;
        if (!Object.is(readJsonFloat32(...viewed(text), at), want) || at.pos !== text.length) bad++;
        const within = { pos: 1 };
        if (!Object.is(readJsonFloat32(...viewed(`[${text},1234]`), within), want) || within.pos !== text.length + 1)
          bad++;
      }
    expect(bad).toBe(0);
    for (const text of ['0', '-0', '-0.0', '1e39', '-3.4028236e38', '3.4028235e38', '1.4e-45', '7e-46', '1e999'])
      expect(
        Object.is(readJsonFloat32(...viewed(text), { pos: 0 }), Math.fround(JSON.parse(text) as number)) ||
          Math.abs(JSON.parse(text) as number) > 3.4028234663852886e38,
        text,
      ).toBe(true);
    for (const text of ['1e39', '3.4028235677973366e38', '1e999', '-1e999'])
      expect(readJsonFloat32(...viewed(text), { pos: 0 })).toBeNaN();
    for (const text of ['-', '.5', '1.', 'x']) expect(readJsonFloat32(...viewed(text), { pos: 0 })).toBeNaN();
  });
});

describe('readInferBody', () => {
  it('reads the same values as JSON.parse, with inputs[k].data as a Float32Array (FP32) or Float64Array when all numbers', () => {
    const bodies = [
      {
        id: 'a\u00e9"\\\n',
        inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: [0.1, -2, 3e5, 0.41997575759887695] }],
      },
      { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, null, 'NaN'] }], outputs: [{ name: 'y' }] },
      {
        inputs: [
          {
            name: 'x',
            shape: [2, 2],
            datatype: 'FP32',
            data: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
        parameters: { data: [1, 2] },
      },
      {
        inputs: [
          { name: 'b', shape: [2], datatype: 'BOOL', data: [true, false] },
          { name: 'e', shape: [0], datatype: 'FP32', data: [] },
        ],
      },
      { a: [{}, [], '', 0, -0.5, true, false, null, { b: { c: [1, [2, [3]]] } }] },
    ];
    for (const body of bodies) {
      const text = JSON.stringify(body, null, body.id ? 2 : undefined);
      expect(plain(readInferBody(Buffer.from(text)))).toEqual(parsedAsFp32(text));
    }
    const first = readInferBody(Buffer.from(JSON.stringify(bodies[0]))) as { inputs: { data: unknown }[] };
    expect(first.inputs[0].data).toBeInstanceOf(Float32Array);
    // The datatype after the data, or another datatype: the exact doubles.
    const late = '{"inputs":[{"name":"x","shape":[2],"data":[0.1,16777217],"datatype":"FP32"}]}';
    expect(readInferBody(Buffer.from(late))).toEqual({
      inputs: [{ name: 'x', shape: [2], data: new Float64Array([0.1, 16777217]), datatype: 'FP32' }],
    });
    const fp64 = readInferBody(Buffer.from('{"inputs":[{"datatype":"FP64","data":[0.1]}]}')) as typeof first;
    expect(fp64.inputs[0].data).toEqual(new Float64Array([0.1]));
    // A value beyond float32 is read as a double, so the server can name it.
    const big = readInferBody(Buffer.from('{"inputs":[{"datatype":"FP32","data":[1,1e39]}]}')) as typeof first;
    expect(big.inputs[0].data).toEqual(new Float64Array([1, 1e39]));
    const mixed = readInferBody(Buffer.from(JSON.stringify(bodies[1]))) as { inputs: { data: unknown }[] };
    expect(Array.isArray(mixed.inputs[0].data)).toBe(true);
    const other = readInferBody(Buffer.from(JSON.stringify(bodies[2]))) as { parameters: { data: unknown } };
    expect(Array.isArray(other.parameters.data)).toBe(true);
  });

  it('reads FP32 data of every kind of number as Float32Array.from(JSON.parse(...)) does', () => {
    const rnd = lcg(29);
    const f32 = new Float32Array(1);
    const makers: (() => string)[] = [
      () => String(rnd()),
      () => String(-rnd() * 1000),
      () => {
        f32[0] = (rnd() * 2 - 1) * 10 ** Math.floor(rnd() * 8 - 4);
        return String(f32[0]);
      },
      () => String(Math.fround(rnd()) + 0.5),
      () => (rnd() * 10 ** Math.floor(rnd() * 12)).toPrecision(16 + Math.floor(rnd() * 6)),
      () => `-${(rnd() * 1000).toFixed(Math.floor(rnd() * 26))}`,
      () => {
        // Near the midpoint of two neighbouring float32s in [0.5, 1): the hardest cases to round.
        const m = 2 ** 23 + Math.floor(rnd() * 2 ** 23);
        const mid = (m + 0.5) / 2 ** 24;
        return (mid + (rnd() - 0.5) * 2 ** -50).toPrecision(17 + Math.floor(rnd() * 4));
      },
      () => `${Math.floor(rnd() * 1e6)}${'0'.repeat(Math.floor(rnd() * 30))}`,
      () => rnd().toExponential(Math.floor(rnd() * 20)),
      () => ['0', '-0', '-0.0', '1', '9007199254740993', '0.000000000000000000000001'][Math.floor(rnd() * 6)],
    ];
    const spaces = ['', ' ', '\n  ', '\t'];
    let bad = 0;
    for (const make of makers)
      for (let chunk = 0; chunk < 20; chunk++) {
        const numbers = Array.from({ length: 500 }, make);
        const sep = (): string => spaces[Math.floor(rnd() * spaces.length)];
        const data = `[${sep()}${numbers.map((t) => `${t}${sep()}`).join(`,${sep()}`)}]`;
        const text = `{"inputs":[{"name":"x","shape":[500],"datatype":"FP32","data":${data}}]}`;
        const got = (readInferBody(Buffer.from(text)) as { inputs: { data: unknown }[] }).inputs[0].data;
        const want = Float32Array.from(JSON.parse(data) as number[]);
        if (!(got instanceof Float32Array) || got.length !== want.length) bad++;
        else for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) bad++;
      }
    expect(bad).toBe(0);
  });

  it('leaves to the standard parser what it does not read exactly as JSON.parse would', () => {
    for (const text of [
      '',
      '{"inputs": [',
      '{"a":1}x',
      '{"a":1,}',
      '[1,]',
      '{"a":01}',
      '\ufeff{"a":1}',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{}}}',
      '{"a":"tab\there"}',
      '{"a":"\\x"}',
      `${'['.repeat(100)}${']'.repeat(100)}`,
      '{"inputs":[{"data":[1,2,]}]}',
      '{"inputs":[{"data":[1 2]}]}',
      '{"inputs":[{"datatype":"FP32","data":[1,2 3]}]}',
      '{"inputs":[{"datatype":"FP32","data":[1,02]}]}',
      '{"inputs":[{"datatype":"FP32","data":[1,-]}]}',
      '{"inputs":[{"datatype":"FP32","data":[1,2.]}]}',
      '{"inputs":[{"datatype":"FP32","data":[1,.5]}]}',
      '{"inputs":[{"datatype":"FP32","data":[1,+5]}]}',
      '{"inputs":[{"datatype":"FP32","data":[1,2],}]}',
      '{"inputs":[{"datatype":"FP32","data":[1,2]',
      '{"inputs":[{"datatype":"FP32","data":[1,2],"datatype":"INT32"}]}',
    ])
      expect(readInferBody(Buffer.from(text)), text).toBeUndefined();
  });
});

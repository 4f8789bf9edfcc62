import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeBpeWord, END_OF_WORD, learnBpe, mergeRanks } from '../../../../../core/common/transforms/bpe';
import {
  encodeText,
  OOV_ID,
  PAD_ID,
  tokenize,
  tokenizeFromCard,
  tokenizerCard,
  type TokenizeParams,
} from '../../../../../core/common/transforms/tokenize';
import { fitLength } from '../../../../../core/common/transforms/tokenizer';
import { refitTransforms } from '../../../../../core/common/nodes/prep/refitTransforms';

const W = END_OF_WORD;

const params = (over: Partial<TokenizeParams> = {}): TokenizeParams => ({
  mode: 'word',
  lowercase: true,
  normalize: 'NFC',
  vocabSize: 100,
  maxLength: 5,
  truncate: 'end',
  padding: 'end',
  padToken: '[PAD]',
  oovToken: '[UNK]',
  ...over,
});

const col = (values: (string | null)[]) => ({ kind: 'category' as const, values });

function ids(t: ReturnType<typeof tokenize.fit>, texts: (string | null)[]): number[][] {
  const out = tokenize.apply(t, col(texts));
  if (out.kind !== 'slots') throw new Error('expected slots');
  return texts.map((_, i) => Array.from(out.values.subarray(i * out.width, (i + 1) * out.width)));
}

/** Sennrich et al.'s BPE done the slow, obvious way: recount every pair before each merge. */
function naiveBpe(counts: Map<string, number>, maxMerges: number): [string, string][] {
  let words = [...counts].map(([w, c]) => {
    const s = Array.from(w);
    s[s.length - 1] += W;
    return { s, c };
  });
  const merges: [string, string][] = [];
  while (merges.length < maxMerges) {
    const pairs = new Map<string, number>();
    for (const { s, c } of words)
      for (let i = 0; i + 1 < s.length; i++)
        pairs.set(`${s[i]}\u0000${s[i + 1]}`, (pairs.get(`${s[i]}\u0000${s[i + 1]}`) ?? 0) + c);
    const best = [...pairs].filter(([, c]) => c >= 2).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0];
    if (!best) break;
    const [a, b] = best[0].split('\u0000') as [string, string];
    merges.push([a, b]);
    words = words.map(({ s, c }) => {
      const out: string[] = [];
      for (let i = 0; i < s.length; i++) {
        if (s[i] === a && s[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(s[i]);
      }
      return { s: out, c };
    });
  }
  return merges;
}

describe('tokenize: word mode', () => {
  const train = ['The cat sat.', 'the cat ran!', 'A dog'];

  it('orders the vocabulary by training count, ties in code-unit order, after PAD and OOV', () => {
    const t = tokenize.fit('text', col(train), params());
    expect(t.vocab).toEqual(['cat', 'the', '!', '.', 'a', 'dog', 'ran', 'sat']);
    expect(t.counts).toEqual([2, 2, 1, 1, 1, 1, 1, 1]);
    expect(ids(t, ['The dog flew.'])).toEqual([[3, 7, OOV_ID, 5, PAD_ID]]);
  });

  it('caps the vocabulary at vocabSize ids, the two special ones included', () => {
    const t = tokenize.fit('text', col(train), params({ vocabSize: 4 }));
    expect(t.vocab).toEqual(['cat', 'the']);
    expect(ids(t, ['the cat sat'])).toEqual([[3, 2, OOV_ID, 0, 0]]);
  });

  it('keeps case without lowercase and folds compatibility forms only under NFKC', () => {
    const cased = tokenize.fit('text', col(['Cat cat']), params({ lowercase: false }));
    expect(cased.vocab).toEqual(['Cat', 'cat']);
    const nfc = tokenize.fit('text', col(['\ufb01ne x\u00b2']), params({ normalize: 'NFC' }));
    expect(nfc.vocab).toEqual(['x\u00b2', '\ufb01ne']);
    const nfkc = tokenize.fit('text', col(['\ufb01ne x\u00b2']), params({ normalize: 'NFKC' }));
    expect(nfkc.vocab).toEqual(['fine', 'x2']);
    const composed = tokenize.fit('text', col(['cafe\u0301']), params({ normalize: 'NFC' }));
    expect(composed.vocab).toEqual(['caf\u00e9']);
  });

  it('gives empty and missing texts all padding', () => {
    const t = tokenize.fit('text', col(['', null, 'a b']), params({ maxLength: 3 }));
    expect(ids(t, ['', null, '   '])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe('tokenize: character mode', () => {
  it('counts code points, spaces included', () => {
    const t = tokenize.fit('text', col(['ab a', '😀a']), params({ mode: 'char', maxLength: 4 }));
    expect(t.vocab).toEqual(['a', ' ', 'b', '😀']);
    expect(ids(t, ['a😀z'])).toEqual([[2, 5, OOV_ID, 0]]);
  });
});

describe('fitLength: truncation and padding sides', () => {
  const run = (truncate: 'start' | 'end', padding: 'start' | 'end', seq: number[]) => {
    const out = new Float64Array(4);
    fitLength(seq, 4, truncate, padding, 0, out, 0);
    return Array.from(out);
  };
  it('truncates at the end (keeps the start) or at the start (keeps the end)', () => {
    expect(run('end', 'end', [5, 6, 7, 8, 9, 10])).toEqual([5, 6, 7, 8]);
    expect(run('start', 'end', [5, 6, 7, 8, 9, 10])).toEqual([7, 8, 9, 10]);
  });
  it('pads at the end or at the start', () => {
    expect(run('end', 'end', [5, 6])).toEqual([5, 6, 0, 0]);
    expect(run('end', 'start', [5, 6])).toEqual([0, 0, 5, 6]);
  });
  it('applies both through the fitted transform', () => {
    const t = tokenize.fit('text', col(['a b c d e f']), params({ maxLength: 3, truncate: 'start', padding: 'start' }));
    const [a, b, c, d, e, f] = ['a', 'b', 'c', 'd', 'e', 'f'].map((w) => t.vocab.indexOf(w) + 2);
    expect(ids(t, ['a b c d e f', 'b c'])).toEqual([
      [d, e, f],
      [0, b, c],
    ]);
    expect(a).toBe(2);
  });
});

describe('byte-pair encoding', () => {
  // Sennrich et al. (2016), worked by hand: low ×5, lower ×2, newest ×6, widest ×3, the end-of-word
  // marker fused with each word's last character. Ties go to the pair whose symbols sort first.
  const corpus = new Map([
    ['low', 5],
    ['lower', 2],
    ['newest', 6],
    ['widest', 3],
  ]);

  it('learns the hand-worked merges in order', () => {
    expect(learnBpe(corpus, 7)).toEqual([
      ['e', 's'],
      ['es', `t${W}`],
      ['l', 'o'],
      ['e', 'w'],
      ['ew', `est${W}`],
      ['n', `ewest${W}`],
      ['lo', `w${W}`],
    ]);
  });

  it('stops when no pair occurs twice', () => {
    expect(learnBpe(new Map([['abc', 1]]), 10)).toEqual([]);
  });

  it('encodes an unseen word with the merges by rank', () => {
    const ranks = mergeRanks(learnBpe(corpus, 7));
    expect(encodeBpeWord('lowest', ranks)).toEqual(['lo', 'w', `est${W}`]);
    expect(encodeBpeWord('low', ranks)).toEqual([`low${W}`]);
  });

  it('matches a naive recount-everything learner on a random corpus', () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const w = Array.from({ length: 1 + Math.floor(rand() * 7) }, () => 'abcde'[Math.floor(rand() * 5)]).join('');
      counts.set(w, (counts.get(w) ?? 0) + 1 + Math.floor(rand() * 4));
    }
    expect(learnBpe(counts, 60)).toEqual(naiveBpe(counts, 60));
  });

  it('learns merges on the training rows only and maps unseen characters to OOV', () => {
    const train = ['low low low low low lower lower newest newest newest newest newest newest widest widest widest'];
    const t = tokenize.fit('text', col(train), params({ mode: 'bpe', vocabSize: 40, maxLength: 4 }));
    expect(t.merges.slice(0, 3)).toEqual([
      ['e', 's'],
      ['es', `t${W}`],
      ['l', 'o'],
    ]);
    // the later merges (d est, i dest, w idest, e r, lo w, low er) make 'lowest' two symbols
    expect(t.merges).toHaveLength(13);
    const [row] = ids(t, ['lowest z']);
    expect(row.slice(0, 2).map((id) => t.vocab[id - 2])).toEqual(['low', `est${W}`]);
    expect(row.slice(2)).toEqual([OOV_ID, PAD_ID]);
  });
});

const sk = JSON.parse(readFileSync('test/fixtures/text/tokenize_oracles.json', 'utf8')) as {
  docs: string[];
  cases: { params: Partial<TokenizeParams>; tokens: string[][] }[];
};

describe('tokenize: word mode with a token pattern and stop words (scikit-learn 1.2 analyzers, recorded)', () => {
  it.each(sk.cases)('cuts the tokens CountVectorizer cuts with $params', (c) => {
    const t = tokenize.fit(
      'text',
      col(sk.docs),
      params({ normalize: 'none', vocabSize: 1000, maxLength: 64, ...c.params }),
    );
    const token = (id: number) => (id === OOV_ID ? '[UNK]' : t.vocab[id - 2]);
    sk.docs.forEach((doc, i) => expect(encodeText(t, doc).map(token), doc).toEqual(c.tokens[i]));
    const back = tokenizeFromCard(JSON.parse(JSON.stringify(tokenizerCard(t))) as Record<string, unknown>);
    expect(ids(back, sk.docs)).toEqual(ids(t, sk.docs));
    const [again] = refitTransforms([t], [{ name: 'text', type: 'text' as const, values: sk.docs }], sk.docs.length);
    expect(again).toMatchObject({ tokenPattern: t.tokenPattern, vocab: t.vocab });
    expect((again as typeof t).stopList).toEqual(t.stopList);
  });

  it('refuses a pattern or stop words outside word mode, and patterns it cannot read', () => {
    expect(() => tokenize.fit('body', col(['a b']), params({ mode: 'char', stopWords: 'english' }))).toThrow(
      /column 'body': tokenPattern and stop words apply to word mode, not char/,
    );
    expect(() => tokenize.fit('body', col(['a b']), params({ tokenPattern: '(a)(b)' }))).toThrow(
      /column 'body': tokenPattern "\(a\)\(b\)" cannot be used \(2 capturing groups/,
    );
  });
});

describe('tokenizer card', () => {
  it('describes the fitted step completely (the export feeds ids computed from it)', () => {
    const train = ['Spam spam SPAM eggs', 'lovely spam, wonderful spam'];
    for (const mode of ['word', 'char', 'bpe'] as const) {
      const t = tokenize.fit('text', col(train), params({ mode, vocabSize: 30, maxLength: 12 }));
      const back = tokenizeFromCard(JSON.parse(JSON.stringify(tokenizerCard(t))) as Record<string, unknown>);
      const texts = ['spam and eggs', 'Wonderful!', null];
      expect(ids(back, texts)).toEqual(ids(t, texts));
    }
  });
});

describe('refitting on other rows (cross-validation folds)', () => {
  it('learns the vocabulary of the fold rows and keeps every option', () => {
    const t = tokenize.fit('text', col(['red fish', 'blue fish']), params({ maxLength: 3, truncate: 'start' }));
    const raw = [{ name: 'text', type: 'text' as const, values: ['green tea', 'green fish', 'other rows'] }];
    const [again] = refitTransforms([t], raw, 2);
    expect(again).toMatchObject({ kind: 'tokenize', vocab: ['green', 'fish', 'tea'], maxLength: 3, truncate: 'start' });
  });
});

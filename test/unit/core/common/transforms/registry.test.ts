import { describe, expect, it } from 'vitest';
import { transformModules } from '../../../../../core/common/transforms/registry';

describe('the fitted transform registry', () => {
  it('registers each module under its own kind', () => {
    for (const [key, m] of Object.entries(transformModules)) expect(m.kind).toBe(key);
  });
});

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const layerRules = new Set(['no-restricted-imports', 'no-restricted-globals']);
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => layerRules.has(ruleId),
});

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const messages = result?.messages ?? [];
  const fatal = messages.find((m) => m.fatal);
  if (fatal) throw new Error(fatal.message);
  return messages.filter((m) => m.ruleId !== null && layerRules.has(m.ruleId)).map((m) => m.message);
}

describe('the layer rule', () => {
  it('keeps Node built-ins and our other folders out of core/common', async () => {
    expect(
      await layerErrors(
        'core/common/graph/compile.ts',
        "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layerErrors('core/common/graph/compile.ts', "import path from 'path';\nexport const p = path;\n"),
    ).toHaveLength(1);
    expect(
      await layerErrors(
        'core/common/graph/compile.ts',
        "import { Engine } from '../../node/engine/Engine';\nexport const E = Engine;\n",
      ),
    ).toHaveLength(1);
    expect(await layerErrors('core/common/graph/compile.ts', 'export const t = setTimeout;\n')).toHaveLength(1);
    expect(
      await layerErrors(
        'core/common/graph/compile.ts',
        "import { canConnect } from '../ports';\nexport const c = canConnect;\n",
      ),
    ).toEqual([]);
  });

  it('lets the renderer import only core/common', async () => {
    expect(
      await layerErrors(
        'renderer/App.tsx',
        "import { Engine } from '../core/node/engine/Engine';\nexport const E = Engine;\n",
      ),
    ).toHaveLength(1);
    expect(await layerErrors('renderer/App.tsx', "import fs from 'node:fs';\nexport const f = fs;\n")).toHaveLength(1);
    expect(
      await layerErrors(
        'renderer/App.tsx',
        "import { canConnect } from '../core/common';\nexport const c = canConnect;\n",
      ),
    ).toEqual([]);
  });
});

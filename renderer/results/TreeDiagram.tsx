import type { TreeSketch, TreeSketchNode } from '../../core/common/learners/treeSketch';

/** What a node predicts: class shares (largest first) or the predicted target(s). */
function describeValue(value: number[], classNames: string[] | undefined): string {
  if (!classNames) return value.map((v) => v.toPrecision(4)).join(', ');
  return value
    .map((p, c) => ({ name: classNames[c] ?? String(c), p }))
    .filter((e) => e.p > 0)
    .sort((a, b) => b.p - a.p)
    .map((e) => `${e.name} ${Math.round(e.p * 100)}%`)
    .join(' · ');
}

function NodeBox({ node, classNames, path }: { node: TreeSketchNode; classNames?: string[]; path: string }) {
  return (
    <li>
      <div className="weft-tree-node" data-testid={`tree-node-${path}`}>
        {node.split ? (
          <strong>
            {node.split.feature} ≤ {Number(node.split.threshold.toPrecision(6))}
          </strong>
        ) : (
          <strong>leaf</strong>
        )}
        <span className="weft-muted"> {describeValue(node.value, classNames)}</span>
        {node.split && !node.children && <span className="weft-muted"> …</span>}
      </div>
      {node.children && (
        <ul>
          <NodeBox node={node.children[0]} classNames={classNames} path={`${path}L`} />
          <NodeBox node={node.children[1]} classNames={classNames} path={`${path}R`} />
        </ul>
      )}
    </li>
  );
}

/** The first levels of a tree learner's (first) tree: split, then the left (≤) child above the right. */
export function TreeDiagram({ sketch }: { sketch: TreeSketch }) {
  return (
    <div className="weft-card" data-testid="tree-diagram">
      <h4>
        {sketch.title === 'tree' ? 'Tree' : `Tree (${sketch.title})`}: first {sketch.depth} levels, left branch when the
        condition holds
      </h4>
      <ul className="weft-tree">
        <NodeBox node={sketch.root} classNames={sketch.classNames} path="root" />
      </ul>
    </div>
  );
}

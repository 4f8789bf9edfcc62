import { builtinNodes, loadDocument, rebaseForCopy, serializeDocument } from '../../core/common';

/**
 * The pipeline text native Save As writes at `to` when the document was open from `from` (both
 * absolute): each relative path it reads is rewritten by the studio's own `rebaseForCopy` to name
 * the same file from `to`'s folder (relative when the file is in the workspace, else absolute), so
 * a copy of an example keeps reading the example's data. Paths it writes stay relative. Text that
 * is not a loadable pipeline, or has nothing to rewrite, comes back unchanged.
 */
export function rebaseSavedCopy(text: string, where: { from: string; to: string; workspace: string }): string {
  const loaded = loadDocument(text, builtinNodes);
  if (!loaded.ok) return text;
  const rebased = rebaseForCopy(loaded.document, builtinNodes, where);
  return rebased === loaded.document ? text : serializeDocument(rebased);
}

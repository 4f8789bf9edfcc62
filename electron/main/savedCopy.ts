import { builtinNodes, loadDocument, namedAfterFile, rebaseForCopy, serializeDocument } from '../../core/common';

/**
 * The pipeline text native Save As writes at `to` when the document was open from `from` (both
 * absolute): each relative path it reads is rewritten by the studio's own `rebaseForCopy` to name
 * the same file from `to`'s folder (relative when the file is in the workspace, else absolute), so
 * a copy of an example keeps reading the example's data (only when `from` is given). Paths it
 * writes stay relative. A pipeline without a name is named after the file, as the studio's Save As
 * does. Text that is not a loadable pipeline, or has nothing to change, comes back unchanged.
 */
export function rebaseSavedCopy(text: string, where: { from?: string; to: string; workspace: string }): string {
  const loaded = loadDocument(text, builtinNodes);
  if (!loaded.ok) return text;
  const { from, to, workspace } = where;
  const rebased = from ? rebaseForCopy(loaded.document, builtinNodes, { from, to, workspace }) : loaded.document;
  const named = namedAfterFile(rebased, to);
  return named === loaded.document ? text : serializeDocument(named);
}

// Kept apart from index.ts so that assessment can list embedded documents without loading
// every format reader.
import type { ExtractedDocument } from '../schemas.js';

/** The document and the documents inside it (archive entries, e-mail attachments), each named
 * by its full path (`mail.eml › plan.zip › plan.pdf`), ready to be assessed side by side. */
export function withEmbedded(doc: ExtractedDocument): ExtractedDocument[] {
  if (!doc.embedded?.length) return [doc];
  const { embedded, ...outer } = doc;
  return [outer, ...embedded.map((d) => ({ ...d, file: `${doc.file} › ${d.file}` }))];
}

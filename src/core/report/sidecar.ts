/**
 * The notes sidecar on disk: `<capture>.tcpflowlens.json` beside the capture, never the capture
 * itself. Writes are atomic (a temporary file in the same folder, then rename), the previous version
 * is kept as `.bak`, and a sidecar that does not parse is never overwritten: every write reads the
 * file first and refuses with a SidecarError naming the problem.
 */
import { copyFile, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { emptyDocument, type NotesDocument, parseNotes, serializeNotes } from './notes';

export const SIDECAR_SUFFIX = '.tcpflowlens.json';

export function sidecarPath(capturePath: string): string {
  return `${capturePath}${SIDECAR_SUFFIX}`;
}

/** The capture's notes: an empty document when there is no sidecar; SidecarError when it is damaged. */
export async function loadNotes(capturePath: string): Promise<NotesDocument> {
  const path = sidecarPath(capturePath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyDocument();
    throw err;
  }
  return parseNotes(text, path);
}

/**
 * Reads the sidecar, applies `change` and writes the result atomically; returns the new document.
 * The read happens right before the write, so edits made meanwhile elsewhere (another editor, the
 * CLI, a text editor) are not lost; a damaged file makes it throw before anything is written.
 */
export async function updateNotes(capturePath: string, change: (doc: NotesDocument) => void, capture?: NotesDocument['capture']): Promise<NotesDocument> {
  const doc = await loadNotes(capturePath);
  if (capture && !doc.capture) doc.capture = capture;
  change(doc);
  await writeAtomically(sidecarPath(capturePath), serializeNotes(doc));
  return doc;
}

/** Writes `text` to `path` through a temporary file and a rename, keeping the old file as `path.bak`. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fh = await open(tmp, 'wx');
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await copyFile(path, `${path}.bak`).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** The sidecar's file name, for messages. */
export function sidecarName(capturePath: string): string {
  return basename(sidecarPath(capturePath));
}

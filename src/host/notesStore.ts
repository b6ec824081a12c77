/**
 * A capture's notes in the editor: the sidecar beside it (src/core/report/sidecar.ts: atomic writes,
 * a damaged file never overwritten), watched for edits made elsewhere (a text editor, the CLI, git),
 * with an undo stack of this window's own changes. Every change re-reads the file first, so an
 * outside edit made meanwhile is kept.
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { emptyDocument, nextNoteId, type Note, type NotesDocument, SidecarError } from '../core/report/notes';
import { numberNotes, sidecarRows } from '../core/report/noteRows';
import { loadNotes, SIDECAR_SUFFIX, updateNotes } from '../core/report/sidecar';
import type { CaptureView, NoteRow } from '../protocol';

type Change = (doc: NotesDocument) => void;

export class NotesStore implements vscode.Disposable {
  private doc: NotesDocument = emptyDocument();
  private problemText: string | null = null;
  /** Inverse changes of this window's edits, newest last. */
  private readonly undoStack: { label: string; change: Change }[] = [];
  private readonly watcher: vscode.FileSystemWatcher;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly capture: vscode.Uri) {
    const folder = vscode.Uri.joinPath(capture, '..');
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, `${basename(capture.fsPath)}${SIDECAR_SUFFIX}`));
    const reload = () => void this.reload();
    this.watcher.onDidChange(reload);
    this.watcher.onDidCreate(reload);
    this.watcher.onDidDelete(reload);
    void this.reload();
  }

  /** Why the sidecar cannot be used (it is left alone), or null. */
  get problem(): string | null {
    return this.problemText;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  /** The sidecar's notes and the capture's comments, placed on the view's flows and numbered. */
  rows(view: CaptureView | undefined): NoteRow[] {
    return numberNotes([...sidecarRows(this.doc, view?.flows ?? []), ...(view?.comments ?? [])]);
  }

  note(id: string): Note | undefined {
    return this.doc.notes.find((n) => n.id === id);
  }

  async reload(): Promise<void> {
    if (this.capture.scheme !== 'file') return;
    try {
      this.doc = await loadNotes(this.capture.fsPath);
      this.problemText = null;
    } catch (err) {
      this.problemText = err instanceof SidecarError ? err.message : `${(err as Error).message ?? err}`;
    }
    this.changeEmitter.fire();
  }

  /** Adds a note; returns its id. */
  async add(fields: Pick<Note, 'flow' | 'frame' | 'time' | 'end' | 'text' | 'finding'>): Promise<string> {
    let id = '';
    await this.apply((d) => {
      id = nextNoteId(d);
      d.notes.push({ id, ...fields, created: new Date().toISOString() });
    });
    this.undoStack.push({ label: 'add note', change: (d) => void removeNote(d, id) });
    return id;
  }

  async edit(id: string, text: string): Promise<void> {
    let before: Note | undefined;
    await this.apply((d) => {
      const note = findNote(d, id);
      before = { ...note };
      note.text = text;
      note.modified = new Date().toISOString();
    });
    const old = before!;
    this.undoStack.push({ label: 'edit note', change: (d) => Object.assign(findNote(d, id), { text: old.text, modified: old.modified }) });
  }

  async remove(id: string): Promise<void> {
    let removed: { note: Note; index: number } | undefined;
    await this.apply((d) => {
      removed = removeNote(d, id);
    });
    const { note, index } = removed!;
    this.undoStack.push({ label: 'delete note', change: (d) => void d.notes.splice(Math.min(index, d.notes.length), 0, note) });
  }

  /** Undoes this window's last note change; false when there is none. */
  async undo(): Promise<string | false> {
    const last = this.undoStack.pop();
    if (!last) return false;
    await this.apply(last.change);
    return last.label;
  }

  private async apply(change: Change): Promise<void> {
    if (this.capture.scheme !== 'file') throw new Error('notes can only be kept beside a capture on disk (a live session: Save Session, then open the saved file)');
    try {
      this.doc = await updateNotes(this.capture.fsPath, change, { name: basename(this.capture.fsPath), firstPacketEpoch: null });
      this.problemText = null;
    } catch (err) {
      if (err instanceof SidecarError) this.problemText = err.message;
      throw err;
    } finally {
      this.changeEmitter.fire();
    }
  }

  dispose(): void {
    this.watcher.dispose();
    this.changeEmitter.dispose();
  }
}

function findNote(d: NotesDocument, id: string): Note {
  const note = d.notes.find((n) => n.id === id);
  if (!note) throw new Error(`there is no note ${id} (it was deleted elsewhere?)`);
  return note;
}

function removeNote(d: NotesDocument, id: string): { note: Note; index: number } {
  const index = d.notes.findIndex((n) => n.id === id);
  if (index < 0) throw new Error(`there is no note ${id} (it was deleted elsewhere?)`);
  return { note: d.notes.splice(index, 1)[0], index };
}

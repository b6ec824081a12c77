/** The webview's note requests (add, edit, delete, undo) and the palette's "Pin Finding": the host asks for the text and writes the sidecar. */
import * as vscode from 'vscode';
import { noteWhere } from '../core/report/notes';
import { noteAt } from '../core/report/noteRows';
import { type FindingRow, MessageType, type NoteRequest } from '../protocol';
import type { CaptureDocument } from './captureDocument';

export async function handleNoteRequest(document: CaptureDocument, request: NoteRequest): Promise<void> {
  const store = document.notes;
  switch (request.type) {
    case MessageType.AddNote: {
      const state = document.state;
      if (state.kind !== 'ready') throw new Error('the capture is still being read');
      const fields = noteAt(state.view.flows, request.anchor);
      if (!fields) throw new Error(`there is no flow ${request.anchor.flowId}`);
      const text = await askText(`Add a note to flow ${request.anchor.flowId}, ${noteWhere(fields)}`, '');
      if (text !== undefined) await store.add({ ...fields, text });
      return;
    }
    case MessageType.EditNote: {
      const note = store.note(request.noteId);
      if (!note) throw new Error(request.noteId.startsWith('capture:') ? 'comments inside the capture are read-only' : `there is no note ${request.noteId}`);
      const text = await askText(`Edit the note at ${noteWhere(note)}`, note.text);
      if (text !== undefined && text !== note.text) await store.edit(note.id, text);
      return;
    }
    case MessageType.DeleteNote:
      if (request.noteId.startsWith('capture:')) throw new Error('comments inside the capture are read-only');
      await store.remove(request.noteId);
      return;
    case MessageType.UndoNote:
      await undoNoteChange(document);
      return;
    case MessageType.PinFinding: {
      const state = document.state;
      const finding = state.kind === 'ready' ? state.view.findings.find((f) => f.id === request.findingId) : undefined;
      if (!finding) throw new Error(`there is no finding ${request.findingId}`);
      await pinFinding(document, finding);
      return;
    }
  }
}

export async function undoNoteChange(document: CaptureDocument): Promise<void> {
  const undone = await document.notes.undo();
  vscode.window.setStatusBarMessage(undone ? `Undid: ${undone}` : 'No note change to undo', 3000);
}

/** "Pin Finding": the finding's sentence as a note over its interval, remembering which finding it was. */
export async function pinFinding(document: CaptureDocument, finding: FindingRow): Promise<void> {
  const state = document.state;
  if (state.kind !== 'ready') throw new Error('the capture is still being read');
  const fields = noteAt(state.view.flows, { flowId: finding.flowId, time: finding.time, ...(finding.end !== undefined && finding.end > finding.time ? { end: finding.end } : {}) });
  if (!fields) throw new Error(`there is no flow ${finding.flowId}`);
  await document.notes.add({ ...fields, text: finding.message, finding: { kind: finding.kind, frames: finding.frames } });
}

/** The note's text from an input box; undefined when cancelled. */
async function askText(title: string, value: string): Promise<string | undefined> {
  const text = await vscode.window.showInputBox({ title, value, prompt: 'Saved beside the capture in its .tcpflowlens.json file', ignoreFocusOut: true, validateInput: (v) => (v.trim() ? null : 'A note needs some text') });
  return text?.trim() ? text : undefined;
}

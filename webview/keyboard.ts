/**
 * Keys, like Wireshark's graph dialogs: + / − zoom, arrows pan (shift: further), 0 resets, d switches
 * direction, n / p go to the next / previous finding, m adds a note, f toggles following the live edge,
 * Escape clears the selected packet.
 */
export interface KeyActions {
  zoomIn(): void;
  zoomOut(): void;
  pan(fraction: number): void;
  resetZoom(): void;
  switchDirection(): void;
  nextFinding(): void;
  previousFinding(): void;
  clearSelection(): void;
  /** m: add a note (the selected or hovered packet, else the instant under the pointer). */
  addNote(): void;
  /** f: follow the live edge of a growing capture, or stop (a terminal's scroll lock). */
  toggleFollow(): void;
}

/** Typing in a text field, or a key with a modifier, is not a command. */
function ignore(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (e.ctrlKey || e.metaKey || e.altKey) return true;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
}

export function bindKeys(target: Document, actions: KeyActions): void {
  target.addEventListener('keydown', (e) => {
    if (ignore(e)) return;
    const step = e.shiftKey ? 0.5 : 0.1;
    const map: Record<string, () => void> = {
      '+': actions.zoomIn,
      '=': actions.zoomIn,
      '-': actions.zoomOut,
      _: actions.zoomOut,
      '0': actions.resetZoom,
      d: actions.switchDirection,
      D: actions.switchDirection,
      n: actions.nextFinding,
      N: actions.nextFinding,
      p: actions.previousFinding,
      P: actions.previousFinding,
      ArrowLeft: () => actions.pan(-step),
      ArrowRight: () => actions.pan(step),
      Escape: actions.clearSelection,
      m: actions.addNote,
      M: actions.addNote,
      f: actions.toggleFollow,
      F: actions.toggleFollow,
    };
    const run = map[e.key];
    if (!run) return;
    e.preventDefault();
    run();
  });
}

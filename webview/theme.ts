/**
 * The canvas palette, read from VS Code's `--vscode-*` variables (the DOM gets them through CSS).
 * VS Code swaps the variables and the body class when the theme changes, so the palette is read again
 * then; high-contrast themes get thicker lines and outlined shading; `prefers-reduced-motion` turns
 * animated zooms into jumps.
 */

export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  highContrast: boolean;
  reducedMotion: boolean;
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  focus: string;
  /** Data segments and bytes in flight. */
  data: string;
  /** The receiver's ACK line. */
  ack: string;
  /** The receive-window line (ack + window) and the advertised window. */
  window: string;
  sack: string;
  retransmission: string;
  probe: string;
  recvQ: string;
  /** Stall shading (drawn translucent) and zero-window marks. */
  stall: string;
  /** The owed-update marker: the headline, so the error colour. */
  owed: string;
  outOfWindow: string;
  windowFull: string;
  selection: string;
  /** Notes: their lines, range bands and numbered badges. */
  note: string;
  /**
   * The limited-by strip's colour per state, indexed like LIMIT_STATES: receiver window in the stall
   * shading's hue (a stall is its extreme case), then network, send buffer, application; idle is
   * drawn as a thin line in the last one.
   */
  limits: readonly string[];
  fontFamily: string;
  monoFamily: string;
  fontSize: number;
  /** Line width multiplier: 1, or more in high contrast. */
  line: number;
  /** Alpha of the stall shading. */
  stallAlpha: number;
}

/** Fallbacks are VS Code's Dark Modern values, for a page opened outside VS Code. */
const FALLBACK: Record<string, string> = {
  'editor-background': '#1f1f1f',
  'editor-foreground': '#cccccc',
  foreground: '#cccccc',
  descriptionForeground: '#9d9d9d',
  'editorLineNumber-foreground': '#6e7681',
  focusBorder: '#0078d4',
  'charts-blue': '#3794ff',
  'charts-green': '#89d185',
  'charts-yellow': '#cca700',
  'charts-orange': '#d18616',
  'charts-red': '#f14c4c',
  'charts-purple': '#b180d7',
  'editorError-foreground': '#f14c4c',
  'editorWarning-foreground': '#cca700',
  'editor-selectionBackground': '#264f78',
  'textLink-foreground': '#4daafc',
  'font-family': 'system-ui, sans-serif',
  'editor-font-family': 'monospace',
  'font-size': '13px',
  contrastBorder: '',
};

function cssVar(style: CSSStyleDeclaration, name: string): string {
  return style.getPropertyValue(`--vscode-${name}`).trim() || FALLBACK[name] || '';
}

function themeKind(body: HTMLElement): Theme['kind'] {
  if (body.classList.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (body.classList.contains('vscode-high-contrast')) return 'high-contrast';
  if (body.classList.contains('vscode-light')) return 'light';
  return 'dark';
}

const reducedMotionQuery = () => window.matchMedia('(prefers-reduced-motion: reduce)');

/** Reads the palette now. */
export function readTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string) => cssVar(style, name);
  const kind = themeKind(document.body);
  const highContrast = kind.startsWith('high-contrast');
  const light = kind === 'light' || kind === 'high-contrast-light';
  return {
    kind,
    highContrast,
    reducedMotion: reducedMotionQuery().matches,
    background: v('editor-background'),
    foreground: v('editor-foreground') || v('foreground'),
    muted: v('descriptionForeground'),
    // High contrast: grid lines in the contrast border colour, otherwise faint.
    grid: highContrast ? v('contrastBorder') || v('foreground') : v('editorLineNumber-foreground'),
    focus: v('focusBorder'),
    data: v('charts-blue'),
    ack: v('charts-green'),
    window: v('charts-yellow'),
    sack: v('charts-purple'),
    retransmission: v('charts-red'),
    probe: v('charts-orange'),
    recvQ: v('charts-purple'),
    stall: v('editorWarning-foreground'),
    owed: v('editorError-foreground'),
    outOfWindow: v('charts-red'),
    windowFull: v('charts-yellow'),
    selection: v('focusBorder'),
    note: v('textLink-foreground'),
    limits: [v('editorWarning-foreground'), v('charts-blue'), v('charts-purple'), v('charts-green'), v('descriptionForeground')],
    fontFamily: v('font-family'),
    monoFamily: v('editor-font-family'),
    fontSize: parseFloat(v('font-size')) || 13,
    line: highContrast ? 1.75 : 1,
    stallAlpha: highContrast ? 0.25 : light ? 0.13 : 0.15,
  };
}

/** Calls `onChange` with the new palette whenever VS Code switches theme or motion preference changes. */
export function watchTheme(onChange: (theme: Theme) => void): () => void {
  let scheduled = false;
  const fire = () => {
    if (scheduled) return;
    scheduled = true;
    // Class and variables change in separate mutations; read once after both.
    requestAnimationFrame(() => {
      scheduled = false;
      onChange(readTheme());
    });
  };
  const observer = new MutationObserver(fire);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  const motion = reducedMotionQuery();
  motion.addEventListener('change', fire);
  return () => {
    observer.disconnect();
    motion.removeEventListener('change', fire);
  };
}

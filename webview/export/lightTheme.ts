/** VS Code's Light Modern colours for the variables the timeline reads: the bug report's image is always light. */
export const LIGHT_MODERN: Record<string, string> = {
  'editor-background': '#ffffff',
  'editor-foreground': '#3b3b3b',
  foreground: '#3b3b3b',
  descriptionForeground: '#3b3b3b',
  'editorLineNumber-foreground': '#6e7681',
  focusBorder: '#005fb8',
  'panel-border': '#e5e5e5',
  'charts-blue': '#1a85ff',
  'charts-green': '#388a34',
  'charts-yellow': '#bf8803',
  'charts-orange': '#d18616',
  'charts-red': '#e51400',
  'charts-purple': '#652d90',
  'editorError-foreground': '#e51400',
  'editorWarning-foreground': '#bf8803',
  'editorInfo-foreground': '#1a85ff',
  'textLink-foreground': '#005fb8',
  'icon-foreground': '#3b3b3b',
  'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px',
  'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
};

export function applyLightTheme(): void {
  document.body.className = 'vscode-light';
  for (const [k, v] of Object.entries(LIGHT_MODERN)) document.documentElement.style.setProperty(`--vscode-${k}`, v);
}

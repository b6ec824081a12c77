/**
 * Inline SVG icons in the codicon style (16×16, currentColor), built with the DOM: no icon font to
 * ship, nothing the CSP has to allow, and they follow the theme's foreground colour.
 */
import { s } from './dom';

const PATHS = {
  chevronDown: 'M3.5 6l4.5 4.5L12.5 6',
  chevronRight: 'M6 3.5l4.5 4.5L6 12.5',
  arrowSwap: 'M2.5 5h10M10 2.5L12.5 5 10 7.5M13.5 11h-10M6 8.5L3.5 11 6 13.5',
  zoomIn: 'M7 4.5v5M4.5 7h5M10.5 10.5l3 3M7 12A5 5 0 1 0 7 2a5 5 0 0 0 0 10z',
  zoomOut: 'M4.5 7h5M10.5 10.5l3 3M7 12A5 5 0 1 0 7 2a5 5 0 0 0 0 10z',
  reset: 'M2.5 8a5.5 5.5 0 1 0 1.6-3.9M2.5 2.5v2.8h2.8',
  error: 'M8 14.5A6.5 6.5 0 1 0 8 1.5a6.5 6.5 0 0 0 0 13zM5.7 5.7l4.6 4.6M10.3 5.7l-4.6 4.6',
  warning: 'M8 1.8L14.8 14H1.2zM8 6v4M8 11.6v.8',
  info: 'M8 14.5A6.5 6.5 0 1 0 8 1.5a6.5 6.5 0 0 0 0 13zM8 7v4.5M8 4.6v.8',
  arrowUp: 'M8 13.5v-11M4 6.5l4-4 4 4',
  arrowDown: 'M8 2.5v11M4 9.5l4 4 4-4',
  filter: 'M1.5 2.5h13L9.5 8.5v5l-3-1.5V8.5z',
  pulse: 'M1 8h3l2-5 4 10 2-5h3',
  follow: 'M1.5 8h9M7.5 5l3 3-3 3M13.5 2.5v11',
  clock: 'M8 14.5A6.5 6.5 0 1 0 8 1.5a6.5 6.5 0 0 0 0 13zM8 4v4l3 2',
  refresh: 'M13.5 8A5.5 5.5 0 1 1 11.9 4.1M13.5 2.5v2.8h-2.8',
  note: 'M3 1.5h7l3 3v10H3zM10 1.5v3h3M5.5 8h5M5.5 11h5',
  edit: 'M10.5 2.5l3 3-8 8h-3v-3zM9 4l3 3',
  trash: 'M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4M6.7 6.5v5M9.3 6.5v5',
  undo: 'M3 6.5h7a3.5 3.5 0 0 1 0 7H6M5.5 4L3 6.5 5.5 9',
  pin: 'M9.5 1.5l5 5-2 .5-2.5 2.5.5 3-1.5 1.5-3-3-4 4M4.5 8.5l3 3M9.5 1.5l-.5 2-2.5 2.5-3-.5L2 7l3 3',
} as const;

export type IconName = keyof typeof PATHS;

export function icon(name: IconName, className = ''): SVGSVGElement {
  return s(
    'svg',
    { class: `icon icon-${name} ${className}`.trim(), viewBox: '0 0 16 16', width: '16', height: '16', 'aria-hidden': 'true', focusable: 'false' },
    s('path', { d: PATHS[name], fill: 'none', stroke: 'currentColor', 'stroke-width': '1.3', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }),
  );
}

/**
 * A CanvasRenderingContext2D stand-in that records the timeline's draw calls as SVG, so the bug
 * report's timeline.svg comes from the very drawing code the editor runs (no second renderer). It
 * implements what webview/timeline uses: paths (lines, rects, arcs, rounded rects), fill and
 * stroke, dashes, alpha, nested clips, text, and setTransform with uniform scale; anything else
 * throws, so a new draw call fails loudly here instead of going missing from the report.
 */
type State = { fill: string; stroke: string; lineWidth: number; alpha: number; dash: number[]; font: string; align: CanvasTextAlign; baseline: CanvasTextBaseline; clip: string | null; lineJoin: CanvasLineJoin; m: [number, number, number, number, number, number] };

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => String(Math.round(v * 100) / 100);
const BASELINES: Partial<Record<CanvasTextBaseline, string>> = { middle: 'central', top: 'text-before-edge', hanging: 'hanging', bottom: 'text-after-edge' };
const ANCHORS: Partial<Record<CanvasTextAlign, string>> = { center: 'middle', right: 'end', end: 'end' };

export class SvgContext {
  private state: State = { fill: '#000', stroke: '#000', lineWidth: 1, alpha: 1, dash: [], font: '10px sans-serif', align: 'start', baseline: 'alphabetic', clip: null, lineJoin: 'miter', m: [1, 0, 0, 1, 0, 0] };
  private readonly stack: State[] = [];
  private path = '';
  private readonly parts: string[] = [];
  private readonly defs: string[] = [];
  private clips = 0;

  /**
   * `scale` maps what the caller's transform produces back to the SVG's units (1 / devicePixelRatio),
   * `measure` measures text as the browser would draw it, `idPrefix` keeps clip ids unique per document.
   */
  constructor(
    private readonly scale: number,
    private readonly measure: (font: string, text: string) => TextMetrics,
    private readonly idPrefix: string,
  ) {}

  /** The recorded drawing: clip definitions, then the shapes in drawing order. */
  toSvg(): string {
    return `${this.defs.length ? `<defs>${this.defs.join('')}</defs>` : ''}${this.parts.join('')}`;
  }

  set fillStyle(v: string) { this.state.fill = v; }
  get fillStyle(): string { return this.state.fill; }
  set strokeStyle(v: string) { this.state.stroke = v; }
  get strokeStyle(): string { return this.state.stroke; }
  set lineWidth(v: number) { this.state.lineWidth = v; }
  get lineWidth(): number { return this.state.lineWidth; }
  set globalAlpha(v: number) { this.state.alpha = v; }
  get globalAlpha(): number { return this.state.alpha; }
  set font(v: string) { this.state.font = v; }
  get font(): string { return this.state.font; }
  set textAlign(v: CanvasTextAlign) { this.state.align = v; }
  get textAlign(): CanvasTextAlign { return this.state.align; }
  set textBaseline(v: CanvasTextBaseline) { this.state.baseline = v; }
  get textBaseline(): CanvasTextBaseline { return this.state.baseline; }
  set lineJoin(v: CanvasLineJoin) { this.state.lineJoin = v; }
  get lineJoin(): CanvasLineJoin { return this.state.lineJoin; }

  save(): void { this.stack.push({ ...this.state, dash: [...this.state.dash] }); }
  restore(): void { this.state = this.stack.pop() ?? this.state; }
  setLineDash(d: number[]): void { this.state.dash = [...d]; }
  getLineDash(): number[] { return [...this.state.dash]; }
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void {
    if (b !== 0 || c !== 0 || a !== d) throw new Error('SvgContext: only uniform scale and translation are supported');
    this.state.m = [a, b, c, d, e, f];
  }

  beginPath(): void { this.path = ''; }
  moveTo(x: number, y: number): void { this.path += `M${this.pt(x, y)}`; }
  lineTo(x: number, y: number): void { this.path += `L${this.pt(x, y)}`; }
  closePath(): void { this.path += 'Z'; }
  rect(x: number, y: number, w: number, h: number): void {
    this.path += `M${this.pt(x, y)}H${n(this.tx(x + w))}V${n(this.ty(y + h))}H${n(this.tx(x))}Z`;
  }
  roundRect(x: number, y: number, w: number, h: number, r: number): void {
    const k = this.k();
    const rr = Math.min(r, Math.abs(w) / 2, Math.abs(h) / 2) * k;
    const [x0, y0, x1, y1] = [this.tx(x), this.ty(y), this.tx(x + w), this.ty(y + h)];
    this.path += `M${n(x0 + rr)},${n(y0)}H${n(x1 - rr)}A${n(rr)},${n(rr)} 0 0 1 ${n(x1)},${n(y0 + rr)}V${n(y1 - rr)}A${n(rr)},${n(rr)} 0 0 1 ${n(x1 - rr)},${n(y1)}H${n(x0 + rr)}A${n(rr)},${n(rr)} 0 0 1 ${n(x0)},${n(y1 - rr)}V${n(y0 + rr)}A${n(rr)},${n(rr)} 0 0 1 ${n(x0 + rr)},${n(y0)}Z`;
  }
  arc(x: number, y: number, r: number, start: number, end: number): void {
    if (Math.abs(end - start) < Math.PI * 2 - 1e-9) throw new Error('SvgContext: only full circles are supported');
    const [cx, cy, rr] = [this.tx(x), this.ty(y), r * this.k()];
    this.path += `M${n(cx + rr)},${n(cy)}A${n(rr)},${n(rr)} 0 1 1 ${n(cx - rr)},${n(cy)}A${n(rr)},${n(rr)} 0 1 1 ${n(cx + rr)},${n(cy)}Z`;
  }

  stroke(): void {
    if (this.path) this.parts.push(`<path d="${this.path}" fill="none"${this.strokeAttrs()}${this.common()}/>`);
  }
  fill(): void {
    if (this.path) this.parts.push(`<path d="${this.path}" fill="${esc(this.state.fill)}"${this.common()}/>`);
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(`<rect ${this.box(x, y, w, h)} fill="${esc(this.state.fill)}"${this.common()}/>`);
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(`<rect ${this.box(x, y, w, h)} fill="none"${this.strokeAttrs()}${this.common()}/>`);
  }
  clip(): void {
    const id = `${this.idPrefix}c${++this.clips}`;
    const outer = this.state.clip ? ` clip-path="url(#${this.state.clip})"` : '';
    this.defs.push(`<clipPath id="${id}"${outer}><path d="${this.path}"/></clipPath>`);
    this.state.clip = id;
  }
  measureText(text: string): TextMetrics {
    return this.measure(this.state.font, text);
  }
  fillText(text: string, x: number, y: number): void {
    const anchor = ANCHORS[this.state.align] ? ` text-anchor="${ANCHORS[this.state.align]}"` : '';
    const baseline = BASELINES[this.state.baseline] ? ` dominant-baseline="${BASELINES[this.state.baseline]}"` : '';
    this.parts.push(`<text x="${n(this.tx(x))}" y="${n(this.ty(y))}" fill="${esc(this.state.fill)}" style="font: ${esc(this.scaledFont())}"${anchor}${baseline}${this.common()}>${esc(text)}</text>`);
  }

  private k(): number { return this.state.m[0] * this.scale; }
  private tx(x: number): number { return (this.state.m[0] * x + this.state.m[4]) * this.scale; }
  private ty(y: number): number { return (this.state.m[3] * y + this.state.m[5]) * this.scale; }
  private pt(x: number, y: number): string { return `${n(this.tx(x))},${n(this.ty(y))}`; }
  private box(x: number, y: number, w: number, h: number): string {
    return `x="${n(this.tx(x))}" y="${n(this.ty(y))}" width="${n(w * this.k())}" height="${n(h * this.k())}"`;
  }
  private strokeAttrs(): string {
    const s = this.state;
    const dash = s.dash.length ? ` stroke-dasharray="${s.dash.map((d) => n(d * this.k())).join(' ')}"` : '';
    return ` stroke="${esc(s.stroke)}" stroke-width="${n(s.lineWidth * this.k())}" stroke-linejoin="${s.lineJoin}" stroke-miterlimit="10"${dash}`;
  }
  private common(): string {
    const s = this.state;
    return `${s.alpha < 1 ? ` opacity="${n(s.alpha)}"` : ''}${s.clip ? ` clip-path="url(#${s.clip})"` : ''}`;
  }
  /** The font with its pixel size scaled like the coordinates. */
  private scaledFont(): string {
    return this.state.font.replace(/(\d+(?:\.\d+)?)px/, (_, px: string) => `${n(Number(px) * this.k())}px`);
  }
}

// Looking at what the timelines drew: pixels of every visible canvas in the capture editor's frame,
// read back in the page (2D or WebGL alike, through drawImage onto a scratch canvas).

/**
 * Per visible canvas: its size, the share of pixels that differ from its most common colour (the
 * background), how many distinct colours it holds (coarsely quantized), and a hash of its pixels.
 */
export async function sampleCanvases(frame) {
  return frame.locator('canvas').evaluateAll((canvases) =>
    canvases
      .filter((c) => c.width > 0 && c.height > 0 && c.getClientRects().length > 0)
      .map((c) => {
        const scratch = document.createElement('canvas');
        scratch.width = c.width;
        scratch.height = c.height;
        const ctx = scratch.getContext('2d', { willReadFrequently: true });
        ctx.drawImage(c, 0, 0);
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        const counts = new Map();
        let hash = 2166136261;
        for (let i = 0; i < data.length; i += 4) {
          const key = ((data[i] >> 3) << 10) | ((data[i + 1] >> 3) << 5) | (data[i + 2] >> 3);
          counts.set(key, (counts.get(key) ?? 0) + 1);
          hash = Math.imul(hash ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)), 16777619);
        }
        const pixels = data.length / 4;
        const background = Math.max(...counts.values());
        return {
          label: c.getAttribute('aria-label') ?? '',
          width: c.width,
          height: c.height,
          inked: (pixels - background) / pixels,
          colours: counts.size,
          hash: (hash >>> 0).toString(16),
        };
      }),
  );
}

/** A canvas shows a drawing, not just its background: some ink and a few colours. */
export function isDrawn(sample) {
  return sample.inked > 0.002 && sample.colours >= 3;
}

/** One string for everything the canvases show, to tell whether a command changed the picture. */
export function pictureKey(samples) {
  return samples.map((s) => `${s.width}x${s.height}:${s.hash}`).join(' ');
}

/**
 * Waits until the canvases stop changing (two samples `intervalMs` apart agree; animated zooms and
 * pending series requests settle) and returns the last samples.
 */
export async function settledCanvases(page, frame, { timeoutMs = 30_000, intervalMs = 400 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let previous = await sampleCanvases(frame);
  for (;;) {
    await page.waitForTimeout(intervalMs);
    const next = await sampleCanvases(frame);
    if (pictureKey(next) === pictureKey(previous) || Date.now() > deadline) return next;
    previous = next;
  }
}

/** Waits until the picture differs from `before` and has settled; returns it, or null on timeout. */
export async function changedCanvases(page, frame, before, { timeoutMs = 20_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = await sampleCanvases(frame);
    if (pictureKey(now) !== before) return settledCanvases(page, frame);
    await page.waitForTimeout(200);
  }
  return null;
}

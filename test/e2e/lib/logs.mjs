// The extension host's log, as code-server writes it: <user-data-dir>/logs/<session>/exthost<N>/
// (remoteexthost.log, plus one folder per extension that has its own log channel). An entry starts
// with a timestamp and a level (`2026-11-22 19:36:31.248 [error] …`); the lines after it until the
// next timestamp (a stack) belong to it.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const ENTRY = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[(\w+)\]/;

/** What this extension is called in logs and stacks: its id, its command/view prefix, its files. */
const OURS = /tcp-flow-lens|tcpFlowLens|dist\/(extension|parseWorker)\.js/;
/** Errors that say nothing about the extension's code but that VS Code reports as uncaught. */
const UNCAUGHT = /uncaught|unhandled|\bTypeError\b|\bReferenceError\b|\bRangeError\b|\bSyntaxError\b/i;
/** Known offline noise (docs/e2e.md): no marketplace, no GitHub. */
const NOISE = [/ENOTFOUND/, /open-vsx\.org/, /authentication provider 'github'/i, /vscode\.github/];

/** Every log entry of the extension hosts at `level` or worse, with the file it came from. */
export async function extensionHostEntries(userDataDir, levels = ['error']) {
  const entries = [];
  for (const file of await logFiles(join(userDataDir, 'logs'))) {
    if (!/\/exthost\d*\//.test(file)) continue;
    let current = null;
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      const m = ENTRY.exec(line);
      if (m) {
        current = levels.includes(m[1]) ? { file, level: m[1], text: line } : null;
        if (current) entries.push(current);
      } else if (current && line.trim()) {
        current.text += `\n${line}`;
      }
    }
  }
  return entries;
}

/**
 * Splits the extension hosts' error entries into the ones that fail the run (they name this
 * extension, come from its own log channel, or are uncaught errors) and the rest (reported only).
 */
export async function extensionHostErrors(userDataDir) {
  const failing = [];
  const other = [];
  for (const entry of await extensionHostEntries(userDataDir)) {
    const ownChannel = /tcp-flow-lens/i.test(entry.file);
    if (NOISE.some((re) => re.test(entry.text)) && !OURS.test(entry.text)) other.push(entry);
    else if (ownChannel || OURS.test(entry.text) || UNCAUGHT.test(entry.text)) failing.push(entry);
    else other.push(entry);
  }
  return { failing, other };
}

/** One line per entry, for assertion messages. */
export function formatEntries(entries, maxChars = 600) {
  return entries.map((e) => `${e.file.replace(/^.*\/logs\//, 'logs/')}: ${e.text.slice(0, maxChars)}`).join('\n');
}

async function logFiles(dir) {
  const found = [];
  let items;
  try {
    items = await readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const item of items) {
    const path = join(dir, item.name);
    if (item.isDirectory()) found.push(...(await logFiles(path)));
    else if (item.name.endsWith('.log')) found.push(path);
  }
  return found;
}

/**
 * The one message protocol between the extension host and the capture editor's webview, imported by
 * both sides (and nothing else is shared). The webview speaks first: it posts `ready` once its
 * script runs, and only then does the host post anything (earlier messages would be lost). A
 * request carries a `requestId`; the host answers every request with exactly one `reply` whose
 * `inReplyTo` names it, `{ ok }` on success or `{ error }` on failure, so the webview never waits
 * forever.
 *
 * The one import path is `src/protocol` (this index); lint keeps the webview to it and keeps these
 * files free of imports from outside the folder.
 */
export * from './messages';
export * from './rows';
export * from './timelineData';
export * from './marks';
export * from './reportPage';

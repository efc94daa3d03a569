import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';

/**
 * The inspector's local server: node http + ws. It keeps every inspection
 * message of the run and gives each viewer all of them from the start (a late
 * joiner gets every actor's definition and current snapshot), then the live
 * ones. It speaks the Stately inspector's protocol (one JSON message per
 * frame), serves the offline page at / and the Stately bridge page at /stately,
 * and refuses WebSocket connections from other sites' pages.
 */
export interface InspectorServerOptions {
  host: string;
  port: number;
  /** the offline page's HTML (built on first request) */
  page: () => Promise<string>;
}

export interface InspectorServer {
  port: number;
  /** the page's own origins: http://127.0.0.1:PORT, http://localhost:PORT, http://HOST:PORT */
  origins: Set<string>;
  publish(message: string): void;
  /** messages kept so far */
  readonly count: number;
  /** resolves when the first viewer connects */
  firstViewer: Promise<void>;
  /** waits until every connected viewer has every message, closes them; returns how many got them all */
  drain(): Promise<{ messages: number; viewers: number }>;
  close(): Promise<void>;
}

/** Thrown when the port cannot be had (in use, not allowed, no such address). */
export class ListenError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Viewer {
  ws: WebSocket;
  /** messages whose write has completed */
  written: number;
  closed: Promise<void>;
  onWritten: () => void;
}

export async function startInspectorServer(options: InspectorServerOptions): Promise<InspectorServer> {
  const log: string[] = [];
  const viewers = new Set<Viewer>();
  const origins = new Set<string>();
  const http = createServer(pageHandler(options));
  await listen(http, options);
  const { wss, firstViewer } = acceptViewers(http, origins, log, viewers);
  const port = (http.address() as AddressInfo).port;
  for (const h of ['127.0.0.1', 'localhost', options.host.includes(':') ? `[${options.host}]` : options.host]) origins.add(`http://${h}:${port}`);

  return {
    port,
    origins,
    firstViewer,
    get count() {
      return log.length;
    },
    publish(message) {
      log.push(message);
      for (const v of viewers) if (v.ws.readyState === WebSocket.OPEN) send(v, message);
    },
    async drain() {
      const total = log.length;
      const got = await Promise.all([...viewers].map((v) => drainViewer(v, total)));
      return { messages: total, viewers: got.filter(Boolean).length };
    },
    async close() {
      for (const v of viewers) v.ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** GET / is the offline page (built once, on first request), GET /stately the bridge page. */
function pageHandler(options: InspectorServerOptions) {
  let page: Promise<string> | undefined;
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/') {
      page ??= options.page();
      page.then(
        (html) => {
          // Nothing on the page may load from elsewhere; only its own WebSocket.
          res.writeHead(200, {
            'Content-Type': 'text/html; charset=utf-8',
            'Content-Security-Policy': `default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src ws://${req.headers.host}`,
            'Cache-Control': 'no-store',
          });
          res.end(html);
        },
        (err) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`page failed: ${(err as Error).message}`),
      );
    } else if (path === '/stately') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(statelyBridgePage());
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  };
}

/**
 * Listens, turning the usual errors into a ListenError that says why. Called before the
 * WebSocket server exists: it would re-emit a listen error as unhandled.
 */
function listen(http: Server, options: InspectorServerOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    http.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? `port ${options.port} is in use`
          : err.code === 'EACCES'
            ? `port ${options.port} is not allowed`
            : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
              ? `host ${options.host} is not an address of this machine`
              : err.message;
      reject(new ListenError(err.code ?? 'ERROR', why));
    });
    http.listen(options.port, options.host, () => resolve());
  });
}

/** The WebSocket side: each viewer, once accepted, is sent every message kept so far. */
function acceptViewers(http: Server, origins: Set<string>, log: string[], viewers: Set<Viewer>): { wss: WebSocketServer; firstViewer: Promise<void> } {
  let resolveFirst!: () => void;
  const firstViewer = new Promise<void>((r) => (resolveFirst = r));
  const wss = new WebSocketServer({
    server: http,
    // A browser always sends Origin: only the page's own origin may connect. A
    // client without one (a script, e.g. node's ws) is not a page another site runs.
    verifyClient: ({ origin }: { origin?: string }) => origin === undefined || origins.has(origin),
  });
  wss.on('connection', (ws) => {
    let onClose!: () => void;
    const viewer: Viewer = { ws, written: 0, closed: new Promise((r) => (onClose = r)), onWritten: () => {} };
    ws.on('close', () => {
      viewers.delete(viewer);
      onClose();
      viewer.onWritten();
    });
    ws.on('error', () => {});
    viewers.add(viewer);
    for (const message of log) send(viewer, message);
    resolveFirst();
  });
  return { wss, firstViewer };
}

function send(viewer: Viewer, message: string): void {
  viewer.ws.send(message, (err) => {
    if (!err) viewer.written++;
    viewer.onWritten();
  });
}

/** Waits until a viewer has read the first `total` messages and closes it; false if it left before. */
async function drainViewer(v: Viewer, total: number): Promise<boolean> {
  // Written to the socket...
  await new Promise<void>((resolve) => {
    const check = () => (v.written >= total || v.ws.readyState !== WebSocket.OPEN ? resolve() : undefined);
    v.onWritten = check;
    check();
  });
  if (v.written < total) return false;
  // ...and read: the close handshake ends only after the viewer has
  // read every frame sent before it.
  v.ws.close(1000, 'run complete');
  const timer = setTimeout(() => v.ws.terminate(), 10_000);
  await v.closed;
  clearTimeout(timer);
  return true;
}

/** The Stately inspector (online: stately.ai) fed from this server, as @statelyai/inspect's server page does. */
function statelyBridgePage(): string {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Stately Inspector (online)</title>
<style>* { margin: 0; padding: 0; } html, body { height: 100%; } iframe { width: 100%; height: 100%; border: none; }</style>
</head><body>
<iframe id="inspector" src="https://stately.ai/inspect"></iframe>
<script>
  const iframe = document.getElementById('inspector');
  const buffer = [];
  let connected = false;
  window.addEventListener('message', (e) => {
    if (e.data && e.data.type === '@statelyai.connected') {
      connected = true;
      buffer.forEach((m) => iframe.contentWindow.postMessage(m, '*'));
      buffer.length = 0;
    }
  });
  const ws = new WebSocket('ws://' + location.host + '/');
  ws.onmessage = (event) => {
    const data = JSON.parse(event.data);
    // the offline page's own messages (the verdict) are not the Stately protocol
    if (String(data.type).startsWith('@tps.')) return;
    if (connected) iframe.contentWindow.postMessage(data, '*');
    else buffer.push(data);
  };
</script>
</body></html>`;
}

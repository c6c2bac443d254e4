import { EventEmitter } from 'node:events';
import { PassThrough, Writable, type Readable } from 'node:stream';
import type { ExecIO, TerminalSize } from '../runtime.js';
import type { SpdySession, SpdyStream } from './spdy.js';
import type { WebSocketConnection } from './websocket.js';

/** The remote command subprotocols, newest first (the order a server prefers them in). */
export const channelProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;
export type ChannelProtocol = (typeof channelProtocols)[number];

/** WebSocket channel numbers (the first byte of each message). */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** What the client asked for in the query (`stdin`, `stdout`, `stderr`, `tty`). */
export interface StreamRequest {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** A metav1.Status as the error stream carries it. */
export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes: { reason?: string; message: string }[] };
}

export const successStatus: StreamStatus = { metadata: {}, status: 'Success' };

/** The status of a command that ran and exited non-zero, as kubelet reports it. */
export function exitCodeStatus(code: number): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command terminated with exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** The status of a command that could not be run. */
export function internalErrorStatus(message: string): StreamStatus {
  return { metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError', code: 500, details: { causes: [{ message }] } };
}

/** One side of a negotiated exec/attach: the streams for the runtime, and how to finish. */
export interface RemoteCommandSession {
  io: Omit<ExecIO, 'signal'>;
  /** Sends the final status, ends every stream and closes the connection. */
  finish(status: StreamStatus): Promise<void>;
  /** Aborted when the client goes away before the end. */
  signal: AbortSignal;
}

function endWritable(w: Writable | undefined): Promise<void> {
  if (!w || w.writableFinished || w.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    w.once('finish', () => resolve());
    w.once('close', () => resolve());
    w.once('error', () => resolve());
    if (!w.writableEnded) w.end();
  });
}

function parseResize(data: Buffer): TerminalSize | undefined {
  try {
    const v = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
    if (typeof v.Width === 'number' && typeof v.Height === 'number') return { width: v.Width, height: v.Height };
  } catch {
    // A malformed size is dropped, as kubelet drops it.
  }
  return undefined;
}

/**
 * Serves the channel protocols over a WebSocket: each message starts with its channel number; the
 * error channel carries a Status (v4 and v5) or a plain message (older ones); v5 adds `[255, n]`, the
 * client's "stream n is closed", which ends the command's stdin.
 */
export function webSocketRemoteCommand(ws: WebSocketConnection, protocol: string, req: StreamRequest): RemoteCommandSession {
  const abort = new AbortController();
  const resizes = new EventEmitter<{ resize: [TerminalSize] }>();
  const stdin = req.stdin ? new PassThrough() : undefined;
  const channelWriter = (channel: number): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (!ws.isOpen) return cb();
        if (ws.send(Buffer.concat([Buffer.of(channel), chunk]))) cb();
        else ws.whenDrained(() => cb());
      },
    });
  ws.on('message', (data, binary) => {
    if (!binary || data.length === 0) return;
    const channel = data[0];
    const body = data.subarray(1);
    if (channel === Channel.stdin) stdin?.write(body);
    else if (channel === Channel.resize) {
      const size = parseResize(body);
      if (size) resizes.emit('resize', size);
    } else if (channel === Channel.close && protocol === 'v5.channel.k8s.io' && body[0] === Channel.stdin) stdin?.end();
  });
  let finished = false;
  ws.on('close', () => {
    stdin?.end();
    if (!finished) abort.abort();
  });
  const stdout = req.stdout ? channelWriter(Channel.stdout) : undefined;
  const stderr = req.stderr && !req.tty ? channelWriter(Channel.stderr) : undefined;
  return {
    io: { stdin, stdout, stderr, tty: req.tty, onResize: (l) => void resizes.on('resize', l) },
    signal: abort.signal,
    async finish(status) {
      finished = true;
      await Promise.all([endWritable(stdout), endWritable(stderr)]);
      const structured = protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io';
      if (structured) ws.send(Buffer.concat([Buffer.of(Channel.error), Buffer.from(JSON.stringify(status))]));
      else if (status.status !== 'Success') ws.send(Buffer.concat([Buffer.of(Channel.error), Buffer.from(status.message ?? '')]));
      ws.close(1000);
      stdin?.end();
    },
  };
}

/** How long a SPDY client has to open every stream it asked for (kubelet's default). */
const streamCreationTimeoutMs = 30_000;
/** How long a finished command waits for the client to close the connection before closing it itself. */
const clientCloseGraceMs = 2_000;

function closedOrAfter(session: SpdySession, ms: number): Promise<void> {
  if (session.isClosed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      session.off('close', done);
      resolve();
    }
    session.on('close', done);
  });
}

/**
 * Serves a remote command over SPDY: the client opens one stream per requested channel (header
 * `streamtype`: error, stdin, stdout, stderr, resize), each answered with SYN_REPLY; once all are
 * there the command runs. Resolves with the session, or rejects when streams did not all come.
 */
export function spdyRemoteCommand(session: SpdySession, protocol: string, req: StreamRequest): Promise<RemoteCommandSession> {
  const wanted = new Set<string>();
  if (protocol !== 'channel.k8s.io') wanted.add('error');
  if (req.stdin) wanted.add('stdin');
  if (req.stdout) wanted.add('stdout');
  if (req.stderr && !req.tty) wanted.add('stderr');
  if (req.tty && protocol !== 'v2.channel.k8s.io' && protocol !== 'channel.k8s.io') wanted.add('resize');
  const streams = new Map<string, SpdyStream>();
  const replies: Promise<void>[] = [];
  const abort = new AbortController();
  const resizes = new EventEmitter<{ resize: [TerminalSize] }>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`timed out waiting for client to create streams (${[...wanted].filter((w) => !streams.has(w)).join(', ')})`));
      session.close();
    }, streamCreationTimeoutMs);
    let finished = false;
    session.on('close', () => {
      clearTimeout(timer);
      if (!finished) abort.abort();
      if (streams.size < wanted.size) reject(new Error('connection closed before every stream was created'));
    });
    session.on('stream', (stream) => {
      const type = stream.headers.streamtype ?? '';
      if (!wanted.has(type) || streams.has(type)) {
        stream.reset();
        return;
      }
      streams.set(type, stream);
      replies.push(stream.reply());
      if (type === 'resize') {
        let pending = '';
        // Each size is a JSON object; kubectl writes them back to back on one stream.
        stream.on('data', (d: Buffer) => {
          pending += d.toString('utf8');
          for (;;) {
            const end = pending.indexOf('}');
            if (end < 0) break;
            const size = parseResize(Buffer.from(pending.slice(0, end + 1)));
            pending = pending.slice(end + 1);
            if (size) resizes.emit('resize', size);
          }
        });
      } else if (type !== 'stdin') {
        // The client writes nothing on the others; reading keeps FINs and stray data flowing.
        stream.resume();
      }
      if (streams.size < wanted.size) return;
      clearTimeout(timer);
      const stdin = streams.get('stdin') as Readable | undefined;
      const stdout = streams.get('stdout');
      const stderr = streams.get('stderr');
      const error = streams.get('error');
      // The command starts only once the client has every SYN_REPLY it waits for.
      void Promise.all(replies).then(() => resolve({
        io: { stdin, stdout, stderr, tty: req.tty, onResize: (l) => void resizes.on('resize', l) },
        signal: abort.signal,
        async finish(status) {
          finished = true;
          await Promise.all([endWritable(stdout), endWritable(stderr)]);
          if (error) {
            if (protocol === 'v4.channel.k8s.io') error.write(JSON.stringify(status));
            else if (status.status !== 'Success') error.write(status.message ?? '');
            await endWritable(error);
          }
          // The client closes the connection once it has read the status. Closing first races it: kubectl
          // 1.20's spdystream, handed GOAWAY while the status still sits in its stream's queue, ends that
          // stream empty and reports exit code 0 (seen once in CI for `exec -it ... exit 4`).
          await closedOrAfter(session, clientCloseGraceMs);
          session.close();
        },
      }), reject);
    });
  });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType, type Status, StatusError } from '../api/index.js';
import { decodeKubernetesProtobuf, kubernetesProtobuf } from './protobuf/index.js';
import { storageFailureStatus } from './storage-failure.js';

/** The largest request body accepted, as kube-apiserver's limit. */
export const maxBodyBytes = 3 * 1024 * 1024;

/**
 * The whole request body. Read through 'data' events rather than an async iterator: at thousands of
 * small bodies a second the iterator's promises and wrapper objects cost more than the read itself.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        done();
        // The rest is read and dropped, so the connection can still carry the answer.
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    };
    const onError = (e: Error): void => {
      done();
      reject(e);
    };
    const onClose = (): void => {
      // Closed before the end: the client went away mid-body.
      done();
      reject(new Error('the request body ended early: the client closed the connection'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The media type of a Content-Type header, without parameters, lower-cased. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/** Decodes a JSON or YAML body into a value; anything else is 415, a malformed body 400. */
export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type === kubernetesProtobuf) return decodeKubernetesProtobuf(body);
  const text = body.toString('utf8');
  if (type === '' || type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw badRequest(`error decoding from json: ${(e as Error).message}`);
    }
  }
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'text/yaml' || type === 'application/x-yaml') {
    try {
      return parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
    } catch (e) {
      throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw unsupportedMediaType(type);
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  sendRaw(res, code, JSON.stringify(body), 'application/json');
}

export function sendRaw(res: ServerResponse, code: number, body: string | Uint8Array, contentType: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length });
  res.end(body);
}

export function sendStatus(res: ServerResponse, status: Status): void {
  sendJson(res, status.code, status);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof StatusError) {
    sendStatus(res, err.status);
    return;
  }
  const storageFailure = storageFailureStatus(err);
  if (storageFailure) return sendStatus(res, storageFailure.status);
  const message = err instanceof Error ? err.message : String(err);
  sendStatus(res, new StatusError(500, 'InternalError', `Internal error occurred: ${message}`).status);
}

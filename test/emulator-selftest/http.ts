/*
 * Raw HTTP for the emulator's self-tests: one request, on a fresh connection unless an agent is given (so socket
 * faults hit exactly this request), with the status, headers and body as they came.
 */
import { request, type Agent, type IncomingHttpHeaders } from 'node:http';

export type Res = { status: number; headers: IncomingHttpHeaders; body: string };

export type SendOptions = { method?: string; headers?: Record<string, string>; token?: string; body?: string; agent?: Agent; timeoutMs?: number };

/** A body without a content-type is sent as a form; `token` becomes a bearer Authorization header. */
export function send(url: string, options: SendOptions = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/x-www-form-urlencoded';
    const req = request(url, { method: options.method ?? 'GET', headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.end(options.body);
  });
}

import type { Now } from './clock';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultPlan } from './faults';
import { BinanceError, type RestAnswer, type RestRequest, type RestRoute } from './public-rest';

export type RestLogEntry = {
  /** epoch ms the request arrived */
  at: number;
  /** HTTP verb: a read-only client must never send an order-placing POST/PUT/DELETE */
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** set when the answer carried a Retry-After header */
  retryAfterSec?: number;
  /** answered with a queued fault (rate limit, server error) rather than the route */
  fault?: boolean;
};

/** Request weight used in the current minute, sent back as x-mbx-used-weight(-1m) like Binance. */
class WeightMeter {
  private minute = 0;
  private used = 0;

  add(weight: number, now: number): number {
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.used = 0;
    }
    this.used += weight;
    return this.used;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * What differs between exchanges around the routes: the answer to an unknown path, how an error a
 * route throws becomes an answer, and the headers every answer carries.
 */
export type RestDialect = {
  notFound(method: string, path: string): RestAnswer;
  /** the answer for an error a route threw, or undefined to let it fail loudly (a bug in the fake) */
  errorAnswer(error: unknown): RestAnswer | undefined;
  headers(answer: RestAnswer, request: RestRequest): Record<string, string>;
};

/** Binance: -1000 for unknown paths, BinanceError answers, used-weight headers. */
function binanceDialect(): RestDialect {
  const weights = new WeightMeter();
  return {
    notFound: (method, path) => ({
      status: 404,
      body: { code: -1000, msg: `Fake exchange: no route for ${method} ${path}` },
    }),
    errorAnswer: (error) => (error instanceof BinanceError ? error.answer() : undefined),
    headers: (answer, request) => {
      const used = String(weights.add(answer.weight ?? 1, request.now));
      return { 'x-mbx-used-weight': used, 'x-mbx-used-weight-1m': used };
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The HTTP side: queued faults first, then the route, every call logged with its answered status. */
export function createRestHandler(
  routes: Map<string, RestRoute>,
  faults: FaultPlan,
  log: RestLogEntry[],
  now: Now,
  dialect: RestDialect = binanceDialect(),
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      // A bug in the fake must be loud in the test that hit it, not a hung request.
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`fake exchange failure: ${error instanceof Error ? error.stack : String(error)}`);
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // From req.url, not url.search: the WHATWG parser re-encodes some characters, and a signature
    // covers the bytes as sent.
    const questionMark = (req.url ?? '').indexOf('?');
    const rawQuery = questionMark < 0 ? '' : (req.url ?? '').slice(questionMark + 1);
    const query = Object.fromEntries(url.searchParams);
    const body = await readBody(req);
    // Logged when answered, so every entry has its final status.
    const method = req.method ?? 'GET';
    const entry: RestLogEntry = { at, method, path: url.pathname, query, status: 0 };
    const delay = faults.takeDelay();
    if (delay > 0) await sleep(delay);
    const fault = faults.takeStatus();
    if (fault) {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json;charset=UTF-8',
        ...fault.headers,
      };
      if (fault.retryAfterSec !== undefined) {
        headers['Retry-After'] = String(fault.retryAfterSec);
        entry.retryAfterSec = fault.retryAfterSec;
      }
      entry.status = fault.status;
      entry.fault = true;
      log.push(entry);
      res.writeHead(fault.status, headers);
      res.end(fault.body);
      return;
    }
    const route = routes.get(`${method} ${url.pathname}`);
    const request: RestRequest = {
      method,
      path: url.pathname,
      query,
      rawQuery,
      rawBody: body,
      headers: req.headers,
      form: Object.fromEntries(new URLSearchParams(body)),
      now: now(),
    };
    let answer: RestAnswer;
    if (!route) {
      answer = dialect.notFound(method, url.pathname);
    } else {
      try {
        answer = route(request);
      } catch (error) {
        const mapped = dialect.errorAnswer(error);
        if (!mapped) throw error;
        answer = mapped;
      }
    }
    entry.status = answer.status;
    log.push(entry);
    res.writeHead(answer.status, {
      'Content-Type': 'application/json;charset=UTF-8',
      ...dialect.headers(answer, request),
    });
    res.end(JSON.stringify(answer.body));
  }
}

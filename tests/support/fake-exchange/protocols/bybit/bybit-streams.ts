import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { DepthDiff } from '../../order-book';
import type { Kline } from '../../klines';
import type { Listing } from '../../venue';
import { barAt, barOpen, BarCursor } from '../bars';
import { SubscriptionStreams, type SubscribedConnection } from '../subscription-streams';
import {
  BYBIT_INTERVALS,
  byBybitId,
  bybitId,
  bybitKlineEvent,
  bybitTicker,
  type BybitCategory,
} from './bybit-market';

type Sub =
  | { kind: 'kline'; topic: string; listing: Listing; interval: string; cursor: BarCursor }
  | { kind: 'tickers'; topic: string; listing: Listing }
  | { kind: 'orderbook'; topic: string; listing: Listing; depth: number; snapshotSent: boolean };

type BybitConnection = SubscribedConnection<Sub> & { category: BybitCategory; connId: string };

/** A truncated kline push. */
export const BYBIT_MALFORMED_FRAME = '{"topic":"kline.1.BTCUSDT","data":[{"start":17';

/** "Spot … can input up to 10 args for each subscription request" ("WebSocket Connect", Limits). */
const SPOT_ARGS_PER_REQUEST = 10;
/** Order book depths per category ("WS / Orderbook": spot 1, 50, 200; linear 1, 50, 200, 500). */
const DEPTHS: Record<BybitCategory, number[]> = { spot: [1, 50, 200], linear: [1, 50, 200, 500] };

/**
 * Bybit v5 public WebSocket, `/v5/public/spot` and `/v5/public/linear` ("WebSocket Connect").
 * Heartbeat: `{"op":"ping"}` every 20 s, answered (spot) `{"op":"pong","args":[ts]}` or (linear)
 * `{"success":true,"ret_msg":"pong","op":"ping"}`. Subscribe answers `{"success":…,"ret_msg",
 * "conn_id","req_id","op":"subscribe"}`; a bad topic fails the whole request. Topics:
 * `kline.<interval>.<symbol>` (forming bar with confirm false, then the closed bar once with confirm
 * true: "WS / Kline"), `tickers.<symbol>`, `orderbook.<depth>.<symbol>` (a snapshot, then deltas
 * with increasing `u`; size "0" deletes a level: "WS / Orderbook").
 */
export class BybitStreams extends SubscriptionStreams<Sub, BybitConnection> {
  attach(ws: WebSocket, category: BybitCategory): void {
    this.attachSocket(ws, (connection) => ({ connection, category, connId: randomUUID(), subs: new Map() }));
  }

  protected socketKind(state: BybitConnection): string {
    return state.category;
  }

  protected onMessage(state: BybitConnection, text: string): void {
    let request: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      this.answer(state, {
        success: false,
        ret_msg: `error:invalid json,text:${text}`,
        conn_id: state.connId,
      });
      return;
    }
    const reqId = typeof request.req_id === 'string' ? request.req_id : '';
    if (request.op === 'ping') {
      if (!this.faults.answersHeartbeat(this.now())) return;
      const pong =
        state.category === 'spot'
          ? { req_id: reqId, op: 'pong', args: [String(this.now())], conn_id: state.connId }
          : { success: true, ret_msg: 'pong', conn_id: state.connId, req_id: reqId, op: 'ping' };
      if (state.connection.ws.readyState === state.connection.ws.OPEN)
        state.connection.ws.send(JSON.stringify(pong));
      return;
    }
    const op = request.op;
    const topics = Array.isArray(request.args) ? request.args.map(String) : [];
    const reply = (success: boolean, retMsg: string) =>
      this.answer(state, { success, ret_msg: retMsg, conn_id: state.connId, req_id: reqId, op });
    if (op !== 'subscribe' && op !== 'unsubscribe') {
      reply(false, `error:handler not found,op:${String(op)}`);
      return;
    }
    if (state.category === 'spot' && topics.length > SPOT_ARGS_PER_REQUEST) {
      reply(false, `error:args size >${SPOT_ARGS_PER_REQUEST}`);
      return;
    }
    const subs = topics.map((topic) => this.parse(state, topic));
    const bad = topics.filter((_, i) => subs[i] === undefined);
    if (bad.length > 0) {
      reply(false, `Invalid symbol :[${bad.join(',')}]`);
      return;
    }
    for (const sub of subs as Sub[]) {
      if (op === 'subscribe') {
        if (!state.subs.has(sub.topic)) state.subs.set(sub.topic, sub);
      } else state.subs.delete(sub.topic);
    }
    reply(true, state.category === 'spot' ? op : '');
  }

  private parse(state: BybitConnection, topic: string): Sub | undefined {
    const parts = topic.split('.');
    const listing = byBybitId(this.venue, parts.at(-1));
    if (!listing) return undefined;
    if (parts[0] === 'kline' && parts.length === 3) {
      const bar = BYBIT_INTERVALS[parts[1]!];
      if (!bar) return undefined;
      return { kind: 'kline', topic, listing, interval: parts[1]!, cursor: new BarCursor(bar, this.now()) };
    }
    if (parts[0] === 'tickers' && parts.length === 2) return { kind: 'tickers', topic, listing };
    if (parts[0] === 'orderbook' && parts.length === 3) {
      const depth = Number(parts[1]);
      if (!DEPTHS[state.category].includes(depth)) return undefined;
      return { kind: 'orderbook', topic, listing, depth, snapshotSent: false };
    }
    return undefined;
  }

  private answer(state: BybitConnection, message: unknown): void {
    this.hub.sendAnswer(state.connection, JSON.stringify(message));
  }

  private push(state: BybitConnection, message: Record<string, unknown>): void {
    this.hub.sendData(state.connection, JSON.stringify(message));
  }

  protected afterSecond(now: number): void {
    for (const state of this.connections.values())
      for (const sub of state.subs.values()) if (sub.kind === 'kline') this.pushClosed(state, sub, now);
  }

  private pushClosed(state: BybitConnection, sub: Extract<Sub, { kind: 'kline' }>, now: number): void {
    for (const openTime of sub.cursor.closedSince(now)) {
      const kline = barAt(sub.listing.series, sub.cursor.bar, openTime, now);
      if (kline) this.pushKline(state, sub, kline, now);
    }
  }

  private pushKline(
    state: BybitConnection,
    sub: Extract<Sub, { kind: 'kline' }>,
    kline: Kline,
    now: number,
  ): void {
    const text = JSON.stringify({
      topic: sub.topic,
      data: [bybitKlineEvent(sub.listing, sub.interval, kline, now)],
      ts: now,
      type: 'snapshot',
    });
    this.sendCandle(state, text, sub.listing, sub.cursor.bar);
  }

  protected tick(now: number): void {
    const diffs = new Map<Listing, DepthDiff | null>();
    for (const state of this.connections.values()) {
      for (const sub of state.subs.values()) {
        switch (sub.kind) {
          case 'kline': {
            this.pushClosed(state, sub, now);
            const kline = barAt(sub.listing.series, sub.cursor.bar, barOpen(now, sub.cursor.bar), now);
            if (kline) this.pushKline(state, sub, kline, now);
            break;
          }
          case 'tickers': {
            const data = bybitTicker(this.venue, sub.listing, state.category, now);
            this.push(state, { topic: sub.topic, ts: now, type: 'snapshot', cs: now, data });
            break;
          }
          case 'orderbook': {
            if (!diffs.has(sub.listing)) diffs.set(sub.listing, sub.listing.book.advance(now));
            this.push(state, this.bookMessage(sub, diffs.get(sub.listing), now));
            break;
          }
        }
      }
    }
  }

  private bookMessage(
    sub: Extract<Sub, { kind: 'orderbook' }>,
    diff: DepthDiff | null | undefined,
    now: number,
  ): Record<string, unknown> {
    const plain = (levels: [string, string][]) =>
      levels.map(([p, q]) => [String(Number(p)), String(Number(q))]);
    const id = bybitId(sub.listing);
    if (!sub.snapshotSent) {
      sub.snapshotSent = true;
      const book = sub.listing.book.snapshot(sub.depth, now);
      return {
        topic: sub.topic,
        type: 'snapshot',
        ts: now,
        data: {
          s: id,
          b: plain(book.bids),
          a: plain(book.asks),
          u: book.lastUpdateId,
          seq: book.lastUpdateId,
        },
        cts: now,
      };
    }
    const u = sub.listing.book.updateId();
    return {
      topic: sub.topic,
      type: 'delta',
      ts: now,
      data: { s: id, b: diff ? plain(diff.bids) : [], a: diff ? plain(diff.asks) : [], u, seq: u },
      cts: now,
    };
  }
}

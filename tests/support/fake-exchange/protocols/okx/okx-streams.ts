import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { DepthDiff } from '../../order-book';
import type { Kline } from '../../klines';
import type { Listing } from '../../venue';
import { barAt, barOpen, BarCursor } from '../bars';
import { SubscriptionStreams, type SubscribedConnection } from '../subscription-streams';
import { OkxBookFeed } from './okx-book';
import { OKX_BARS, byInstId, bySwapId, okxCandleRow, okxTicker } from './okx-market';

type Arg = { channel: string; instId: string };
type Sub =
  | { kind: 'candle'; arg: Arg; listing: Listing; cursor: BarCursor }
  | { kind: 'tickers'; arg: Arg; listing: Listing }
  | { kind: 'books'; arg: Arg; listing: Listing; feed: OkxBookFeed }
  | { kind: 'funding'; arg: Arg; listing: Listing; nextPushAt: number };

/** A perpetual's funding as the `funding-rate` channel pushes it (okx-private.ts okxFundingRow). */
export type OkxFundingSource = (listing: Listing, now: number) => Record<string, string>;

/**
 * "WS / Funding rate channel": "Data will be pushed in 30s to 90s." The fake pushes at the fastest,
 * and a test that must not wait that long asks for the next push with pushFunding().
 */
export const OKX_FUNDING_PUSH_MS = 30_000;

type Path = 'public' | 'business';
type OkxConnection = SubscribedConnection<Sub> & { path: Path; connId: string };

/** A truncated candle push: what a cut frame looks like to ccxt. */
export const OKX_MALFORMED_FRAME = '{"arg":{"channel":"candle1m","instId":"BTC-USDT"},"data":[["17';

/**
 * OKX v5 public WebSocket: `/ws/v5/public` (tickers, books, funding-rate) and `/ws/v5/business` (candles — since
 * 2023 candle channels are served on business only; subscribing one on public is answered 60018:
 * "Changes to V5 API websocket subscription parameter and URL", help center, cited in ccxt's
 * okx.getUrl). Heartbeat: the text "ping", answered "pong" ("WS / Connect": "send the string
 * 'ping' … expect a 'pong' as a response"). Each subscribe arg is answered
 * `{event: "subscribe", arg, connId}` or `{event: "error", code: "60018", msg, connId}` ("WS /
 * Subscribe", "Error Code": 60018 "doesn't exist"); a frame that is not JSON gets 60012 "Illegal
 * request". Candle channels push the forming bar with confirm "0" and, once, the closed bar with
 * confirm "1" right after it ends ("WS / Candlesticks channel": confirm "0: uncompleted, 1:
 * completed").
 */
export class OkxStreams extends SubscriptionStreams<Sub, OkxConnection> {
  /** instIds whose market trades nothing until the given time: OKX pushes nothing for them */
  private readonly quietUntil = new Map<Listing, number>();
  /** the derivatives account's funding, once the fake has one (the swap instIds' `funding-rate`) */
  private funding: OkxFundingSource | null = null;

  serveFunding(source: OkxFundingSource): void {
    this.funding = source;
  }

  /** The `funding-rate` channel's next push, now (as if its 30–90 s cycle came round). */
  pushFunding(): void {
    const now = this.now();
    for (const state of this.connections.values())
      for (const sub of state.subs.values()) if (sub.kind === 'funding') this.pushFundingOf(state, sub, now);
  }

  attach(ws: WebSocket, path: Path): void {
    this.attachSocket(ws, (connection) => ({
      connection,
      path,
      connId: randomBytes(4).toString('hex'),
      subs: new Map(),
    }));
  }

  /** No trades on `listing` for `ms`: its candle and ticker channels push nothing meanwhile. */
  quiet(listing: Listing, ms: number): void {
    this.quietUntil.set(listing, this.now() + ms);
  }

  protected socketKind(state: OkxConnection): string {
    return state.path;
  }

  protected onMessage(state: OkxConnection, text: string): void {
    if (text === 'ping') {
      if (
        this.faults.answersHeartbeat(this.now()) &&
        state.connection.ws.readyState === state.connection.ws.OPEN
      )
        state.connection.ws.send('pong');
      return;
    }
    let request: { op?: unknown; args?: unknown; id?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      this.answer(state, {
        event: 'error',
        msg: `Illegal request: ${text}`,
        code: '60012',
        connId: state.connId,
      });
      return;
    }
    const args = Array.isArray(request.args) ? (request.args as Partial<Arg>[]) : [];
    const id = typeof request.id === 'string' ? { id: request.id } : {};
    if (request.op !== 'subscribe' && request.op !== 'unsubscribe') {
      this.answer(state, {
        ...id,
        event: 'error',
        msg: `Illegal request: ${text}`,
        code: '60012',
        connId: state.connId,
      });
      return;
    }
    for (const arg of args) {
      const clean: Arg = { channel: String(arg.channel), instId: String(arg.instId) };
      const key = `${clean.channel}:${clean.instId}`;
      const sub = this.parse(state, clean);
      if (!sub) {
        this.answer(state, {
          ...id,
          event: 'error',
          code: '60018',
          msg: `Wrong URL or channel:${clean.channel},instId:${clean.instId} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`,
          connId: state.connId,
        });
        continue;
      }
      if (request.op === 'subscribe') {
        if (!state.subs.has(key)) state.subs.set(key, sub);
      } else state.subs.delete(key);
      this.answer(state, { ...id, event: request.op, arg: clean, connId: state.connId });
    }
  }

  private parse(state: OkxConnection, arg: Arg): Sub | undefined {
    // `funding-rate` is a public channel of perpetuals (BTC-USDT-SWAP); the first push follows
    // within the channel's cycle, not with the subscribe answer.
    if (arg.channel === 'funding-rate') {
      const swap = bySwapId(this.venue, arg.instId);
      if (!swap || !this.funding || state.path !== 'public') return undefined;
      return { kind: 'funding', arg, listing: swap, nextPushAt: this.now() + OKX_FUNDING_PUSH_MS };
    }
    const listing = byInstId(this.venue, arg.instId);
    if (!listing) return undefined;
    if (arg.channel.startsWith('candle')) {
      const bar = OKX_BARS[arg.channel.slice('candle'.length)];
      if (!bar || state.path !== 'business') return undefined;
      return { kind: 'candle', arg, listing, cursor: new BarCursor(bar, this.now()) };
    }
    if (state.path !== 'public') return undefined;
    if (arg.channel === 'tickers') return { kind: 'tickers', arg, listing };
    if (arg.channel === 'books') return { kind: 'books', arg, listing, feed: new OkxBookFeed(listing) };
    return undefined;
  }

  private answer(state: OkxConnection, message: unknown): void {
    this.hub.sendAnswer(state.connection, JSON.stringify(message));
  }

  private push(state: OkxConnection, sub: Sub, body: Record<string, unknown>): void {
    this.hub.sendData(state.connection, JSON.stringify({ arg: sub.arg, ...body }));
  }

  private pushFundingOf(state: OkxConnection, sub: Extract<Sub, { kind: 'funding' }>, now: number): void {
    sub.nextPushAt = now + OKX_FUNDING_PUSH_MS;
    this.push(state, sub, { data: [this.funding!(sub.listing, now)] });
  }

  protected afterSecond(now: number): void {
    for (const state of this.connections.values())
      for (const sub of state.subs.values()) if (sub.kind === 'candle') this.pushClosed(state, sub, now);
  }

  private pushClosed(state: OkxConnection, sub: Extract<Sub, { kind: 'candle' }>, now: number): void {
    for (const openTime of sub.cursor.closedSince(now)) {
      const kline = barAt(sub.listing.series, sub.cursor.bar, openTime, now);
      if (kline) this.pushCandle(state, sub, kline);
    }
  }

  private pushCandle(state: OkxConnection, sub: Extract<Sub, { kind: 'candle' }>, kline: Kline): void {
    const text = JSON.stringify({ arg: sub.arg, data: [okxCandleRow(sub.listing, kline)] });
    this.sendCandle(state, text, sub.listing, sub.cursor.bar);
  }

  protected tick(now: number): void {
    const diffs = new Map<Listing, DepthDiff | null>();
    for (const state of this.connections.values()) {
      for (const sub of state.subs.values()) {
        if (sub.kind === 'funding') {
          if (now >= sub.nextPushAt) this.pushFundingOf(state, sub, now);
          continue;
        }
        if (sub.kind !== 'books' && now < (this.quietUntil.get(sub.listing) ?? 0)) continue;
        switch (sub.kind) {
          case 'candle': {
            this.pushClosed(state, sub, now);
            const kline = barAt(sub.listing.series, sub.cursor.bar, barOpen(now, sub.cursor.bar), now);
            if (kline) this.pushCandle(state, sub, kline);
            break;
          }
          case 'tickers':
            this.push(state, sub, { data: [okxTicker(this.venue, sub.listing, now)] });
            break;
          case 'books': {
            if (!diffs.has(sub.listing)) diffs.set(sub.listing, sub.listing.book.advance(now));
            this.push(state, sub, sub.feed.message(diffs.get(sub.listing), now));
            break;
          }
        }
      }
    }
  }
}

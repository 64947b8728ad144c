import { describe, expect, it } from 'vitest';
import {
  addItem,
  groupByExchange,
  moveItem,
  removeItem,
} from '../../../src/renderer/watchlist/watchlist-order';
import type { WatchItem } from '../../../src/shared/domain/settings';

const w = (exchange: string, symbol: string): WatchItem => ({ exchange, symbol, timeframes: ['1m'] });
const list = [
  w('binance', 'BTC/USDT'),
  w('okx', 'ETH/USDT'),
  w('binance', 'SOL/USDT'),
  w('binance', 'XRP/USDT'),
];
const names = (items: WatchItem[]) => items.map((i) => i.symbol);

describe('watchlist order', () => {
  it('groups by exchange in order of first appearance', () => {
    expect(groupByExchange(list).map((g) => [g.exchange, names(g.items)])).toEqual([
      ['binance', ['BTC/USDT', 'SOL/USDT', 'XRP/USDT']],
      ['okx', ['ETH/USDT']],
    ]);
  });

  it('moves an item past the neighbour of its own exchange', () => {
    expect(names(moveItem(list, list[2]!, -1))).toEqual(['SOL/USDT', 'ETH/USDT', 'BTC/USDT', 'XRP/USDT']);
    expect(names(moveItem(list, list[0]!, 1))).toEqual(['SOL/USDT', 'ETH/USDT', 'BTC/USDT', 'XRP/USDT']);
    expect(names(moveItem(list, list[0]!, -1))).toEqual(names(list));
    expect(names(moveItem(list, list[1]!, 1))).toEqual(names(list));
  });

  it('adds once and removes by exchange and symbol', () => {
    expect(addItem(list, w('binance', 'BTC/USDT'))).toHaveLength(4);
    expect(addItem(list, w('okx', 'BTC/USDT'))).toHaveLength(5);
    expect(names(removeItem(list, { exchange: 'binance', symbol: 'SOL/USDT' }))).toEqual([
      'BTC/USDT',
      'ETH/USDT',
      'XRP/USDT',
    ]);
  });
});

import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import {
  isReadOnlyRequest,
  lockTrading,
  TradingRefusedError,
} from '../../../src/main/core/account/trading-lock';

describe('isReadOnlyRequest', () => {
  it.each([
    ['GET', 'account', true],
    ['GET', 'openOrders', true],
    ['GET', 'order', true],
    ['POST', 'userDataStream', true],
    ['PUT', 'userDataStream', true],
    ['DELETE', 'userDataStream', true],
    ['POST', 'listenKey', true],
    ['POST', '0/private/Balance', true],
    ['POST', '0/private/OpenOrders', true],
    ['POST', '0/private/TradesHistory', true],
    ['POST', 'order', false],
    ['POST', 'order/test', false],
    ['DELETE', 'order', false],
    ['DELETE', 'openOrders', false],
    ['PUT', 'order/amend/keepPriority', false],
    ['POST', 'order/cancelReplace', false],
    ['POST', 'orderList/oco', false],
    ['POST', 'sor/order', false],
    ['POST', 'capital/withdraw/apply', false],
    ['POST', 'asset/transfer', false],
    ['POST', 'leverage', false],
    ['POST', '0/private/AddOrder', false],
    ['POST', '0/private/CancelAll', false],
    ['POST', 'cancelOpenOrders', false],
  ])('%s %s → %s', (method, path, allowed) => {
    expect(isReadOnlyRequest(path, method)).toBe(allowed);
  });
});

describe('lockTrading', () => {
  // Every refusal happens before a request could be signed or sent; should one slip through, it
  // goes to a closed port on this machine, never to the internet.
  const nowhere = 'http://127.0.0.1:9';
  const locked = () => {
    const ex = new ccxt.pro.binance({
      apiKey: 'k'.repeat(64),
      secret: 's'.repeat(64),
      urls: { api: { public: nowhere, private: nowhere, sapi: nowhere, fapiPrivate: nowhere } },
    });
    lockTrading(ex);
    return ex;
  };

  it('replaces every acting unified method, websocket ones included, and says the exchange has none', async () => {
    const ex = locked();
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 1, 1)).rejects.toThrow(TradingRefusedError);
    await expect(ex.cancelOrder('1', 'BTC/USDT')).rejects.toThrow(TradingRefusedError);
    await expect(ex.cancelAllOrdersWs('BTC/USDT')).rejects.toThrow(TradingRefusedError);
    await expect(ex.editOrder('1', 'BTC/USDT', 'limit', 'buy', 1, 1)).rejects.toThrow(TradingRefusedError);
    await expect(ex.withdraw('BTC', 1, 'addr')).rejects.toThrow(TradingRefusedError);
    await expect(ex.setLeverage(5, 'BTC/USDT:USDT')).rejects.toThrow(TradingRefusedError);
    expect(ex.has['createOrder']).toBe(false);
    expect(ex.has['createOrderWs']).toBe(false);
    expect(ex.has['fetchBalance']).toBe(true);
    expect(ex.has['watchMyTrades']).toBe(true);
  });

  it('refuses acting endpoints called through implicit methods', async () => {
    const ex = locked() as unknown as Record<string, (params?: object) => Promise<unknown>>;
    await expect(ex['privatePostOrder']!({ symbol: 'BTCUSDT' })).rejects.toThrow(
      /refused POST order on binance/,
    );
    await expect(ex['privateDeleteOpenOrders']!({ symbol: 'BTCUSDT' })).rejects.toThrow(TradingRefusedError);
    await expect(ex['sapiPostCapitalWithdrawApply']!({})).rejects.toThrow(TradingRefusedError);
  });
});

import ccxt from 'ccxt';

export type Binance = InstanceType<typeof ccxt.pro.binance>;
type BinanceConfig = ConstructorParameters<typeof ccxt.pro.binance>[0];

/** The real ccxt binance clients a test opened, closed together after it (their sockets too). */
export class OpenClients {
  private readonly open: Binance[] = [];

  binance(config: BinanceConfig): Binance {
    const exchange = new ccxt.pro.binance(config);
    this.open.push(exchange);
    return exchange;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((exchange) => exchange.close()));
  }
}

/** Polls `condition` every 10 ms until it holds; fails when it still does not after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

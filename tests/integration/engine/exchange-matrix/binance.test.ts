import { exchangeMatrix } from './exchange-matrix';

exchangeMatrix('binance');

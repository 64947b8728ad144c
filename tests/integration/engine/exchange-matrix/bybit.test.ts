import { exchangeMatrix } from './exchange-matrix';

exchangeMatrix('bybit');

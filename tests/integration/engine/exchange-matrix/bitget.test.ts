import { exchangeMatrix } from './exchange-matrix';

exchangeMatrix('bitget');

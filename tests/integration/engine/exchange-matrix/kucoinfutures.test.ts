import { exchangeMatrix } from './exchange-matrix';

exchangeMatrix('kucoinfutures');

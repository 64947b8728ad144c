import { exchangeMatrix } from './exchange-matrix';

exchangeMatrix('bingx');

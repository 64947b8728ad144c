import { exchangeMatrix } from './exchange-matrix';

exchangeMatrix('okx');

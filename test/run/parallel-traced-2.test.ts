/** Results and traces identical inline and on 1, 2 and 4 threads: the second half of the scenarios. */
import { checkParity, parityScenarios } from './parity.js';

checkParity(parityScenarios().filter((_, i) => i % 2 === 1));

/** The cross-engine scenarios (scenarios.ts) in Firefox ESR. */
import { describeEngine } from './scenarios.ts';

describeEngine('firefox');

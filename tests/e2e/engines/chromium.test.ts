/** The cross-engine scenarios (scenarios.ts) in Chromium. */
import { describeEngine } from './scenarios.ts';

describeEngine('chromium');

/** The cross-engine scenarios (scenarios.ts) in WebKitGTK, where SharedArrayBuffer is hidden (the default). */
import { describeEngine } from './scenarios.ts';

describeEngine('webkit');

/** The cross-engine scenarios (scenarios.ts) in WebKitGTK with JSC_useSharedArrayBuffer=1. */
import { describeEngine } from './scenarios.ts';

describeEngine('webkit-sab');

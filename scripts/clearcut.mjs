#!/usr/bin/env node
// The `clearcut` bin: registers tsx so Node can load the TypeScript sources of a checkout,
// then runs the CLI (scripts/cli.ts). Usage: `npx clearcut --help`.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');

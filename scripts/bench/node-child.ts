/** The child process node-runner.ts forks: measures the one model it is sent and reports back. */
import { measureNodeModel, type ChildRequest } from './node-runner.ts';

process.once('message', (request: ChildRequest) => {
  measureNodeModel(request).then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (err) => process.send!({ error: err instanceof Error ? err.stack : String(err) }, () => process.exit(1)),
  );
});
